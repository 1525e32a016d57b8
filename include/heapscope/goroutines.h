/* heapscope: goroutines in groups (`heapscope goroutines`), biggest first,
 * so the culprit of a leak or a pile-up comes first.
 *
 * Goroutines of dumps and goroutine profiles fall first into fine groups:
 * same stack (function, file and line of every frame), same state, same
 * creation site.  Groups then merge fine groups by their stack (no
 * merging), creation site, top frame or state; a merged group shows its
 * biggest fine group's stack.  Groups keep their strings in their own
 * arenas, so each file's model can be released before the next is loaded.
 * The core never prints. */
#ifndef HEAPSCOPE_GOROUTINES_H
#define HEAPSCOPE_GOROUTINES_H

#include <stdbool.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/error.h"
#include "heapscope/model.h"

typedef enum hs_group_by { HS_BY_STACK, HS_BY_CREATED_BY, HS_BY_TOP_FRAME, HS_BY_STATE } hs_group_by;
/* "stack", "created-by", "top-frame", "state" <-> hs_group_by; -1 if none. */
int hs_group_by_parse(const char *s);
const char *hs_group_by_name(hs_group_by by);

typedef struct hs_gframe {
	const char *func, *file;
	int64_t line;
} hs_gframe;

typedef struct hs_gfine {
	const char *key;
	size_t keylen;
	const char *state, *created_by, *created_loc;
	const hs_gframe *frames;  /* leaf first */
	uint32_t nframes;
	const char *top;          /* first frame outside package runtime */
	int64_t count;
	int64_t *per_file;
	uint32_t group;
	bool from_dump;           /* state and wait time are known */
} hs_gfine;

/* One set of pprof labels (the program's own, runtime/pprof.Do) and how
 * many of a group's goroutines carry it; n == 0: goroutines without. */
typedef struct hs_glabels {
	const char *const *kv;    /* key, value, key, value...: by key */
	uint32_t n;               /* pairs */
	int64_t count;
} hs_glabels;

typedef struct hs_ggroup {
	const char *key;
	size_t keylen;
	const hs_gfine *rep;      /* its biggest fine group */
	size_t nfine;
	size_t nstates;           /* distinct states among its goroutines */
	bool from_dump;           /* some of its goroutines come from a dump */
	int64_t count;
	int64_t *per_file;
	int64_t wait[3];          /* minutes: min, median, max */
	/* Its goroutines' label sets, most first (equal counts by keys and
	 * values); nlabels == 0 when none of them has a pprof label.  The
	 * labels do not split groups. */
	const hs_glabels *labels;
	size_t nlabels;
} hs_ggroup;

/* The accumulator: opaque, from hs_goroutines_new to hs_goroutines_free.
 * Its groups and fine groups, and their strings, live as long as it. */
typedef struct hs_goroutines hs_goroutines;

/* The labels a goroutine dump gives a goroutine (hs_goroutine_text_decode):
 * the ones sample s of p has are read into *dl, the others keep the
 * values *dl had.  Strings point into p. */
typedef struct hs_dump_labels {
	const char *state, *created_by, *created_loc;   /* created_by_loc */
	int64_t wait_minutes;
	int64_t dump;
	/* traces only (trace_analysis.h): NULL and -1 when absent */
	const char *created_stack;
	int64_t site_created, site_ended;
} hs_dump_labels;
void hs_dump_labels_read(const hs_profile *p, size_t s, hs_dump_labels *dl);

/* The label keys the loaders set themselves (goroutine dumps, a core's
 * and a heap dump's goroutines, a trace's), as against the program's
 * pprof labels: hs_dump_keys[k] names key k.  The keys of HS_DK_NUMBERS
 * carry numbers, the others strings. */
typedef enum hs_dump_key {
	HS_DK_STATE, HS_DK_WAIT_MINUTES, HS_DK_DUMP, HS_DK_CREATED_BY, HS_DK_CREATED_LOC,
	HS_DK_LOCKED, HS_DK_ELIDED, HS_DK_TRUNCATED, HS_DK_ANCESTORS,
	HS_DK_CREATED_STACK, HS_DK_SITE_CREATED, HS_DK_SITE_ENDED,   /* traces only */
	HS_DK_N
} hs_dump_key;
#define HS_DK_NUMBERS (1u << HS_DK_WAIT_MINUTES | 1u << HS_DK_DUMP | \
                       1u << HS_DK_SITE_CREATED | 1u << HS_DK_SITE_ENDED)
extern const char *const hs_dump_keys[HS_DK_N];
/* The key named k; HS_DK_N for any other name. */
hs_dump_key hs_dump_key_of(const char *k);

/* Keys: fields appended with a unit separator, compared as bytes. */
bool hs_gkey_add(hs_vec *k, const char *s, size_t n);
int hs_gkey_cmp(const char *a, size_t an, const char *b, size_t bn);

/* NULL on no memory (err set). */
hs_goroutines *hs_goroutines_new(hs_group_by by, int nfiles, hs_error *err);
void hs_goroutines_free(hs_goroutines *g);   /* NULL-safe */
/* Add file number `file`'s goroutines (a dump, or a profile with a
 * "goroutine" sample type; HS_E_USAGE when it has none). */
hs_err hs_goroutines_add(hs_goroutines *g, const hs_profile *p, int file, hs_error *err);
/* A file of dumps appended one after another (SIGQUIT tracebacks in one
 * log) holds several moments, told apart by the "dump" label: their count
 * (1 for anything else), and the goroutines of dump `dump` (0-based; -1:
 * all) as file number `file`. */
int64_t hs_goroutines_ndumps(const hs_profile *p);
hs_err hs_goroutines_add_dump(hs_goroutines *g, const hs_profile *p, int64_t dump, int file,
                              hs_error *err);
/* Merge fine groups into groups, wait statistics, sort: biggest first. */
hs_err hs_goroutines_finish(hs_goroutines *g, hs_error *err);

/* What the writers read, after hs_goroutines_finish. */
hs_group_by hs_goroutines_by(const hs_goroutines *g);
int hs_goroutines_nfiles(const hs_goroutines *g);
int64_t hs_goroutines_total(const hs_goroutines *g);      /* signed: a delta profile */
int64_t hs_goroutines_abs_total(const hs_goroutines *g);  /* the base of shares */
bool hs_goroutines_negative(const hs_goroutines *g);      /* some count is negative */
int64_t hs_goroutines_file_total(const hs_goroutines *g, int file);
/* The groups, biggest first, and the fine groups, in the order first seen. */
size_t hs_goroutines_ngroups(const hs_goroutines *g);
const hs_ggroup *hs_goroutines_groups(const hs_goroutines *g);
size_t hs_goroutines_nfines(const hs_goroutines *g);
const hs_gfine *hs_goroutines_fines(const hs_goroutines *g);

#endif
