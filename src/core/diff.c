/* NEW minus BASE as go tool pprof -base (and -diff_base, -normalize)
 * computes it; see include/heapscope/diff.h. */
#include <stdlib.h>
#include <string.h>

#include "heapscope/diff.h"
#include "heapscope/merge.h"
#include "merger.h"

void hs_diff_init(hs_diff *d)
{
	memset(d, 0, sizeof *d);
	hs_profile_init(&d->p);
	hs_vec_init_big(&d->side[0], sizeof(int64_t));
	hs_vec_init_big(&d->side[1], sizeof(int64_t));
}

static void drop_merger(hs_diff *d)
{
	if (d->m) {
		merger_release(d->m);
		free(d->m);
		d->m = NULL;
	}
}

void hs_diff_release(hs_diff *d)
{
	drop_merger(d);
	hs_profile_release(&d->p);
	hs_vec_release(&d->side[0]);
	hs_vec_release(&d->side[1]);
	free(d->norm);
	hs_diff_init(d);
}

/* Profile.compatible: period and sample types equal, units included. */
static hs_err exact_compatible(const hs_profile *a, const hs_profile *b, hs_error *err)
{
	bool ok = strcmp(hs_s(a, a->period_type.type), hs_s(b, b->period_type.type)) == 0 &&
	          strcmp(hs_s(a, a->period_type.unit), hs_s(b, b->period_type.unit)) == 0 &&
	          hs_ntypes(a) == hs_ntypes(b);
	for (size_t i = 0; ok && i < hs_ntypes(a); i++) {
		const hs_value_type *x = hs_sample_type(a, i);
		const hs_value_type *y = hs_sample_type(b, i);
		ok = strcmp(hs_s(a, x->type), hs_s(b, y->type)) == 0 &&
		     strcmp(hs_s(a, x->unit), hs_s(b, y->unit)) == 0;
	}
	return ok ? HS_OK
	          : hs_fail(err, HS_E_INVALID,
	                    "normalizing needs equal sample and period types, units included");
}

/* Profile.Normalize: per type, BASE's sum over NEW's (0 if NEW sums to 0). */
static void normalize_ratios(const hs_profile *base, const hs_profile *newp, double *norm)
{
	size_t nt = hs_ntypes(newp);
	for (size_t i = 0; i < nt; i++) {
		int64_t b = 0, n = 0;
		for (size_t s = 0; s < base->nsamples; s++)
			b = hs_add(b, hs_sample_values(base, s)[i]);
		for (size_t s = 0; s < newp->nsamples; s++)
			n = hs_add(n, hs_sample_values(newp, s)[i]);
		norm[i] = n == 0 ? 0.0 : (double)b / (double)n;
	}
}

/* Add one side's (scaled) values to merged sample `at`. */
static hs_err add_side(hs_diff *d, hs_diff_side side, size_t at, const int64_t *vals,
                       size_t nt, hs_error *err)
{
	size_t want = d->p.nsamples * nt;
	for (int k = 0; k < 2; k++)
		if (d->side[k].len < want && !hs_vec_push(&d->side[k], want - d->side[k].len))
			return hs_fail(err, HS_E_NOMEM, NULL);
	int64_t *dst = (int64_t *)d->side[side].data + at * nt;
	for (size_t i = 0; i < nt; i++)   /* BASE's values arrive negated */
		dst[i] = hs_add(dst[i], side == HS_DIFF_BASE ? (int64_t)(0 - (uint64_t)vals[i]) : vals[i]);
	return HS_OK;
}

static bool all_ones(const double *r, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (r[k] != 1)
			return false;
	return true;
}

/* Feed one source, scaled as pprof does before merging: `first` (the
 * -normalize or -1 scale), then the unit ratios.  A scale of ones keeps
 * every sample as it is: the source's values are then passed as they are. */
static hs_err feed(hs_diff *d, merger *m, const hs_profile *src, hs_diff_side side,
                   const double *first, const double *units, bool base_label, hs_error *err)
{
	size_t nt = hs_ntypes(&d->p);
	int64_t *vals = malloc((nt + 1) * sizeof *vals);
	hs_err rc = vals ? merger_source(m, src) : hs_fail(err, HS_E_NOMEM, NULL);
	/* Both sides' values grow with the merged samples: room for all of
	 * src's now (see merger_source). */
	for (int k = 0; k < 2 && rc == HS_OK; k++)
		if (!hs_vec_reserve(&d->side[k], (d->p.nsamples + src->nsamples) * nt - d->side[k].len))
			rc = hs_fail(err, HS_E_NOMEM, NULL);
	bool scale_first = first && !all_ones(first, nt), scale_units = !all_ones(units, nt);
	for (size_t s = 0; s < src->nsamples && rc == HS_OK; s++) {
		const int64_t *sv = hs_sample_values(src, s);
		if (scale_first || scale_units) {
			memcpy(vals, sv, nt * sizeof *vals);
			if (scale_first && !hs_scale_values(vals, nt, first))
				continue;
			if (scale_units && !hs_scale_values(vals, nt, units))
				continue;
			sv = vals;
		}
		size_t at;
		rc = merger_sample(m, s, sv, base_label, &at);
		if (rc == HS_OK && at != SIZE_MAX)
			rc = add_side(d, side, at, sv, nt, err);
	}
	free(vals);
	return rc;
}

/* Does bringing the two to common units change any value? */
static bool units_differ(const hs_profile *base, const hs_profile *newp)
{
	const hs_profile *srcs[2] = {newp, base};
	size_t nt = hs_ntypes(newp), from;
	double *r = malloc((2 * nt + 1) * sizeof *r), pr[2];
	size_t *uf = malloc((nt + 1) * sizeof *uf);
	bool differ = !r || !uf;
	if (!differ) {
		hs_merge_unit_ratios(srcs, 2, r, pr, uf, &from);
		for (size_t k = 0; k < 2 * nt; k++)
			differ |= r[k] != 1;
	}
	free(r);
	free(uf);
	return differ;
}

static hs_err build(hs_diff *d, const hs_profile *base, const hs_profile *newp,
                    const hs_diff_opts *o, hs_error *err);

/* The merged profile done; samples added last may have no side values
 * yet (none at all). */
static hs_err finish(hs_diff *d, merger *m, hs_error *err)
{
	size_t nt = hs_ntypes(&d->p);
	hs_err rc = merger_finish(m);
	for (int k = 0; k < 2 && rc == HS_OK; k++)
		while (d->side[k].len < d->p.nsamples * nt)
			if (!hs_vec_push(&d->side[k], nt))
				rc = hs_fail(err, HS_E_NOMEM, NULL);
	return rc;
}

hs_err hs_diff_build(hs_diff *d, const hs_profile *base, const hs_profile *newp,
                     const hs_diff_opts *o, hs_error *err)
{
	hs_err rc = hs_merge_compatible(base, newp, err);
	if (rc == HS_OK && o->normalize)
		rc = exact_compatible(newp, base, err);
	if (rc)
		return rc;
	if (!o->normalize && !units_differ(base, newp))
		return build(d, base, newp, o, err);
	/* pprof loads each side through its own one-profile Merge, so equal
	 * samples are summed before any scaling rounds them: do the same
	 * when values are about to be rounded. */
	hs_profile pre[2];
	const hs_profile *one[2] = {newp, base};
	hs_profile_init(&pre[0]);
	hs_profile_init(&pre[1]);
	rc = hs_merge(&pre[0], &one[0], 1, err);
	if (rc == HS_OK)
		rc = hs_merge(&pre[1], &one[1], 1, err);
	if (rc == HS_OK)
		rc = build(d, &pre[1], &pre[0], o, err);
	hs_profile_release(&pre[0]);
	hs_profile_release(&pre[1]);
	return rc;
}

/* pprof's merge of [NEW, BASE] into d->p through m (initialised);
 * new_done: hs_diff_begin has fed NEW already, unscaled. */
static hs_err merge_pair(hs_diff *d, merger *m, const hs_profile *base, const hs_profile *newp,
                         const hs_diff_opts *o, bool new_done, hs_error *err)
{
	hs_err rc = HS_OK;
	d->diff_base = o->diff_base;
	size_t nt = hs_ntypes(newp), period_from;
	const hs_profile *srcs[2] = {newp, base};   /* pprof merges [NEW, BASE] */
	double *ratios = malloc((2 * nt + 1) * sizeof *ratios), pratios[2];
	double *minus = malloc((nt + 1) * sizeof *minus);
	size_t *unit_from = malloc((nt + 1) * sizeof *unit_from);
	d->norm = malloc((nt + 1) * sizeof *d->norm);
	if (!ratios || !minus || !unit_from || !d->norm)
		rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (rc == HS_OK) {
		for (size_t i = 0; i < nt; i++) {
			minus[i] = -1;
			d->norm[i] = 1;
		}
		if (o->normalize)
			normalize_ratios(base, newp, d->norm);
		hs_merge_unit_ratios(srcs, 2, ratios, pratios, unit_from, &period_from);
		d->p.sample_types.len = 0;   /* hs_diff_begin's placeholders */
		rc = merger_headers(m, srcs, 2, unit_from, pratios, period_from);
	}
	if (rc == HS_OK && !new_done)
		rc = feed(d, m, newp, HS_DIFF_NEW, o->normalize ? d->norm : NULL, ratios, false, err);
	if (rc == HS_OK)
		rc = feed(d, m, base, HS_DIFF_BASE, minus, ratios + nt, o->diff_base, err);
	if (rc == HS_OK)
		rc = finish(d, m, err);
	free(ratios);
	free(minus);
	free(unit_from);
	return rc;
}

static hs_err build(hs_diff *d, const hs_profile *base, const hs_profile *newp,
                    const hs_diff_opts *o, hs_error *err)
{
	merger m;
	hs_err rc = merger_init(&m, &d->p, err);
	if (rc == HS_OK)
		rc = merge_pair(d, &m, base, newp, o, false, err);
	merger_release(&m);
	return rc;
}

static bool is_base_sample(const hs_diff *d, size_t s)
{
	uint32_t n;
	const hs_label *l = hs_sample_labels(&d->p, s, &n);
	for (uint32_t k = 0; k < n; k++)
		if (l[k].str && strcmp(hs_s(&d->p, l[k].key), "pprof::base") == 0 &&
		    strcmp(hs_s(&d->p, l[k].str), "true") == 0)
			return true;
	return false;
}

int64_t hs_diff_total(const hs_diff *d, int i)
{
	const hs_profile *p = &d->p;
	if (i < 0 || (size_t)i >= hs_ntypes(p))
		return 0;
	if (d->diff_base) {
		int64_t t = 0;
		for (size_t s = 0; s < p->nsamples; s++)
			if (is_base_sample(d, s))
				t = hs_add(t, hs_abs(hs_sample_values(p, s)[i]));
		if (t > 0)
			return t;
	}
	return hs_profile_total(p, i);
}

void hs_diff_side_profile(const hs_diff *d, hs_diff_side side, hs_profile *out)
{
	*out = d->p;
	out->values = d->side[side];
	out->intern = out->stack_index = out->labelset_index = NULL;
}

void hs_diff_sums_release(hs_diff_sums *s)
{
	for (int k = 0; k < 2; k++) {
		free(s->flat[k]);
		free(s->cum[k]);
		free(s->stack[k]);
	}
	memset(s, 0, sizeof *s);
}

hs_err hs_diff_sums_from_view(hs_diff_sums *s, const hs_diff *d, const hs_view *v,
                              bool all_samples, bool nodes, hs_error *err)
{
	memset(s, 0, sizeof *s);
	s->nstacks = d->p.nstacks;
	s->nnodes = v->nodes.len;
	for (int k = 0; k < 2; k++) {
		hs_profile side;
		hs_view sv;
		hs_graph g;
		hs_diff_side_profile(d, (hs_diff_side)k, &side);
		hs_err rc = hs_view_revalue(v, &side, &sv, err);
		if (rc == HS_OK && nodes && (rc = hs_graph_build(&g, &sv, NULL, false, err)) != HS_OK)
			hs_view_revalue_release(&sv);
		if (rc) {
			hs_diff_sums_release(s);
			return rc;
		}
		if (nodes) {
			s->flat[k] = g.flat;
			s->cum[k] = g.cum;
			g.flat = g.cum = NULL;
			hs_graph_release(&g);
		}
		/* The per-stack sums are the side view's own: keep them. */
		s->stack[k] = sv.stack_value;
		sv.stack_value = NULL;
		for (size_t id = 0; id < s->nstacks; id++)
			if (sv.stack_live[id])
				s->total[k] = hs_add(s->total[k], s->stack[k][id]);
			else
				s->stack[k][id] = 0;
		/* Hiding frames drops no sample (pprof still counts a sample
		 * whose stack is empty): without --focus/--ignore, every one. */
		if (all_samples) {
			s->total[k] = 0;
			for (size_t i = 0; i < side.nsamples; i++)
				s->total[k] = hs_add(s->total[k], hs_sample_values(&side, i)[v->sample_index]);
		}
		hs_view_revalue_release(&sv);
	}
	return HS_OK;
}

hs_err hs_diff_sums_build(hs_diff_sums *s, const hs_diff *d, const hs_view_opts *o,
                          hs_error *err)
{
	hs_view v;
	hs_err rc = hs_view_build(&v, &d->p, o, err);
	if (rc) {
		memset(s, 0, sizeof *s);
		return rc;
	}
	bool all = !(o->focus && *o->focus) && !(o->ignore && *o->ignore);
	rc = hs_diff_sums_from_view(s, d, &v, all, true, err);
	hs_view_release(&v);
	return rc;
}

/* ---- in two steps: NEW merged while BASE still loads ------------------ */

hs_err hs_diff_begin(hs_diff *d, const hs_profile *newp, const hs_diff_opts *o, hs_error *err)
{
	/* -normalize scales NEW by BASE's totals: it waits for BASE. */
	if (o->normalize || d->m)
		return HS_OK;
	size_t nt = hs_ntypes(newp);
	double *ones = malloc((nt + 1) * sizeof *ones);
	d->m = malloc(sizeof *d->m);
	hs_err rc = !ones || !d->m ? hs_fail(err, HS_E_NOMEM, NULL) : merger_init(d->m, &d->p, err);
	/* As many sample types as NEW has (merger_headers names them from
	 * both sides in hs_diff_end); values as they are, as build() feeds
	 * NEW when the units agree, which hs_diff_end checks. */
	for (size_t i = 0; i < nt && rc == HS_OK; i++) {
		hs_value_type *slot = hs_vec_push(&d->p.sample_types, 1);
		if (!slot)
			rc = hs_fail(err, HS_E_NOMEM, NULL);
		else
			*slot = (hs_value_type){0, 0};   /* only their count is read until the end */
		ones[i] = 1;
	}
	if (rc == HS_OK)
		rc = feed(d, d->m, newp, HS_DIFF_NEW, NULL, ones, false, err);
	free(ones);
	if (rc) {
		drop_merger(d);
		hs_diff_release(d);
	}
	return rc;
}

hs_err hs_diff_end(hs_diff *d, const hs_profile *base, const hs_profile *newp,
                   const hs_diff_opts *o, hs_error *err)
{
	if (!d->m)
		return hs_diff_build(d, base, newp, o, err);
	hs_err rc = hs_merge_compatible(base, newp, err);
	if (rc == HS_OK && units_differ(base, newp)) {
		/* Rounded scaling is done on each side merged alone first:
		 * start again the long way. */
		hs_diff_release(d);
		return hs_diff_build(d, base, newp, o, err);
	}
	if (rc == HS_OK)
		rc = merge_pair(d, d->m, base, newp, o, true, err);
	drop_merger(d);
	if (rc)
		hs_diff_release(d);
	return rc;
}

void hs_diff_sums_report_opts(const hs_diff_sums *s, hs_report_opts *o)
{
	o->ncols = 2;
	o->cols = (const int64_t *const *)s->stack;
}

void hs_diff_sums_take_report(hs_diff_sums *s, hs_report *r)
{
	for (int k = 0; k < 2; k++) {
		free(s->flat[k]);
		free(s->cum[k]);
		s->flat[k] = r->g.col_flat[k];
		s->cum[k] = r->g.col_cum[k];
		r->g.col_flat[k] = r->g.col_cum[k] = NULL;
	}
	r->g.ncols = 0;
}
