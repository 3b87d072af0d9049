#include <stdio.h>
#include <string.h>
#include "greet.h"

/* Writes "Hello, <name>!" into out (capacity cap, always terminated);
   returns the length the full greeting needs, like snprintf. */
int greet(char *out, size_t cap, const char *name) {
    return snprintf(out, cap, "Hello, %s!", name);
}
