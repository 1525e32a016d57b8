/* heapscope: regular expressions with Go/RE2 syntax (via PCRE2, whose
 * syntax is a superset of what pprof users write: (?:...), \d, (?i)...).
 * Matching is an unanchored search, as Go's MatchString. */
#ifndef HEAPSCOPE_REGEX_H
#define HEAPSCOPE_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "heapscope/error.h"

typedef struct hs_regex hs_regex;

hs_err hs_regex_compile(hs_regex **out, const char *pattern, hs_error *err);
bool hs_regex_match(hs_regex *re, const char *s, size_t n);
void hs_regex_free(hs_regex *re);

#endif
