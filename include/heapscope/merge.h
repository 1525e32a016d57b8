/* heapscope: merging profiles of the same type, as pprof does.
 *
 * `go tool pprof A B` (and `-proto`) first brings the profiles to common
 * units (measurement.ScaleProfiles: per sample type the finest unit of
 * the inputs, values rounded as math.Round), then calls profile.Merge:
 * sample and period types must then be equal, mappings, functions and
 * locations that are equal by pprof's keys become one, and samples with
 * the same locations and labels are summed.  The result's header is
 * pprof's combineHeaders: the first profile's types and drop/keep_frames,
 * the earliest time, the summed durations, the largest period, the union
 * of comments, the first default sample type that is set.
 *
 * Differences from pprof's in-memory result, none of which changes a
 * value pprof reports:
 *   - samples whose merged values are all zero are kept (pprof drops
 *     them); hs_merge_drop_zero() removes them before writing;
 *   - each input was pruned by its own drop_frames when it was loaded,
 *     where pprof prunes the merged profile by the first one's;
 *   - label sets are stored in a canonical order (string labels by key,
 *     then numeric ones by key, values of one key in input order), which
 *     is what pprof's sample key compares. */
#ifndef HEAPSCOPE_MERGE_H
#define HEAPSCOPE_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "heapscope/model.h"

/* Can b be merged with a (pprof's compatibility: ScaleProfiles' loose
 * rule, then Merge's equal types once units are common)?  HS_OK, or
 * HS_E_INVALID with the reason in err ("incompatible sample types ..."). */
hs_err hs_merge_compatible(const hs_profile *a, const hs_profile *b, hs_error *err);

/* pprof's ScaleProfiles: the ratio that brings each profile's sample type
 * i to the finest unit among all n (ratios[j * ntypes + i]), the period
 * ratio per profile, and the index of the profile whose unit is the
 * common one per type (unit_from[i]).  Profiles must be compatible. */
void hs_merge_unit_ratios(const hs_profile *const *srcs, size_t n, double *ratios,
                          double *period_ratios, size_t *unit_from, size_t *period_from);

/* pprof's ScaleN on one sample's values: multiply value k by ratios[k]
 * (rounded half away from zero) where ratios[k] != 1.  Returns whether
 * pprof keeps the sample: true when every ratio is 1, else whether a
 * scaled value is non-zero (values at ratio 1 do not count, as in Go). */
bool hs_scale_values(int64_t *v, size_t n, const double *ratios);

/* Merge n >= 1 compatible profiles into out (initialised, empty). */
hs_err hs_merge(hs_profile *out, const hs_profile *const *srcs, size_t n, hs_error *err);

/* Remove samples whose values are all zero (pprof's Merge does so). */
void hs_merge_drop_zero(hs_profile *p);

#endif
