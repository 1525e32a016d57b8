/* heapscope: leak candidates (`heapscope leaks`) from any mix of
 * goroutine dumps, goroutine profiles and heap profiles.
 *
 * Goroutines are grouped by culprit (the user frame) and wait kind
 * (blocking.h); each file, and each "dump" label inside one, is a
 * snapshot, in the order given.  A group's count is the most it had in one
 * snapshot.  Candidates, after LeakProf (Uber):
 *   blocked goroutines  groups waiting on a channel op, select, nil channel
 *                       or cond: high from min_high goroutines, medium
 *                       from min_medium, low below that when one waited
 *                       min_wait_minutes or more; growth across snapshots
 *                       (never decreasing, by min_medium or more) raises
 *                       the severity one step;
 *   goroutine pile-up   other waits (mutex, waitgroup, ...) with
 *                       min_high goroutines or more: medium;
 *   growing goroutines  other groups that grow as above: medium;
 *   created-by site     a creation site with min_high live goroutines
 *                       not already named by a candidate: medium;
 *   heap growth         growth candidates (growth.h) of inuse_space over
 *                       three or more heap profiles: high when the site
 *                       grew by 10% of the last total or more, else medium;
 *   growing retainer    a heap dump root (hs_leaks_add_retainers) whose
 *                       share of the reachable heap never falls over two
 *                       or more dumps, rises by 2 points or more and ends
 *                       at 10% or more: high when it rose by 10 points.
 * Benign, never candidates: runtime internals (no user frame), `select {}`
 * in main.main, waits in net/http, net/rpc and crypto/tls (accept and read
 * loops), and a select with fewer than min_medium goroutines (a long-lived
 * loop).  Candidates are ranked by severity, then goroutines (or bytes),
 * then culprit.  The core never prints. */
#ifndef HEAPSCOPE_LEAKS_H
#define HEAPSCOPE_LEAKS_H

#include "heapscope/blocking.h"

typedef enum hs_severity { HS_SEV_HIGH = 0, HS_SEV_MEDIUM, HS_SEV_LOW } hs_severity;
const char *hs_severity_name(hs_severity s);

typedef struct hs_leak_opts {
	int64_t min_high;          /* default 100 */
	int64_t min_medium;        /* default 10 */
	int64_t min_wait_minutes;  /* default 10 */
} hs_leak_opts;
void hs_leak_opts_default(hs_leak_opts *o);

typedef struct hs_leak {
	hs_severity severity;
	const char *kind, *culprit, *hint;
	int64_t weight;            /* goroutines, or bytes grown */
	hs_vec evidence;           /* const char * */
} hs_leak;

typedef struct hs_leaks {
	hs_leak_opts o;
	hs_arena arena;
	hs_vec groups;             /* private */
	hs_vec recs;               /* private: (group, snapshot, count, wait) */
	hs_vec heap;               /* private: (snapshot, name, value) */
	hs_vec heap_times, heap_totals;   /* int64_t per heap snapshot */
	hs_vec retainers;          /* private: (dump, root key, retained) */
	hs_vec dump_reachable;     /* int64_t per heap dump */
	size_t nsnap;              /* goroutine snapshots */
	void *index;               /* private */
	hs_vec leaks;              /* hs_leak, ranked by finish */
} hs_leaks;

hs_err hs_leaks_init(hs_leaks *l, const hs_leak_opts *o, hs_error *err);
void hs_leaks_release(hs_leaks *l);
/* Add a loaded profile; HS_E_USAGE when it is none of a goroutine dump,
 * goroutine profile or heap profile (inuse_space). */
hs_err hs_leaks_add(hs_leaks *l, const hs_profile *p, const char *name, hs_error *err);
/* Add one heap dump's roots: keys (run-independent names) and the bytes
 * each retains, out of `reachable`; the strings are copied. */
hs_err hs_leaks_add_retainers(hs_leaks *l, const char *const *keys, const uint64_t *retained,
                              size_t n, uint64_t reachable, hs_error *err);
hs_err hs_leaks_finish(hs_leaks *l, hs_error *err);
static inline size_t hs_leaks_n(const hs_leaks *l) { return l->leaks.len; }
static inline const hs_leak *hs_leaks_at(const hs_leaks *l, size_t i)
{
	return &HS_VEC_AT(&l->leaks, hs_leak, i);
}

#endif
