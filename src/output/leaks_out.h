/* Writers of `heapscope leaks` (src/output/leaks_out.c): the words of
 * its findings, which the core keeps as numbers and frames. */
#ifndef HS_OUTPUT_LEAKS_OUT_H
#define HS_OUTPUT_LEAKS_OUT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/leaks.h"

typedef struct leaks_format {
	const char *name;
	void (*write)(FILE *out, const hs_leaks *l);
} leaks_format;

/* "text", "json"; NULL for anything else. */
const leaks_format *leaks_format_find(const char *name);

/* The names of the table above, for the command's --format. */
extern const out_formats leaks_out_formats;

#endif
