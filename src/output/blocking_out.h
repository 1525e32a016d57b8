/* Writers of `heapscope blocking` (src/output/blocking_out.c): the words
 * of its hotspots, which the core keeps as numbers. */
#ifndef HS_OUTPUT_BLOCKING_OUT_H
#define HS_OUTPUT_BLOCKING_OUT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/blocking.h"
#include "heapscope/inventory.h"

/* What the writers get: the ranking and the inventory of the inputs
 * (inv may be NULL). */
typedef struct blocking_report {
	const hs_blocking *b;
	const hs_inventory *inv;
} blocking_report;

typedef struct blocking_format {
	const char *name;
	void (*write)(FILE *out, const blocking_report *r);
} blocking_format;

/* "text", "json"; NULL for anything else. */
OUT_FORMAT_DECLS(blocking_format, blocking);  /* and blocking_out_formats, its names */

#endif
