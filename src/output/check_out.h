/* Writers of `heapscope check` (src/output/check_out.c). */
#ifndef HS_OUTPUT_CHECK_OUT_H
#define HS_OUTPUT_CHECK_OUT_H

#include <stddef.h>
#include <stdio.h>

#include "formats.h"

#include "heapscope/rules.h"

/* One rule checked on one file. */
typedef struct check_result {
	const char *file;
	const hs_rule *rule;
	hs_rule_result res;
	hs_measure m;
	char sample_type[64], unit[32];
	char message[512];
} check_result;

/* message: the checks of r in words ("total 9.26MB <= 64MB; ..."). */
void check_describe(check_result *r);

/* Every result of a run. */
typedef struct check_run {
	const char *rules, *base;  /* the rules file, --base (NULL: none) */
	const check_result *rs;
	size_t n, nfail;
} check_run;

typedef struct check_format {
	const char *name;
	void (*write)(FILE *out, const check_run *c);
} check_format;

/* "text", "json", "junit" (XML); NULL for anything else. */
OUT_FORMAT_DECLS(check_format, check);  /* and check_out_formats, its names */

#endif
