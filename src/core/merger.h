/* Private: the engine under hs_merge and hs_diff_build.  It copies
 * samples of several resolved profiles into one new profile, re-interning
 * strings, mappings, functions and locations by pprof's merge keys and
 * summing samples with equal locations and labels (profile.Merge's
 * profileMerger).  Values are given by the caller, already scaled, so a
 * diff can negate and normalise them on the way in.
 *
 *   merger_init(&m, out, err);
 *   merger_headers(&m, srcs, n, units_from, period_ratios);
 *   for each source: merger_source(&m, src); merger_sample(...) per sample
 *   merger_finish(&m);   (resolves ids: out is then a finished profile)
 *   merger_release(&m);
 */
#ifndef HS_CORE_MERGER_H
#define HS_CORE_MERGER_H

#include "hashmap.h"
#include "heapscope/model.h"

typedef struct merger {
	hs_profile *out;
	hs_error *err;
	hs_arena keys;            /* key bytes of the maps below */
	hs_strmap mappings, functions, locations;
	hs_idmap samples;         /* stack id << 32 | label set id -> sample index */
	hs_vec keybuf;            /* char: scratch key */
	hs_vec labels;            /* hs_label: scratch label set */
	/* Per current source, by its indices: out id (index + 1), 0 if not
	 * mapped yet; mapping address offsets as in pprof's mapInfo. */
	const hs_profile *src;
	uint32_t *map_id, *fn_id, *loc_id, *str_id;
	/* Per source stack and label set (times 2: with and without the
	 * pprof::base label): the out stack / label set id + 1, 0 if none yet. */
	uint32_t *stack_id, *labelset_id;
	int64_t *map_offset;
	hs_str base_key, base_true;   /* "pprof::base", "true" in out */
	hs_str drop_frames, keep_frames;
} merger;

hs_err merger_init(merger *m, hs_profile *out, hs_error *err);
void merger_release(merger *m);
/* pprof's combineHeaders over srcs (compatibility checked before).
 * unit_from[i]: the source whose unit sample type i takes; period_ratios
 * and period_from likewise for the period. */
hs_err merger_headers(merger *m, const hs_profile *const *srcs, size_t n,
                      const size_t *unit_from, const double *period_ratios, size_t period_from);
hs_err merger_source(merger *m, const hs_profile *src);
/* Add sample s of the current source with values vals (hs_ntypes(out)
 * of them); base_label adds pprof's "pprof::base"="true" label (for
 * -diff_base).  *index receives the out sample it was summed into. */
hs_err merger_sample(merger *m, size_t s, const int64_t *vals, bool base_label, size_t *index);
hs_err merger_finish(merger *m);

#endif
