/* Writers of `heapscope info` (src/output/info_out.c). */
#ifndef HS_OUTPUT_INFO_OUT_H
#define HS_OUTPUT_INFO_OUT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/inventory.h"
#include "heapscope/model.h"
#include "heapscope/summary.h"
#include "json.h"

/* A writer's state across the files of one run. */
typedef struct info_w {
	FILE *out;
	json_w json;
	int n;                     /* files written so far */
	const hs_inventory *inv;   /* every file given, for json's "inputs" */
} info_w;

/* begin, then file() for each profile that loads and facts() for each
 * trace, heap dump, gctrace log or core read (hs_file_facts), in the order
 * given, then end (w->inv set by then). */
typedef struct info_format {
	const char *name;
	void (*begin)(info_w *w);
	void (*file)(info_w *w, const char *file, const hs_profile *p);
	void (*facts)(info_w *w, const char *file, const hs_file_facts *f);
	void (*end)(info_w *w);
} info_format;

/* "text", "json"; NULL for anything else. */
OUT_FORMAT_DECLS(info_format, info);  /* and info_out_formats, its names */

#endif
