/* Writers of `heapscope growth` (src/output/growth_out.c). */
#ifndef HS_OUTPUT_GROWTH_OUT_H
#define HS_OUTPUT_GROWTH_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "formats.h"

#include "heapscope/filetime.h"
#include "heapscope/gctrace.h"
#include "heapscope/growth.h"
#include "heapscope/inventory.h"
#include "pprof_text.h"

/* A GODEBUG=gctrace=1 log given with the profiles: its last run (the
 * process running when it was taken). */
typedef struct growth_gc {
	const char *file;
	hs_gc_run run;
} growth_gc;

/* A computed series and how to show it: data only, filled by the command. */
typedef struct growth_series {
	const hs_growth *g;
	hs_growth_opts go;
	char sample_type[64], unit[32];
	int64_t min_growth;
	const char **files;        /* in snapshot (time) order */
	const uint8_t *time_from;  /* per snapshot as given: growth_time_from */
	size_t nlastgc, nname, nmtime;   /* snapshots timed by LastGC, file name, mtime */
	const hs_inventory *inv;   /* every file given, for json's "inputs" (may be NULL) */
	const growth_gc *gcs;      /* gctrace logs given, as evidence beside the series */
	size_t ngcs;
	/* presentation */
	const char *display_unit;  /* --unit */
	int nodecount;             /* -1: the format's default */
	bool cum;
	int granularity;           /* hs_granularity */
	bool interval;             /* times came from --interval */
	hs_growth_own *own;        /* candidates' own-code culprits, or NULL */
} growth_series;

/* Where a snapshot's time came from, in the order they are tried
 * (include/heapscope/filetime.h). */
enum growth_time_from {
	GROWTH_TIME_PROFILE = HS_TIME_PROFILE,   /* time_nanos */
	GROWTH_TIME_LASTGC = HS_TIME_LASTGC,     /* runtime.MemStats LastGC of a text profile */
	GROWTH_TIME_NAME = HS_TIME_NAME,         /* a timestamp in the file name */
	GROWTH_TIME_MTIME = HS_TIME_MTIME,       /* the file's modification time */
};

/* Is the series in bytes (memory)? */
bool growth_is_bytes(const growth_series *s);
/* The text report (limit lines, MemStats rows, rows by slope) and the
 * JSON document of `heapscope growth`. */
void growth_write_text(FILE *out, const growth_series *s);
void growth_write_json(FILE *out, const growth_series *s);

/* The newest profile, as loaded by the command for dot and folded. */
typedef struct growth_last {
	const hs_view *v;
	const report_fmt *f;       /* dot only: its trimmed report */
} growth_last;

typedef struct growth_format {
	const char *name;
	bool needs_report;         /* last.f (the newest profile's DOT report) */
	bool needs_view;           /* last.v */
	/* false after an error (e set, or out of memory with e->code 0) */
	bool (*write)(FILE *out, const growth_series *s, const growth_last *last, hs_error *e);
} growth_format;

/* "text", "json", "folded", "dot"; NULL for anything else. */
OUT_FORMAT_DECLS(growth_format, growth);  /* and growth_out_formats, its names */
/* The nodes DOT draws for the newest profile by default. */
enum { GROWTH_DOT_NODECOUNT = 80 };

#endif
