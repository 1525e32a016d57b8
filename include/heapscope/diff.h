/* heapscope: what changed between two profiles, as `go tool pprof -base`
 * computes it.
 *
 * pprof (driver/fetch.go, Go 1.19) loads NEW and BASE, optionally scales
 * NEW so that each sample type sums to BASE's (-normalize: NEW.Normalize
 * (BASE)), multiplies BASE by -1, brings both to common units and merges
 * them (see merge.h).  Samples with equal locations and labels then hold
 * NEW - BASE; the report's total is sum |NEW - BASE| over the samples
 * (so growth and shrinkage both count), and flat/cum are signed.  With
 * -diff_base, BASE's samples are labelled pprof::base=true first, so they
 * are never summed with NEW's, and the total is the sum of |value| over
 * BASE's samples only.
 *
 * hs_diff_build makes exactly that merged profile, so views, graphs and
 * reports of d->p print pprof's numbers.  It also keeps, per merged
 * sample, how much came from each side (BASE positive), which gives the
 * base and new columns of a diff report (hs_diff_sums) and the two counts
 * of a differential folded line.
 *
 * Ownership: an hs_diff owns its profile and side values; the inputs are
 * not referenced once hs_diff_build returns. */
#ifndef HEAPSCOPE_DIFF_H
#define HEAPSCOPE_DIFF_H

#include <stdbool.h>
#include <stdint.h>

#include "heapscope/graph.h"
#include "heapscope/model.h"

typedef enum hs_diff_side { HS_DIFF_BASE = 0, HS_DIFF_NEW = 1 } hs_diff_side;

typedef struct hs_diff_opts {
	bool normalize;   /* pprof -normalize: NEW scaled to BASE's total per sample type */
	bool diff_base;   /* pprof -diff_base instead of -base */
} hs_diff_opts;

typedef struct hs_diff {
	hs_profile p;         /* NEW - BASE, merged; samples whose parts cancel are kept */
	hs_vec side[2];       /* int64, nsamples * ntypes: each side's part, BASE positive */
	bool diff_base;
	/* -normalize's ratio per sample type (1 without it), for the record. */
	double *norm;
	struct merger *m;     /* private: between hs_diff_begin and hs_diff_end */
} hs_diff;

void hs_diff_init(hs_diff *d);
void hs_diff_release(hs_diff *d);

/* Fails with HS_E_INVALID (reason in err) when the profiles cannot be
 * merged (hs_merge_compatible).  With normalize the types must already
 * be equal, units included: pprof normalises before converting units. */
hs_err hs_diff_build(hs_diff *d, const hs_profile *base, const hs_profile *newp,
                     const hs_diff_opts *o, hs_error *err);

/* hs_diff_build in two steps, so that NEW is merged while BASE is still
 * loading: hs_diff_begin(d, newp) then hs_diff_end(d, base, newp), with
 * newp unchanged in between.  The result is the one hs_diff_build gives
 * (with -normalize, or when the units differ, hs_diff_end does all the
 * work).  After an error d is released (empty). */
hs_err hs_diff_begin(hs_diff *d, const hs_profile *newp, const hs_diff_opts *o, hs_error *err);
hs_err hs_diff_end(hs_diff *d, const hs_profile *base, const hs_profile *newp,
                   const hs_diff_opts *o, hs_error *err);

/* pprof's report total at sample index i (computeTotal): sum |v| over
 * every sample, or over BASE's samples with diff_base (if that is > 0). */
int64_t hs_diff_total(const hs_diff *d, int i);

/* A profile sharing every table of d->p but with one side's values: a
 * view of it has the node ids of a view of d->p built with the same
 * options.  Borrowed: valid while d lives; never release it. */
void hs_diff_side_profile(const hs_diff *d, hs_diff_side side, hs_profile *out);

/* Each side summed per node of a view of d->p, and per stack, over the
 * samples that pass the view's filters (whatever their delta). */
typedef struct hs_diff_sums {
	size_t nnodes, nstacks;
	int64_t *flat[2], *cum[2];   /* per node id, [HS_DIFF_BASE], [HS_DIFF_NEW] */
	int64_t *stack[2];           /* per stack id of d->p; 0 if filtered out */
	int64_t total[2];            /* over the samples --focus/--ignore keep (all without) */
} hs_diff_sums;

hs_err hs_diff_sums_build(hs_diff_sums *s, const hs_diff *d, const hs_view_opts *o,
                          hs_error *err);
/* The same from a view of d->p already built (hs_view_revalue of it per
 * side, so no node is mapped twice).  all_samples: no --focus/--ignore,
 * so the totals count every sample.  Without `nodes` only the per-stack
 * sums and totals are made (flat and cum NULL): a report built with
 * hs_diff_sums_report_opts then sums the sides in its own graph walk, and
 * hs_diff_sums_take_report moves them here, for its kept nodes (0 for
 * the others). */
hs_err hs_diff_sums_from_view(hs_diff_sums *s, const hs_diff *d, const hs_view *v,
                              bool all_samples, bool nodes, hs_error *err);
void hs_diff_sums_report_opts(const hs_diff_sums *s, hs_report_opts *o);
void hs_diff_sums_take_report(hs_diff_sums *s, hs_report *r);
void hs_diff_sums_release(hs_diff_sums *s);

#endif
