/* Formatting shared by the text and DOT reports: pprof's unit selection
 * (selectOutputUnit), value labels and report header lines. */
#ifndef HS_OUTPUT_PPROF_TEXT_H
#define HS_OUTPUT_PPROF_TEXT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/graph.h"

typedef struct report_fmt {
	const hs_profile *p;
	const hs_view *v;
	const hs_report *r;
	const char *sample_type, *sample_unit;
	char out_unit[32];
	const char *filters[4];   /* "focus=...", NULL if unset */
} report_fmt;

/* requested_unit: --unit ("minimum" picks one for the whole report). */
void report_fmt_init(report_fmt *f, const hs_profile *p, const hs_view *v, const hs_report *r,
                     const char *requested_unit);
void report_fmt_value(const report_fmt *f, int64_t v, char *buf, size_t n);

/* Header lines as pprof prints them; returns the number written. */
int report_labels(const report_fmt *f, char lines[][320], int max, bool full_headers);

/* The leading fields of the top/diff JSON schema: sample_type, unit,
 * total, granularity, dropped_nodes, node_cutoff. */
struct json_w;
void report_json_header(struct json_w *w, const report_fmt *f);
/* A row's "name", "flat" and "cum" keys, for node id of f's report. */
void report_json_row(struct json_w *w, const report_fmt *f, uint32_t id);
/* A row's "inline" key when node id is (partly) inlined: "inline" or
 * "partial-inline"; nothing otherwise. */
void report_json_inline(struct json_w *w, const hs_report *r, uint32_t id);

/* hs_scaled_label of v (from_unit to to_unit, "minimum" for the best
 * one), with a '+' before a positive value when sign: the one way every
 * writer prints a size, duration or count; returns buf. */
const char *out_label(int64_t v, const char *from_unit, const char *to_unit, bool sign, char *buf,
                      size_t n);
/* A duration of ns nanoseconds in its best unit (hs_scaled_label "auto");
 * returns buf. */
const char *out_dur(int64_t ns, char *buf, size_t n);
/* The plural ending of a count's noun: "" for 1, "s" otherwise. */
const char *out_plural(int64_t n);

/* pprof's `-top` text. */
void print_top_text(FILE *out, const report_fmt *f);
/* The writers of `heapscope top`: "text", "json"; NULL for anything else. */
typedef struct top_format {
	const char *name;
	void (*write)(FILE *out, const report_fmt *f);
} top_format;
OUT_FORMAT_DECLS(top_format, top);  /* and top_out_formats, its names */
/* Time as Go's "Jan 2, 2006 at 3:04pm (MST)" in local time. */
void format_go_time(int64_t nanos, char *buf, size_t n);

#endif
