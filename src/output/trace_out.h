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
OUT_FORMAT_DECLS(trace_format, trace);  /* and trace_out_formats, its names */

#endif
