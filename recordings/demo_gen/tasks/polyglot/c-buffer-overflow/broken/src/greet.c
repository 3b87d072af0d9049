#include <stdio.h>
#include <string.h>
#include "greet.h"

/* Writes "Hello, <name>!" into out (capacity cap); returns its length. */
int greet(char *out, size_t cap, const char *name) {
    char buf[16];
    strcpy(buf, "Hello, ");
    strcat(buf, name);
    strcat(buf, "!");
    strncpy(out, buf, cap);
    return (int)strlen(out);
}
