/* Frame names for folded stacks (../shared/FOLDED.md), one rule for every
 * command that writes them: ';' (which always splits frames) becomes ':',
 * line breaks and tabs become blanks, trailing blanks go, an empty name
 * reads "<unknown>", and in a leaf a blank before trailing digits becomes
 * '_' (else flamegraph.pl would read the digits as a count). */
#ifndef HS_OUTPUT_FOLDED_NAME_H
#define HS_OUTPUT_FOLDED_NAME_H

#include <stdbool.h>
#include <stdio.h>

#include "heapscope/arena.h"

/* The cleaned name, allocated from a; NULL when out of memory. */
char *folded_name(hs_arena *a, const char *name, bool leaf);
/* Write the cleaned name to out. */
void folded_name_put(FILE *out, const char *name, bool leaf);

#endif
