/* heapscope: the moment of a file that carries no time of its own.
 *
 * A series is ordered by each file's moment, taken in this order: the
 * profile's own time (time_nanos); the runtime.MemStats LastGC of a Go
 * text profile; a timestamp in the file's name (hs_time_from_name); the
 * file's modification time (hs_time_from_mtime).
 *
 * Names: the first of these, read as UTC, in the file's base name:
 *   2026-11-22T03:44:43Z, 2026-11-22_03-44-43, 2026-11-22 034443
 *       (date with dashes, then T, _, - or a blank, then the time with
 *       ':', '-' or nothing between its fields; a zone suffix is ignored)
 *   20261122T034443, 20261122-033558, 20261122_034131, 20261122034031
 *       (8 date digits, then T, -, _ or nothing, then 6 time digits, not
 *       followed by another digit)
 *   1763782931, 1763782931123
 *       (a run of exactly 10 digits: Unix seconds; 13: milliseconds)
 * Dates must be real (month 1-12, the month's days, hour <= 23) and
 * between HS_FILETIME_MIN_YEAR and HS_FILETIME_MAX_YEAR, so a build
 * number or a size in a name is not taken for a time. */
#ifndef HEAPSCOPE_FILETIME_H
#define HEAPSCOPE_FILETIME_H

#include <stdbool.h>
#include <stdint.h>

#include "heapscope/model.h"

enum { HS_FILETIME_MIN_YEAR = 2001, HS_FILETIME_MAX_YEAR = 2100 };

/* Nanoseconds since the Unix epoch from a timestamp in path's base name;
 * false when it holds none. */
bool hs_time_from_name(const char *path, int64_t *ns);
/* The file's modification time; false for "-" or a file stat fails on. */
bool hs_time_from_mtime(const char *path, int64_t *ns);

/* Where a file's moment came from, strongest first. */
typedef enum hs_time_from {
	HS_TIME_PROFILE = 0,   /* the profile's time_nanos */
	HS_TIME_LASTGC,        /* runtime.MemStats LastGC of a Go text profile */
	HS_TIME_NAME,          /* a timestamp in the file's name */
	HS_TIME_MTIME,         /* the file's modification time, in whole seconds */
	HS_TIME_NONE,          /* none of these ("-" of a dump, say) */
} hs_time_from;

/* The moment of file `path` holding profile p (p may be NULL), in the
 * order above; *ns is 0 for HS_TIME_NONE. */
hs_time_from hs_file_moment(const char *path, const hs_profile *p, int64_t *ns);

/* Can the moments of a set of files order them?  `seen` has bit
 * (1u << from) for each file's hs_time_from.  Not when one has none, nor
 * when some have only their mtime and others a time of their own (a
 * copy's mtime says nothing of those): mtimes order only mtimes. */
bool hs_moments_order(unsigned seen);
/* Files in time order: by moment, equal moments by name (numbers in names
 * compared as numbers); 0 when both are equal. */
int hs_moment_cmp(int64_t ma, const char *na, int64_t mb, const char *nb);

#endif
