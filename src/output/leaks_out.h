/* Writers of `heapscope leaks` (src/output/leaks_out.c): the words of
 * its findings, which the core keeps as numbers and frames. */
#ifndef HS_OUTPUT_LEAKS_OUT_H
#define HS_OUTPUT_LEAKS_OUT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/inventory.h"
#include "heapscope/leaks.h"

/* What the writers get: the findings and the inventory of the inputs
 * (inv may be NULL). */
typedef struct leaks_report {
	const hs_leaks *l;
	const hs_inventory *inv;
} leaks_report;

typedef struct leaks_format {
	const char *name;
	void (*write)(FILE *out, const leaks_report *r);
} leaks_format;

/* "text", "json"; NULL for anything else. */
OUT_FORMAT_DECLS(leaks_format, leaks);  /* and leaks_out_formats, its names */

#endif
