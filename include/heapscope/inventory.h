/* heapscope: the inventory of a command's input files, in one place.
 *
 * Every analysis command (info, goroutines, blocking, leaks, growth,
 * gctrace) lists its files here as it reads them: each file's kind, its
 * moment (filetime.h: the profile's time, LastGC, a name stamp, the
 * mtime), whether the command used it and why not.  hs_inventory_finish
 * then decides, for every command the same way, which used files are twins
 * and the order of the moments.
 *
 * Twins: two used files of one family (heap profiles: protobuf, allocs
 * (Go's heap profile with alloc_space its default) and debug=1 text; goroutines: a debug=2 dump or traceback, a protobuf
 * goroutine profile, a debug=1 goroutine profile) in two different
 * formats, each holding one moment, are one moment when
 *   - both names carry the same timestamp; or
 *   - both have a real time (profile, LastGC or name stamp) less than a
 *     second apart; or
 *   - one has a real time and the other only its modification time, the
 *     mtime less than a second from that real time (the mtime is kept in
 *     whole seconds m: the real time is after m - 1 s and before m + 2 s),
 *     and no other file of the mtime file's format in the family has an
 *     mtime within a second of it (it picks out one file); a real time in
 *     the second m itself pairs, one a second off only when no other file
 *     of the format reaches it (ambiguous: neither).  A copy (cp, git checkout) gives
 *     mtimes long after any real time, so copies never pair this way;
 *     two files that have only mtimes are never twins.
 * Two files of one format are never twins, however close (a series
 * written in a loop).  Of twins the richest is used: a debug=2 dump over
 * a protobuf goroutine profile over a debug=1 one; a protobuf heap
 * profile over an allocs profile over its text; the other is unused, HS_WHY_TWIN, with `other`
 * the file used.
 *
 * Snapshots: the used files in time order (equal moments by name, numbers
 * in names as numbers; hs_moment_cmp), twins sharing one index; in the
 * order given when their moments cannot order them (hs_moments_order: a
 * file without time, or real times beside mtimes).  A file holding
 * several moments (the dumps of a log) takes as many indices, its first
 * is `snapshot`.  A gctrace log covers a span of time, not a moment: no
 * snapshot (-1), even when used (an execution trace is read as the
 * goroutines at its end: a moment, unless the partial-snapshot rule of
 * hs_inventory_finish keeps it out). */
#ifndef HEAPSCOPE_INVENTORY_H
#define HEAPSCOPE_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/error.h"
#include "heapscope/filetime.h"
#include "heapscope/model.h"

typedef enum hs_input_kind {
	HS_IN_HEAP = 0,            /* heap profile, protobuf */
	HS_IN_HEAP_TEXT,           /* heap profile, ?debug=1 text */
	HS_IN_ALLOCS,              /* allocs profile: alloc_space without inuse, or Go's
	                            * heap profile with alloc_space its default */
	HS_IN_GOROUTINE_DUMP,      /* ?debug=2 dump or SIGQUIT traceback */
	HS_IN_GOROUTINE,           /* goroutine profile, protobuf */
	HS_IN_GOROUTINE_TEXT,      /* goroutine profile, ?debug=1 text */
	HS_IN_CPU,
	HS_IN_CONTENTION,          /* block or mutex profile */
	HS_IN_THREADCREATE,
	HS_IN_PROFILE,             /* another profile */
	HS_IN_TRACE,               /* execution trace */
	HS_IN_GCTRACE,             /* GODEBUG=gctrace=1 log */
	HS_IN_HEAPDUMP,            /* runtime/debug.WriteHeapDump */
	HS_IN_CORE,                /* an ELF core (its goroutines read with --exe) */
	HS_IN_OTHER,               /* no artifact heapscope reads */
	HS_IN_UNREADABLE,          /* could not be read (its error was printed) */
	HS_IN_NKINDS
} hs_input_kind;
/* "heap", "heap_text", "allocs", "goroutine_dump", "goroutine",
 * "goroutine_text", "cpu", "contention", "threadcreate", "profile",
 * "trace", "gctrace", "heapdump", "core", "other", "unreadable". */
const char *hs_input_kind_name(hs_input_kind k);
/* Does a file of kind k hold only some of the goroutines (a trace: those
 * alive at its end, of those it saw; a heap dump: no wait reasons)?  Beside
 * a goroutine dump or profile such a file is no point of a series (leaks.h). */
bool hs_input_kind_partial(hs_input_kind k);
/* Does a file of kind k hold all the goroutines of its moment (a goroutine
 * dump or profile, debug=1 included, an ELF core's goroutines)? */
bool hs_input_kind_whole(hs_input_kind k);
/* The kind of a loaded profile (a heap dump or trace loaded as a profile
 * is the profile it reads as; a core's goroutines HS_IN_CORE). */
hs_input_kind hs_input_kind_of(const hs_profile *p);

typedef enum hs_input_why {
	HS_WHY_USED = 0,           /* used */
	HS_WHY_TWIN,               /* one moment with `other`, which is used */
	HS_WHY_KIND,               /* the command has no use for its kind */
	HS_WHY_UNREADABLE,         /* could not be read or added */
	HS_WHY_PARTIAL,            /* used, but no point of the series (still `used`): a
	                            * partial file beside a whole goroutine snapshot */
} hs_input_why;

typedef struct hs_input_entry {
	const char *path;          /* as given (copied) */
	hs_input_kind kind;
	hs_time_from time_from;
	int64_t time;              /* ns since the epoch; 0 for HS_TIME_NONE */
	int64_t stamp;             /* the time in its name, when has_stamp */
	bool has_stamp;
	uint32_t moments;          /* moments it holds (dumps of a log), >= 1 */
	bool used;
	hs_input_why why;
	size_t other;              /* HS_WHY_TWIN: the index of the file used */
	int64_t snapshot;          /* after finish, used files and twins; else -1 */
} hs_input_entry;

typedef struct hs_inventory hs_inventory;

hs_inventory *hs_inventory_new(hs_error *err);
void hs_inventory_free(hs_inventory *inv);   /* NULL-safe */
/* The adds and hs_inventory_unuse do nothing on a NULL inv (SIZE_MAX). */

/* Add a file from facts; its index, or SIZE_MAX on no memory.  It
 * starts used, unless kind is HS_IN_UNREADABLE; moments 0 counts as 1. */
size_t hs_inventory_add(hs_inventory *inv, const char *path, hs_input_kind kind,
                        hs_time_from from, int64_t time, uint32_t moments);
/* Add a loaded profile: its kind, moment (hs_file_moment) and moments
 * (the distinct "dump" labels of a goroutine dump). */
size_t hs_inventory_add_profile(hs_inventory *inv, const char *path, const hs_profile *p);
/* Add a file that is no profile (trace, gctrace log, heap dump, other,
 * unreadable): its moment from its name or mtime. */
size_t hs_inventory_add_file(hs_inventory *inv, const char *path, hs_input_kind kind);
/* The command did not use file i, for `why` (not HS_WHY_TWIN). */
void hs_inventory_unuse(hs_inventory *inv, size_t i, hs_input_why why);
/* File i is of kind k (a trace or heap dump loaded as a profile, whose
 * profile does not say so). */
void hs_inventory_set_kind(hs_inventory *inv, size_t i, hs_input_kind k);
/* Twins (when `twins`: a command that reads every file as its own, info,
 * leaves them used, each twin then sharing its moment's snapshot) and
 * snapshots, as the header says; call once, after every add.  With `twins` (a command reading the files as one
 * series) the partial-snapshot rule too: when a used file holds all the
 * goroutines of its moment (a goroutine dump or profile, a core), a used
 * trace or heap dump (hs_input_kind_partial) stays used but is no point of
 * the series: why HS_WHY_PARTIAL, snapshot -1, and the others' indices
 * leave it out (leaks.h; leaks and blocking read its goroutines as such). */
void hs_inventory_finish(hs_inventory *inv, bool twins);

size_t hs_inventory_n(const hs_inventory *inv);
const hs_input_entry *hs_inventory_at(const hs_inventory *inv, size_t i);
/* The partial-snapshot rule's two questions (hs_inventory_finish asks
 * them; leaks and blocking too): does a used file hold a whole goroutine
 * snapshot (hs_input_kind_whole), and is entry i a file holding only some
 * goroutines (hs_input_kind_partial; false for a NULL inventory or no
 * such entry)? */
bool hs_inventory_has_whole(const hs_inventory *inv);
bool hs_inventory_partial(const hs_inventory *inv, size_t i);
/* The used files' snapshots after finish (twins counted once). */
size_t hs_inventory_nsnapshots(const hs_inventory *inv);

/* The twin rule for entries a and b, as the header says (exposed for its
 * tests); the other entries count for the mtime rule. */
bool hs_inventory_twins(const hs_inventory *inv, size_t a, size_t b);

#endif
