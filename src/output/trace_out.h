/* Writers of the `heapscope trace` summary (src/output/trace_out.c). */
#ifndef HS_OUTPUT_TRACE_OUT_H
#define HS_OUTPUT_TRACE_OUT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/trace_analysis.h"

typedef struct trace_format {
	const char *name;
	void (*write)(FILE *out, const char *file, const hs_trace_info *info,
	              const hs_trace_summary *s);
} trace_format;

/* "text", "json" (the summary; --profile goes through top, dot, folded and
 * pprof); NULL for anything else. */
const trace_format *trace_format_find(const char *name);

/* The names of the table above, for the command's --format. */
extern const out_formats trace_out_formats;

#endif
