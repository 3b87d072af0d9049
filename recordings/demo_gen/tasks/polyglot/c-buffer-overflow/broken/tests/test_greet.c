#include <stdio.h>
#include <string.h>
#include "greet.h"

static int failures = 0;
#define CHECK(cond) do { \
    if (cond) { printf("ok   %s\n", #cond); } \
    else { printf("FAIL %s\n", #cond); failures++; } \
} while (0)

int main(void) {
    char out[64];
    CHECK(greet(out, sizeof out, "Ada") == 11 && strcmp(out, "Hello, Ada!") == 0);
    CHECK(greet(out, sizeof out, "Bartholomew-Montgomery") > 20);
    char small[8];
    greet(small, sizeof small, "Grace");
    CHECK(strcmp(small, "Hello, ") == 0);
    if (failures) printf("%d check(s) failed\n", failures);
    else printf("all checks passed\n");
    return failures != 0;
}
