/* Writers of `heapscope blocking` (src/output/blocking_out.c): the words
 * of its hotspots, which the core keeps as numbers. */
#ifndef HS_OUTPUT_BLOCKING_OUT_H
#define HS_OUTPUT_BLOCKING_OUT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/blocking.h"

typedef struct blocking_format {
	const char *name;
	void (*write)(FILE *out, const hs_blocking *b);
} blocking_format;

/* "text", "json"; NULL for anything else. */
const blocking_format *blocking_format_find(const char *name);

/* The names of the table above, for the command's --format. */
extern const out_formats blocking_out_formats;

#endif
