#include <stddef.h>

int greet(char *out, size_t cap, const char *name);
