/* heapscope: leak candidates (`heapscope leaks`) from any mix of
 * goroutine dumps, goroutine profiles and heap profiles.
 *
 * Goroutines are grouped by user frame and wait kind and named by their
 * own-code culprit (blocking.h); each file, and each "dump" label inside one, is a
 * snapshot.  Snapshots are in time order: each file's moment
 * (hs_file_moment: the profile's time, its LastGC, a timestamp in its
 * name, its modification time), equal moments in name order (numbers in
 * names as numbers), then in the order given; the dumps of one file in
 * their order.  When a goroutine file has no moment at all (a dump read
 * from "-"), the goroutine snapshots stay in the order given.
 * Twins are decided by the inventory (inventory.h: one kind in two
 * formats, one moment each, the same name stamp or times within a second)
 * and are one snapshot: the richer is used.  A group's count is the most it had in one
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
 *                       three or more heap profiles that rose in
 *                       HS_LEAK_HEAP_MIN_RISES steps or more (a site that
 *                       rises once and stays flat is noise: a one-time
 *                       lazy init, or one sampled allocation appearing at
 *                       the profile's sampling rate, 0 -> 512 kB): high
 *                       when the site grew by 10% of the last total or
 *                       more, else medium;
 *                       a site is the innermost own frame of a stack
 *                       (frames.h), weighed by the sum of every stack
 *                       whose innermost own frame it is, or the leaf
 *                       function when no frame is own;
 *   growing retainer    a heap dump root (hs_leaks_add_retainers) whose
 *                       share of the reachable heap never falls over two
 *                       or more dumps, rises by 2 points or more and ends
 *                       at 10% or more: high when it rose by 10 points;
 *   retention           a heap dump's leak suspect, the same as `heapdump`
 *                       reports (hs_leaks_add_heapdump; heapdump.h, owner
 *                       rule included): its owner, owning structure, roots
 *                       together, accumulation point and the group of
 *                       same-sized objects under it.  Severity by its share
 *                       of the reachable heap: high from
 *                       HS_LEAK_RETENTION_HIGH %, medium from
 *                       HS_LEAK_RETENTION_MEDIUM %, low below (a suspect
 *                       retains 10% or more); high only when its retained
 *                       bytes grow over the dumps (one dump shows a size,
 *                       not a growth: medium at most, low confidence).  Suspects of several dumps
 *                       with one owner key (a global's name, "stack: F")
 *                       are one candidate, one point per dump, described
 *                       by the last dump given that has it.
 * Partial snapshots: an execution trace (the goroutines alive at its end,
 * of those it saw) and a heap dump's goroutines (no wait reasons) are
 * goroutine snapshots of the series only when no goroutine dump or
 * profile is among the inputs; otherwise they are evidence only (a
 * trace's creation stacks still name creators), so a trace of the last
 * requests never reads as a drop in the series.
 * Benign, never candidates: runtime internals (no user frame), groups of an
 * idle class (heapscope/idle.h: profiler, signal, accept, connection,
 * main, sleep and worker loops) while they stay idle (no growth, fewer
 * than HS_IDLE_MAX_GROUP in every snapshot), and a select with fewer than
 * min_medium goroutines.  Candidates are ranked by severity, then
 * goroutines (or bytes), then culprit; within a severity, heap growth at
 * the `created by` function of a goroutine group candidate follows that
 * group (the leaking goroutines keep what their creator allocated: the
 * group is the cause, `follows` names it), and heap growth at the function
 * a goroutine group candidate runs in (its culprit) is those goroutines'
 * own memory: not a candidate of its own, the group lists the leak once.
 * Library heap: heap growth whose heaviest stack holds only runtime and
 * standard-library frames, no own or dependency frame (runtime.malg
 * under newproc1, whose stack a Go heap profile cuts at systemstack; a
 * connection's buffers under net/http's readLoop) is the memory
 * goroutines take for themselves, not a structure the service keeps (a
 * dependency's frame may be its cache, so such stacks stay candidates): when a goroutine group candidate grows (never fell, rose by
 * min_medium or more) it folds into that group (the one with the most
 * goroutines) as evidence, lib_heap_*; with no growing group it stays a
 * candidate of severity low.
 *
 * Confidence, how sure the evidence makes a finding (hs_leak_confidence):
 *   high    the count (goroutines, bytes, a root's share) never fell over
 *           three or more snapshots and rose in two steps or more;
 *   medium  it grew over two snapshots (or rose in one step of three or
 *           more), or a flat group seen in two snapshots or more waited
 *           min_wait_minutes or longer in each; heap growth and growing
 *           retainers are medium at least (growth.h already saw them grow);
 *   low     one snapshot's size only, or a count that stayed flat.
 * Mechanism, what the evidence says happens (hs_mechanism):
 *   goroutine leak    a group in a channel wait (select, send, receive,
 *                     nil channel, Cond), an idle loop's shape grown past
 *                     idle included (one per call of its creator when that
 *                     is not main.main and none of its go statement's
 *                     goroutines returned), one per request when the
 *                     creator is called under net/http's server; or
 *                     another growing group;
 *   per instance      a created-by site (many live goroutines from one go
 *                     statement) started by a function other than
 *                     main.main: a cache or pool built per instance; heap
 *                     growth whose allocation sites grow as one bundle per
 *                     call, with many parts per instance (instances.h);
 *   retention         other heap growth and growing retainers: a structure that
 *                     lives on keeps what the site allocates; the
 *                     goroutine count beside it is given when known;
 *   lock contention   a pile-up on a Mutex or RWMutex.
 * One finding: heap growth built per instance (instances.h) at a function
 * X and a goroutine leak whose goroutines a call of X starts (X is the
 * group's `created by` function or one of the own frames the inputs'
 * stacks show calling it: creators below) are one leak, a constructor
 * that builds a structure and starts a goroutine that never exits on
 * every call: the group (the one with the most goroutines when several)
 * keeps the heap candidate as `builds`, takes the higher severity, and
 * the heap candidate is not listed apart.  Heap growth at the creator
 * that is not per instance stays a candidate that `follows` the group.
 * Where a group comes from: its `created by` function F and, when any
 * input shows F with callers (a trace's creation stack of F's go
 * statement, a heap profile's stack through F, another goroutine's stack
 * through F), the own frames that call it, from the first such stack:
 * traces first, then heap profiles, then goroutine groups, each in the
 * order added; per request when a net/http frame lies above F (own
 * callers between or not).  A
 * trace also counts the goroutines F's go statement started and saw
 * return (site_created, site_ended); goroutines per minute come from the
 * first and last snapshots' moments when none is a modification time.
 * The core never prints. */
#ifndef HEAPSCOPE_LEAKS_H
#define HEAPSCOPE_LEAKS_H

#include "heapscope/blocking.h"
#include "heapscope/instances.h"
#include "heapscope/inventory.h"

typedef enum hs_severity { HS_SEV_HIGH = 0, HS_SEV_MEDIUM, HS_SEV_LOW } hs_severity;
const char *hs_severity_name(hs_severity s);
/* How sure: the same three words as a severity. */
typedef enum hs_confidence { HS_CONF_HIGH = 0, HS_CONF_MEDIUM, HS_CONF_LOW } hs_confidence;
const char *hs_confidence_name(hs_confidence c);
/* The confidence rule above for a series of counts in time order: grows
 * as hs_series_grows(s, n, step); long_waits: every snapshot's goroutines
 * waited min_wait_minutes or more. */
hs_confidence hs_leak_confidence(const int64_t *s, size_t n, int64_t step, bool long_waits);

typedef enum hs_mechanism {
	HS_MECH_NONE = 0,
	HS_MECH_GOROUTINE_LEAK,
	HS_MECH_PER_INSTANCE,
	HS_MECH_RETENTION,
	HS_MECH_LOCK_CONTENTION,
	HS_MECH_NKINDS
} hs_mechanism;
/* "", "goroutine leak", "per instance", "retention", "lock contention". */
const char *hs_mechanism_name(hs_mechanism m);

typedef struct hs_leak_opts {
	int64_t min_high;          /* default 100 */
	int64_t min_medium;        /* default 10 */
	int64_t min_wait_minutes;  /* default 10 */
} hs_leak_opts;
void hs_leak_opts_default(hs_leak_opts *o);

typedef enum hs_leak_kind {
	HS_LEAK_BLOCKED = 0,       /* "blocked goroutines" */
	HS_LEAK_PILEUP,            /* "goroutine pile-up" */
	HS_LEAK_GROWING,           /* "growing goroutines" */
	HS_LEAK_CREATED_BY,        /* "created-by site" */
	HS_LEAK_HEAP_GROWTH,       /* "heap growth" */
	HS_LEAK_RETAINER,          /* "growing retainer" */
	HS_LEAK_RETENTION,         /* "retention" */
	HS_LEAK_NKINDS
} hs_leak_kind;
const char *hs_leak_kind_name(hs_leak_kind k);
/* True for the kinds of goroutine groups (blocked, pile-up, growing). */
bool hs_leak_kind_is_group(hs_leak_kind k);

/* One snapshot of a candidate: a file (and "dump" label inside it). */
typedef struct hs_leak_point {
	const char *file;          /* as given to hs_leaks_add ("" when none) */
	int64_t dump;              /* the "dump" label, 0 when absent */
	int64_t value;             /* goroutines, in-use bytes or retained bytes */
	int64_t total;             /* heap growth: the profile's in-use total;
	                              growing retainer: the reachable heap; else 0 */
} hs_leak_point;

#define HS_LEAK_RETENTION_HIGH 50.0
#define HS_LEAK_RETENTION_MEDIUM 25.0
/* Heap growth: the steps (profile to next) in which a site must rise. */
#define HS_LEAK_HEAP_MIN_RISES 2

typedef enum hs_retention_named {
	HS_NAMED_ADDRESS = 0,
	HS_NAMED_ROOT,
	HS_NAMED_TYPE,
	HS_NAMED_SITE,
} hs_retention_named;
/* "address", "root", "type", "site". */
const char *hs_retention_named_name(hs_retention_named n);
/* What a heap dump suspect is made of (kind retention). */
typedef struct hs_leak_retention {
	const char *owner;         /* the owning root, as heapdump names it; the
	                              shared object when no global holds it */
	const char *owner_root;    /* then the root that reaches it first, else "" */
	int owner_rank;            /* hs_hd_owner_rank of that root's kind */
	const char *const *roots;  /* the roots together, the owner first */
	size_t nroots;
	const char *structure;     /* the owning structure, "" when none */
	const char *accumulation;  /* the accumulation point */
	uint64_t accumulation_retained;
	uint64_t group_count, group_size, group_bytes;   /* 0: no group */
	const char *group_type;    /* the Go type the group shares (a core's), "" */
	const char *site_func, *site_file;               /* "" when unknown */
	uint64_t site_line;
	/* where most of what it retains was allocated (heapdump.h's
	 * hs_hd_origin): the program's own function, its file and line, the
	 * chain "f -> g" below it ("" when it is the function alone);
	 * origin_func "" when no object it retains was sampled.  sampled_bytes:
	 * the bytes it retains that have a sampled site; memprof_rate the
	 * runtime's (0 when the input does not record it) */
	const char *origin_func, *origin_file, *origin_chain;
	uint64_t origin_line, origin_objects, origin_bytes, sampled_bytes;
	bool origin_own;
	int64_t memprof_rate;
	uint64_t retained, reachable;
	double share;              /* percent of the reachable heap */
	const char *file;          /* the dump described */
	/* the retaining structure (hs_hd_retainer_of): the allocation origin
	 * of its outermost object the memory profile sampled, retainer_func ""
	 * when none was (the chain culprit first, nretainer_chain 1 when it is
	 * the function alone), that object's address and size in bytes (0
	 * when none was sampled); the Go type of that object, or with no site
	 * of its outermost typed object, "" when untyped */
	const char *retainer_func, *retainer_file;
	uint64_t retainer_addr, retainer_size;
	const char *const *retainer_chain;
	size_t nretainer_chain;
	uint64_t retainer_line;
	bool retainer_own;
	const char *retainer_type;
	/* the name triage gives the finding (hs_retention_named), by the first
	 * that holds: SITE, the retainer's allocation site (retainer_func);
	 * ROOT, the one root that owns it (owner: a global, a goroutine's
	 * frame); TYPE, the retainer's Go type; ADDRESS, the shared object's
	 * address and size with the root reaching it first */
	hs_retention_named named_by;
	const char *name;
} hs_leak_retention;

/* A candidate: numbers and frames only, the words are the writers'. */
typedef struct hs_leak {
	hs_severity severity;
	hs_leak_kind kind;
	const char *culprit;       /* own frame or user frame, creation site, heap site or root */
	hs_chain chain;            /* goroutine groups and heap growth: below an own culprit
	                              (of the heaviest stack for heap growth) */
	int64_t weight;            /* goroutines, or bytes grown */
	/* goroutine groups and created-by sites */
	hs_wait_kind wait;         /* HS_WAIT_NONE for a created-by site */
	const char *state;         /* the dump's state, "" when unknown */
	const char *created_by;    /* the go statement's function, "" when unknown */
	int64_t goroutines;        /* most in one snapshot; a site: its live sum */
	int64_t wait_min, wait_max;   /* minutes, over its goroutines */
	bool grows;                /* never fell, rose by min_medium or more */
	/* heap growth and growing retainers */
	int64_t first, last;       /* bytes in the first and the last snapshot */
	double slope_per_min;      /* heap growth: bytes per minute */
	double rising;             /* heap growth: fraction of steps that grew */
	double share_first, share_last;   /* retainer: % of the reachable heap */
	const hs_leak_retention *retention;   /* retention, else NULL */
	int64_t gcs;               /* heap growth read from a gctrace log: its GCs; else 0 */
	/* every snapshot, in time order, twins counted once */
	const hs_leak_point *points;
	size_t npoints;
	hs_confidence confidence;
	hs_mechanism mechanism;
	hs_idle_class idle;        /* the idle shape a group grew out of, else none */
	/* created_by and the own frames calling it, leaf first as a chain:
	 * funcs[0] is created_by, funcs[n - 1] the outermost own caller; n 0
	 * when no input shows a caller */
	hs_chain creators;
	const char *creators_file; /* the file whose stack showed them */
	bool per_request;          /* net/http's server calls them */
	/* a trace's: goroutines its go statement started and saw return
	 * during the trace (-1: unknown) */
	int64_t site_created, site_ended;
	/* goroutine groups: goroutines per minute from the first to the last
	 * snapshot, when their moments come from the files (not mtimes) */
	bool has_rate;
	double per_min;
	/* heap growth: the goroutine snapshots beside it (0 when none) */
	size_t goroutine_snapshots;
	int64_t goroutines_first, goroutines_last;
	bool goroutines_flat;      /* never moved by min_medium or more */
	/* heap growth at the function that creates a goroutine group found
	 * leaking: that group's culprit (the cause, ranked first), else NULL */
	const char *follows;
	/* goroutine groups: heap growth of Go's own library folded into
	 * this group as its goroutines' own memory (see "Library heap" above):
	 * the sites' summed in-use bytes in their first and last heap
	 * snapshot, how many sites, and the one that grew most (NULL: none) */
	int64_t lib_heap_first, lib_heap_last;
	size_t lib_heap_sites;
	const char *lib_heap_site;
	/* heap growth built per instance (instances.h), else NULL */
	const hs_instances *instances;
	/* a goroutine leak: the per-instance heap growth of the constructor
	 * whose every call starts one of its goroutines (joined: see "One
	 * finding" above; that candidate is no longer listed), else NULL */
	const struct hs_leak *builds;
} hs_leak;

/* The accumulator: opaque, from hs_leaks_new to hs_leaks_free. */
typedef struct hs_leaks hs_leaks;

/* NULL on no memory (err set); o NULL for the defaults. */
hs_leaks *hs_leaks_new(const hs_leak_opts *o, hs_error *err);
void hs_leaks_free(hs_leaks *l);   /* NULL-safe */
/* Own code = functions the regex matches (--own), not the inferred main
 * module; HS_E_REGEX when it does not compile. */
hs_err hs_leaks_set_own(hs_leaks *l, const char *re, hs_error *err);
/* Add a loaded profile; `name` (its file) names its snapshots.  HS_E_USAGE
 * when it is none of a goroutine dump, goroutine profile or heap profile
 * (inuse_space). */
hs_err hs_leaks_add(hs_leaks *l, const hs_profile *p, const char *name, hs_error *err);
/* hs_leaks_add of a file whose kind the profile does not tell (a trace's
 * end, a heap dump's goroutines: HS_IN_TRACE, HS_IN_HEAPDUMP), so the
 * partial-snapshot rule above knows it. */
hs_err hs_leaks_add_kind(hs_leaks *l, const hs_profile *p, const char *name, hs_input_kind kind,
                         hs_error *err);
/* The same for file `input` of the caller's inventory inv (inventory.h),
 * which then decides its moment and twins: every file of l from the same
 * inv, which the caller finishes (hs_inventory_finish) before
 * hs_leaks_finish and frees after l.  hs_leaks_add keeps an inventory of
 * its own instead; the two do not mix (HS_E_USAGE). */
struct hs_inventory;
hs_err hs_leaks_add_input(hs_leaks *l, const hs_profile *p, struct hs_inventory *inv,
                          size_t input, hs_error *err);
/* hs_leaks_add_input for one of the profiles of file `input` holding
 * several moments (Go text profiles one after another): a snapshot of its
 * own, named `name` (FILE#K), at moment t (from). */
hs_err hs_leaks_add_part(hs_leaks *l, const hs_profile *p, struct hs_inventory *inv,
                         size_t input, const char *name, int64_t t, hs_time_from from,
                         hs_error *err);
/* Add one heap dump (file `name`) and its roots: keys (run-independent
 * names) and the bytes each retains, out of `reachable`; the strings are
 * copied. */
hs_err hs_leaks_add_retainers(hs_leaks *l, const char *name, const char *const *keys,
                              const uint64_t *retained, size_t n, uint64_t reachable,
                              hs_error *err);
struct hs_hd_analysis;
/* Add one analyzed heap dump (file `name`): its roots' retained bytes
 * (hs_leaks_add_retainers) and its suspects (retention); the strings
 * are copied. */
hs_err hs_leaks_add_heapdump(hs_leaks *l, const char *name, const struct hs_hd_analysis *a,
                             hs_error *err);
/* A GODEBUG=gctrace=1 log (file `name`), its last run summed up (gctrace.h;
 * copied): its live heap goes into the summary, and when no heap profile
 * was added and the run is a leak suspect (the live heap grows), finish
 * makes it a heap growth candidate: medium (no profile names a site),
 * culprit "live heap (gctrace)", first and last the live heap, gcs its
 * GCs, one point for the first and one for the last GC. */
struct hs_gc_run;
hs_err hs_leaks_add_gctrace(hs_leaks *l, const char *name, const struct hs_gc_run *run,
                            hs_error *err);
hs_err hs_leaks_finish(hs_leaks *l, hs_error *err);
/* The candidates, ranked, after hs_leaks_finish; they live as long as l. */
size_t hs_leaks_n(const hs_leaks *l);
/* What the inputs held, for a verdict with its numbers when nothing is a
 * candidate: goroutines per snapshot (every goroutine, benign or not), the
 * biggest group in one snapshot, and the in-use heap of the first and
 * last heap profile (in time order) after hs_leaks_finish. */
typedef struct hs_leak_summary {
	size_t goroutine_snapshots;
	int64_t goroutines_first, goroutines_last, goroutines_max;
	int64_t biggest_group;             /* 0: none */
	const char *biggest_culprit, *biggest_state;
	hs_idle_class biggest_idle;        /* its idle class (idle.h), if idle */
	bool goroutines_flat;              /* every snapshot held as many */
	size_t heap_snapshots;
	int64_t heap_first, heap_last, heap_span_ns;
	/* the last gctrace log added (hs_leaks_add_gctrace): its last run */
	const char *gctrace;               /* NULL: none */
	int64_t gc_count, gc_live_first, gc_live_last, gc_cpu_percent;
	double gc_slope_per_min;           /* bytes per minute; NAN undefined */
} hs_leak_summary;
void hs_leaks_summary(const hs_leaks *l, hs_leak_summary *s);
const hs_leak *hs_leaks_at(const hs_leaks *l, size_t i);
/* The goroutine and heap files added, in the order given; after
 * hs_leaks_finish, whether file i is the twin of another: its name and
 * that of the file used instead. */
size_t hs_leaks_nfiles(const hs_leaks *l);
bool hs_leaks_twin(const hs_leaks *l, size_t i, const char **dropped, const char **used);

#endif
