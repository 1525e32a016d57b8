/* Writers of `heapscope goroutines` (src/output/goroutines_out.c). */
#ifndef HS_OUTPUT_GOROUTINES_OUT_H
#define HS_OUTPUT_GOROUTINES_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "formats.h"

#include "heapscope/goroutines.h"
#include "heapscope/inventory.h"

typedef struct goroutines_format {
	const char *name;
	/* files: the input names, hs_goroutines_nfiles of them; inv: their
	 * inventory, for json's "inputs" (may be NULL); false: out of memory. */
	bool (*write)(FILE *out, const hs_goroutines *g, char **files, const hs_inventory *inv);
} goroutines_format;

/* "text", "folded", "json", "dot"; NULL for anything else. */
OUT_FORMAT_DECLS(goroutines_format, goroutines);  /* and goroutines_out_formats, its names */

#endif
