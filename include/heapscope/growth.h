/* heapscope: growth over a series of profiles (`heapscope growth`).
 *
 * Each snapshot contributes one value per node (a function, at the view's
 * granularity): its flat (or cum) value as `top` computes it, plus the
 * report total.  Nodes are matched across snapshots by printable name.
 * Snapshots are ordered by time (profile time_nanos) unless told to keep
 * the given order.  For each series:
 *
 *   slope_per_min  least-squares slope of value over time, per minute;
 *   monotonic      fraction of steps that did not decrease (v[i] >= v[i-1]);
 *   rising         fraction of steps that increased (v[i] > v[i-1]);
 *   growth         last - first.
 *
 * A row is a growth candidate when the series has at least 3 snapshots and
 *   slope > 0, monotonic >= 0.8, rising >= 0.5,
 *   growth > 1% of the last snapshot's total, and growth >= min_growth,
 * and, on sampled heap profiles, growth beyond the noise floor (below).
 * Candidates come first (steepest slope first), then the other rows by
 * slope, then last value, then name.  The core never prints. */
#ifndef HEAPSCOPE_GROWTH_H
#define HEAPSCOPE_GROWTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/error.h"
#include "heapscope/graph.h"

/* Least-squares slope of y over x; NAN when n < 2 or all x are equal. */
double hs_lsq_slope(const double *x, const int64_t *y, size_t n);
/* Fraction of the n-1 steps with v[i] >= v[i-1]; 1 when n < 2. */
double hs_monotonic(const int64_t *v, size_t n);
/* Fraction of the n-1 steps with v[i] > v[i-1]; 0 when n < 2. */
double hs_rising(const int64_t *v, size_t n);
/* One of ▁▂▃▄▅▆▇█ per value (UTF-8, 3 bytes each), scaled from the series'
 * minimum to its maximum; a constant series is all ▁ when zero, else all
 * ▄.  Writes at most size bytes including the NUL; returns the bytes the
 * whole line needs (without the NUL). */
size_t hs_sparkline(const int64_t *v, size_t n, char *buf, size_t size);
/* Minutes until `last` reaches `limit` at `slope` per minute: 0 when it is
 * already there, INFINITY when the slope is not positive. */
double hs_minutes_to(int64_t last, double slope_per_min, int64_t limit);

typedef struct hs_growth_row {
	const char *name;
	int64_t *values;          /* one per snapshot, in time order after finish */
	double slope_per_min;     /* NAN if undefined */
	double monotonic, rising;
	int64_t growth;           /* last - first */
	bool candidate;
	bool noise;               /* sampled: every test but the noise floor passed */
	int64_t *samples;         /* raw samples behind values, in thousandths */
	double minutes_to_limit;  /* INFINITY when not growing or no limit */
} hs_growth_row;

typedef struct hs_growth_opts {
	bool keep_order;          /* do not sort snapshots by time */
	int64_t min_growth;       /* absolute growth a candidate needs, in sample units */
	bool has_limit;
	int64_t limit;            /* in sample units */
	bool has_mem_limit;
	int64_t mem_limit;        /* bytes: projected for the MemStats byte series */
} hs_growth_opts;

/* The runtime.MemStats trailer of Go heap text profiles (?debug=1) holds
 * exact figures where the profile is sampled.  When every snapshot has
 * one, growth follows these fields too (hs_growth.mem, in this order): the
 * heap's spans in use, its live objects' bytes and their count, and all
 * the memory the runtime has from the OS.  Their candidate rule is the
 * rows' one with the row's own last value for the total, and at least
 * 1 MiB (or 1000 objects) of growth. */
enum { HS_GROWTH_NMEM = 4 };
extern const char *const hs_growth_mem_names[HS_GROWTH_NMEM];
bool hs_growth_mem_is_bytes(size_t k);
#define HS_GROWTH_MEM_MIN_BYTES (1 << 20)
#define HS_GROWTH_MEM_MIN_OBJECTS 1000

/* The candidate thresholds (also in the header comment). */
#define HS_GROWTH_MIN_MONOTONIC 0.8
#define HS_GROWTH_MIN_RISING 0.5
#define HS_GROWTH_MIN_FRACTION 0.01
#define HS_GROWTH_MIN_SNAPSHOTS 3

/* The noise floor of sampled heap profiles (issue 13).  A heap profile
 * taken at MemProfileRate R (its period in bytes; Go's default 512 KiB)
 * records an allocation of s bytes with probability 1 - exp(-s/R) and
 * scales what it records by the inverse (hs_alloc_scale, instances.h): a
 * row's value at a snapshot stands on its raw samples, each sample's
 * objects over that scale at the sample's object size (bytes / objects),
 * or its bytes over R for a byte type with no objects type beside it.
 * Objects in use stay recorded once sampled, so the growth from the first
 * snapshot to the last stands on the raw samples added, a = n_last -
 * n_first, with a relative standard error of 1 / sqrt(a) (Poisson).  When
 * the series' heap profiles are sampled (R > 1), a row is a candidate
 * only when its growth is more than HS_GROWTH_SIGMAS standard errors from
 * zero: growth > k * growth / sqrt(a), that is a > k * k raw samples (9
 * at k = 3); a row that passed every other test is then flagged `noise`.
 * At R <= 1 every allocation is recorded: no floor, the rule above alone.
 * The MemStats series are exact and not weighed. */
#define HS_GROWTH_SIGMAS 3

/* Profile p's sampling period in bytes (Go's MemProfileRate); 1 when it
 * gives none in bytes (every allocation recorded, or not a heap profile). */
int64_t hs_growth_rate(const hs_profile *p);
/* The raw samples behind each stack's value in v (0 for a stack the view
 * drops), in thousandths, at period `rate` (hs_growth_rate); a malloc'd
 * array of v->p->nstacks entries, NULL on no memory (err set). */
int64_t *hs_growth_stack_samples(const hs_view *v, int64_t rate, hs_error *err);

/* The accumulator: opaque, from hs_growth_new to hs_growth_free. */
typedef struct hs_growth hs_growth;

/* nsnap snapshots; NULL on no memory (err set). */
hs_growth *hs_growth_new(size_t nsnap, hs_error *err);
void hs_growth_free(hs_growth *g);   /* NULL-safe */
void hs_growth_set_time(hs_growth *g, size_t snap, int64_t time_nanos);
void hs_growth_set_total(hs_growth *g, size_t snap, int64_t total);
/* Add `value` to the row `name` at snapshot `snap` (0-based, as given). */
hs_err hs_growth_add(hs_growth *g, size_t snap, const char *name, int64_t value, hs_error *err);
/* The same with the raw samples behind value, in thousandths
 * (hs_growth_stack_samples), for the noise floor. */
hs_err hs_growth_add_sampled(hs_growth *g, size_t snap, const char *name, int64_t value,
                             int64_t milli_samples, hs_error *err);
/* The series' sampling period: the largest given (hs_growth_rate); the
 * noise floor applies when it is > 1.  hs_growth_add_view(_stacks) set it
 * from their view's profile. */
void hs_growth_set_rate(hs_growth *g, int64_t rate);
int64_t hs_growth_get_rate(const hs_growth *g);
/* The MemStats fields of hs_growth_mem_names from p's trailer, if it has
 * one; returns whether it did.  LastGC (ns since the epoch, 0 if none) in
 * *last_gc when not NULL. */
bool hs_growth_add_memstats(hs_growth *g, size_t snap, const hs_profile *p, int64_t *last_gc);
/* Add every stack of a view as a row named as folded stacks name it
 * ("root;...;leaf", ';' in a frame written ':'), with its total. */
hs_err hs_growth_add_view_stacks(hs_growth *g, size_t snap, const hs_view *v, hs_error *err);
/* Add every node of a view (flat, or cum when `cum`) and its total, with
 * the raw samples behind them when the profile is sampled. */
hs_err hs_growth_add_view(hs_growth *g, size_t snap, const hs_view *v, bool cum, hs_error *err);
/* Before finish: keep only the snapshots with keep[snap] true (a twin is
 * the same moment as another, inventory.h), renumbered 0.. in the order
 * given; the others and their values are gone.  Returns the count kept. */
size_t hs_growth_keep(hs_growth *g, const bool *keep);
/* Order the snapshots, compute every row's statistics, flag candidates,
 * project the limit and sort the rows.  Rows that are zero in every
 * snapshot are dropped.  HS_E_USAGE when the times do not allow a slope
 * (all equal). */
hs_err hs_growth_finish(hs_growth *g, const hs_growth_opts *o, hs_error *err);
/* The results, after hs_growth_finish; they live as long as g.  Arrays
 * have hs_growth_nsnap entries in time order. */
size_t hs_growth_nsnap(const hs_growth *g);
const int64_t *hs_growth_times(const hs_growth *g);   /* ns */
const double *hs_growth_minutes(const hs_growth *g);  /* since the first */
const size_t *hs_growth_order(const hs_growth *g);    /* [i]: the index given to add */
const hs_growth_row *hs_growth_total(const hs_growth *g);   /* the report totals */
/* Every snapshot had the MemStats trailer; then hs_growth_mem(g, k) is
 * the series of hs_growth_mem_names[k]. */
bool hs_growth_has_mem(const hs_growth *g);
const hs_growth_row *hs_growth_mem(const hs_growth *g, size_t k);
size_t hs_growth_nrows(const hs_growth *g);
const hs_growth_row *hs_growth_row_at(const hs_growth *g, size_t i);

/* ---- whose code a row's growth is (issue 13: culprit = own code) ---------
 *
 * A row named by a function of the runtime, the standard library or a
 * dependency (bufio.NewWriterSize, runtime.malg) says what allocates, not
 * who asks for it.  Fed the views of the series' first and last snapshots,
 * hs_growth_own names, for a function, the innermost own-code frame
 * (heapscope/frames.h) of the stacks whose leaf is that function, the one
 * whose value grew most from first to last, with that growth.  Filters
 * apply (a stack the view drops counts nowhere); hide/show do not change
 * which frame is the leaf here: the profile's own frames are read. */
typedef struct hs_growth_own hs_growth_own;
hs_growth_own *hs_growth_own_new(hs_error *err);   /* NULL on no memory */
void hs_growth_own_free(hs_growth_own *o);         /* NULL-safe */
/* Own code = functions matching re (--own), instead of the main module. */
hs_err hs_growth_own_set_regex(hs_growth_own *o, const char *re, hs_error *err);
/* The view of the first (last = false) or last (true) snapshot.  The
 * view's profile may be released afterwards. */
hs_err hs_growth_own_add(hs_growth_own *o, const hs_view *v, bool last, hs_error *err);
/* The culprit of function func's growth: NULL when func is own code
 * itself, or no own frame lies above it in a stack that grew; else the
 * name (living as long as o) and its share of the growth in *growth. */
const char *hs_growth_own_culprit(hs_growth_own *o, const char *func, int64_t *growth);

#endif
