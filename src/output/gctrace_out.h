/* Writers of `heapscope gctrace` (src/output/gctrace_out.c). */
#ifndef HS_OUTPUT_GCTRACE_OUT_H
#define HS_OUTPUT_GCTRACE_OUT_H

#include <stdint.h>
#include <stdio.h>

#include "formats.h"

#include "heapscope/gctrace.h"
#include "heapscope/inventory.h"

/* A loaded log and its runs, as the command computed them. */
typedef struct gctrace_report {
	const char *file;
	const hs_gctrace *t;
	const hs_gc_run *runs;     /* hs_gctrace_nruns(t) */
	int64_t limit;             /* --limit, 0: none */
	const hs_inventory *inv;   /* the log, for json's "inputs" (may be NULL) */
} gctrace_report;

typedef struct gctrace_format {
	const char *name;
	void (*write)(FILE *out, const gctrace_report *g);
} gctrace_format;

/* "text", "json"; NULL for anything else. */
OUT_FORMAT_DECLS(gctrace_format, gctrace);

/* A log's last run as evidence in another report (growth): one text line,
 * "gctrace FILE: live heap A -> B (max C) over N GCs, SLOPE, GC CPU P%",
 * and the JSON object {"file", "gcs", "live_first", "live_last",
 * "live_max", "slope_per_min", "cpu_percent", "leak_suspect"} (bytes). */
struct json_w;
void gctrace_write_run_line(FILE *out, const char *file, const hs_gc_run *r);
void gctrace_write_run_json(struct json_w *w, const char *file, const hs_gc_run *r);  /* and gctrace_out_formats, its names */

#endif
