/* Outputs of `heapscope diff`: a pprof report of the merged NEW - BASE
 * profile (report_fmt) with each side's sums beside it. */
#ifndef HS_OUTPUT_DIFF_OUT_H
#define HS_OUTPUT_DIFF_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "formats.h"

#include "heapscope/diff.h"
#include "pprof_text.h"

typedef struct diff_fmt {
	report_fmt f;               /* the report of the merged profile */
	const char *base_file, *new_file;
	const hs_diff_sums *sums;   /* per node of f.v: BASE's and NEW's flat and cum */
	bool cum;                   /* rows by cumulative values */
	bool normalized, diff_base;
} diff_fmt;

/* Rows in growth order: delta (flat, or cum with --cum) descending, ties
 * in pprof's report order.  The result is malloc'd (NULL: no memory). */
uint32_t *diff_rows(const diff_fmt *d);

/* Header lines of go tool pprof -top, with "Base:", "New:" and "Growth:"
 * before "Showing nodes...", then base, new, delta and delta% per node. */
bool diff_print_text(FILE *out, const diff_fmt *d);
/* top's JSON schema plus the sides: see man heapscope, "JSON (diff)". */
bool diff_print_json(FILE *out, const diff_fmt *d);
/* Differential folded stacks, "stack base new", for flamegraph.pl:
 * every stack of either side that passes v's filters. */
bool diff_print_folded(FILE *out, const hs_view *v, const hs_diff_sums *s);

/* The writers of `heapscope diff`: "text", "json", "dot" draw a report of
 * the merged profile (d->f, built with pprof's DOT trimming when `visual`),
 * "folded" the view's stacks (only d->f.v and d->sums are read); false:
 * out of memory. */
typedef struct diff_format {
	const char *name;
	bool report;
	bool visual;
	bool (*write)(FILE *out, const diff_fmt *d);
} diff_format;
/* NULL for anything else. */
OUT_FORMAT_DECLS(diff_format, diff);  /* and diff_out_formats, its names */

#endif
