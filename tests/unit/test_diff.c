/* hs_diff: NEW - BASE as go tool pprof -base computes it, hand-computed.
 *
 *   BASE: main -> f  10        NEW: main -> f  30
 *         main -> g   5             main -> h   2
 *
 * merged: f +20, g -5, h +2; pprof's total = |20| + |-5| + |2| = 27;
 * flat f 20, g -5, h 2; cum main 17.  Sides: base f 10, g 5 (main 15),
 * new f 30, h 2 (main 32). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "build_profile.h"
#include "heapscope/diff.h"
#include "view_node.h"

/* BASE or NEW above, values in `unit`. */
static void make_unit(hs_profile *p, const char *type, const char *unit, int64_t f, int64_t g,
                      int64_t h)
{
	tp_init(p, type, unit);
	/* Functions declared in another order than in the other profile: the
	 * merge must go by name, not id. */
	uint32_t fh = add_function(p, "h"), fg = add_function(p, "g");
	uint32_t ff = add_function(p, "f"), fm = add_function(p, "main");
	uint32_t lm = add_location(p, &fm, 1), lf = add_location(p, &ff, 1);
	uint32_t lg = add_location(p, &fg, 1), lh = add_location(p, &fh, 1);
	if (f)
		add_sample(p, (const uint32_t[]){lf, lm}, 2, f);
	if (g)
		add_sample(p, (const uint32_t[]){lg, lm}, 2, g);
	if (h)
		add_sample(p, (const uint32_t[]){lh, lm}, 2, h);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(p, &e), HS_OK);
}

static void make(hs_profile *p, const char *type, int64_t f, int64_t g, int64_t h)
{
	make_unit(p, type, "bytes", f, g, h);
}

/* The merged (NEW - BASE) flat value of function `name`. */
static int64_t delta_flat(const hs_diff *d, const char *name)
{
	hs_view v;
	hs_view_opts vo = {0};
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_view_build(&v, &d->p, &vo, &e), HS_OK);
	hs_graph g;
	assert_int_equal(hs_graph_build(&g, &v, NULL, false, &e), HS_OK);
	int64_t flat = g.flat[node(&v, name)];
	hs_graph_release(&g);
	hs_view_release(&v);
	return flat;
}

/* The function names of sample s's stack, leaf first, comma-separated. */
static void stack_names(const hs_profile *p, size_t s, char *buf, size_t n)
{
	uint32_t depth;
	const uint32_t *st = hs_sample_stack(p, s, &depth);
	buf[0] = 0;
	for (uint32_t k = 0; k < depth; k++) {
		const hs_location *l = hs_location_at(p, st[k]);
		for (uint32_t j = 0; j < l->nlines; j++) {
			const hs_function *f = hs_function_at(p, hs_line_at(p, l->line_start + j)->function);
			strncat(buf, hs_s(p, f->name), n - strlen(buf) - 2);
			strcat(buf, ",");
		}
	}
}

/* hs_diff_begin + hs_diff_end make what hs_diff_build makes: the same
 * sample types, and per sample the same stack, values and side values. */
static void assert_same_diff(const hs_diff *a, const hs_diff *b)
{
	size_t nt = hs_ntypes(&a->p);
	assert_int_equal(hs_ntypes(&b->p), nt);
	for (size_t i = 0; i < nt; i++) {
		const hs_value_type *x = hs_sample_type(&a->p, i);
		const hs_value_type *y = hs_sample_type(&b->p, i);
		assert_string_equal(hs_s(&a->p, x->type), hs_s(&b->p, y->type));
		assert_string_equal(hs_s(&a->p, x->unit), hs_s(&b->p, y->unit));
	}
	assert_int_equal(a->p.nsamples, b->p.nsamples);
	assert_int_equal(a->diff_base, b->diff_base);
	for (size_t s = 0; s < a->p.nsamples; s++) {
		char sa[256], sb[256];
		stack_names(&a->p, s, sa, sizeof sa);
		stack_names(&b->p, s, sb, sizeof sb);
		assert_string_equal(sa, sb);
		uint32_t la, lb;
		hs_sample_labels(&a->p, s, &la);
		hs_sample_labels(&b->p, s, &lb);
		assert_int_equal(la, lb);
		for (size_t i = 0; i < nt; i++) {
			assert_int_equal(hs_sample_values(&a->p, s)[i], hs_sample_values(&b->p, s)[i]);
			for (int k = 0; k < 2; k++)
				assert_int_equal(((const int64_t *)a->side[k].data)[s * nt + i],
				                 ((const int64_t *)b->side[k].data)[s * nt + i]);
		}
	}
}

/* Both ways of building a diff of base and newp; the one-call result in
 * d, the two-step one checked against it. */
static void build_both(hs_diff *d, const hs_profile *base, const hs_profile *newp,
                       const hs_diff_opts *o)
{
	hs_diff_init(d);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_diff_build(d, base, newp, o, &e), HS_OK);
	hs_diff two;
	hs_diff_init(&two);
	assert_int_equal(hs_diff_begin(&two, newp, o, &e), HS_OK);
	assert_int_equal(hs_diff_end(&two, base, newp, o, &e), HS_OK);
	assert_same_diff(d, &two);
	hs_diff_release(&two);
}

static void build(hs_diff *d, int64_t bf, int64_t bg, int64_t bh, int64_t nf, int64_t ng,
                  int64_t nh, const hs_diff_opts *o)
{
	hs_profile base, newp;
	make(&base, "inuse_space", bf, bg, bh);
	make(&newp, "inuse_space", nf, ng, nh);
	build_both(d, &base, &newp, o);
	hs_profile_release(&base);
	hs_profile_release(&newp);
}

/* BASE and NEW as drawn at the top. */
static void build_above(hs_diff *d, const hs_diff_opts *o)
{
	build(d, 10, 5, 0, 30, 0, 2, o);
}

/* The unfiltered view of the merged profile and the sides' sums over it. */
typedef struct diff_view {
	hs_view v;
	hs_diff_sums s;
} diff_view;

static void view_open(diff_view *x, const hs_diff *d)
{
	hs_view_opts vo = {0};
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_view_build(&x->v, &d->p, &vo, &e), HS_OK);
	assert_int_equal(hs_diff_sums_build(&x->s, d, &vo, &e), HS_OK);
}

static void view_close(diff_view *x)
{
	hs_diff_sums_release(&x->s);
	hs_view_release(&x->v);
}

static void test_base(void **state)
{
	(void)state;
	hs_diff d;
	hs_diff_opts o = {0};
	build_above(&d, &o);
	assert_int_equal(d.p.nsamples, 3);       /* f merged, g and h alone */
	assert_int_equal(hs_diff_total(&d, 0), 27);
	diff_view x;
	view_open(&x, &d);
	const hs_view *v = &x.v;
	assert_int_equal(v->total, 27);
	hs_report r;
	hs_report_opts ro = {.nodefraction = 0.005, .edgefraction = 0.001};
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_report_build(&r, v, &ro, &e), HS_OK);
	assert_int_equal(r.g.flat[node(v, "f")], 20);
	assert_int_equal(r.g.flat[node(v, "g")], -5);
	assert_int_equal(r.g.flat[node(v, "h")], 2);
	assert_int_equal(r.g.cum[node(v, "main")], 17);
	/* pprof's order: |flat| descending */
	assert_int_equal(r.g.present[0], node(v, "f"));
	assert_int_equal(r.g.present[1], node(v, "g"));

	const hs_diff_sums *s = &x.s;
	assert_int_equal(s->nnodes, v->nodes.len);
	assert_int_equal(s->flat[HS_DIFF_BASE][node(v, "f")], 10);
	assert_int_equal(s->flat[HS_DIFF_BASE][node(v, "g")], 5);
	assert_int_equal(s->flat[HS_DIFF_BASE][node(v, "h")], 0);
	assert_int_equal(s->flat[HS_DIFF_NEW][node(v, "f")], 30);
	assert_int_equal(s->flat[HS_DIFF_NEW][node(v, "g")], 0);
	assert_int_equal(s->flat[HS_DIFF_NEW][node(v, "h")], 2);
	assert_int_equal(s->cum[HS_DIFF_BASE][node(v, "main")], 15);
	assert_int_equal(s->cum[HS_DIFF_NEW][node(v, "main")], 32);
	assert_int_equal(s->total[HS_DIFF_BASE], 15);
	assert_int_equal(s->total[HS_DIFF_NEW], 32);
	hs_report_release(&r);
	view_close(&x);
	hs_diff_release(&d);
}

/* -diff_base: BASE's samples carry pprof::base=true, never merge with
 * NEW's, and the total is BASE's: 10 + 5 = 15. */
static void test_diff_base(void **state)
{
	(void)state;
	hs_diff d;
	hs_diff_opts o = {.diff_base = true};
	build_above(&d, &o);
	assert_int_equal(d.p.nsamples, 4);
	assert_int_equal(hs_diff_total(&d, 0), 15);
	assert_int_equal(delta_flat(&d, "f"), 20);   /* the values do not change */
	hs_diff_release(&d);
}

/* -normalize: NEW scaled by BASE's sum over NEW's, 15 / 32 = 0.46875:
 * f 30 -> round(14.0625) = 14, h 2 -> round(0.9375) = 1.  Merged: f +4,
 * g -5, h +1; total 10. */
static void test_normalize(void **state)
{
	(void)state;
	hs_diff d;
	hs_diff_opts o = {.normalize = true};
	build_above(&d, &o);
	assert_true(d.norm[0] == 0.46875);
	assert_int_equal(hs_diff_total(&d, 0), 10);
	diff_view x;
	view_open(&x, &d);
	assert_int_equal(x.s.flat[HS_DIFF_NEW][node(&x.v, "f")], 14);
	assert_int_equal(x.s.flat[HS_DIFF_NEW][node(&x.v, "h")], 1);
	assert_int_equal(x.s.total[HS_DIFF_NEW], 15);
	view_close(&x);
	hs_diff_release(&d);
}

/* An unchanged stack: delta 0 (not in pprof's report), both sides kept. */
static void test_unchanged(void **state)
{
	(void)state;
	hs_diff d;
	hs_diff_opts o = {0};
	build(&d, 10, 5, 0, 10, 7, 0, &o);
	assert_int_equal(hs_diff_total(&d, 0), 2);
	diff_view x;
	view_open(&x, &d);
	hs_graph g;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_graph_build(&g, &x.v, NULL, false, &e), HS_OK);
	assert_int_equal(g.npresent, 2);              /* g and main */
	assert_int_equal(g.flat[node(&x.v, "f")], 0);
	assert_int_equal(x.s.flat[HS_DIFF_BASE][node(&x.v, "f")], 10);
	assert_int_equal(x.s.flat[HS_DIFF_NEW][node(&x.v, "f")], 10);
	hs_graph_release(&g);
	view_close(&x);
	hs_diff_release(&d);
}

/* Filters apply to both sides: --focus=g keeps BASE's g stack only. */
static void test_focus(void **state)
{
	(void)state;
	hs_diff d;
	hs_diff_opts o = {0};
	build_above(&d, &o);
	hs_view_opts vo = {.focus = "^g$"};
	hs_diff_sums s;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_diff_sums_build(&s, &d, &vo, &e), HS_OK);
	assert_int_equal(s.total[HS_DIFF_BASE], 5);
	assert_int_equal(s.total[HS_DIFF_NEW], 0);
	hs_diff_sums_release(&s);
	hs_diff_release(&d);
}

/* Units that differ: NEW in kilobytes is brought to BASE's bytes, f
 * 2 kB = 2048 B, so f grows by 2048 - 1000 = 1048 and g shrinks by
 * 3000; NEW merged alone in hs_diff_begin was unscaled, so the two-step
 * build must start again the long way. */
static void test_units(void **state)
{
	(void)state;
	hs_profile base, newp;
	make_unit(&base, "inuse_space", "bytes", 1000, 3000, 0);
	make_unit(&newp, "inuse_space", "kilobytes", 2, 0, 0);
	hs_diff d;
	hs_diff_opts o = {0};
	build_both(&d, &base, &newp, &o);
	assert_string_equal(hs_s(&d.p, hs_sample_type(&d.p, 0)->unit), "bytes");
	assert_int_equal(delta_flat(&d, "f"), 1048);
	assert_int_equal(delta_flat(&d, "g"), -3000);
	hs_diff_release(&d);
	hs_profile_release(&base);
	hs_profile_release(&newp);
}

/* The sides summed in the report's own walk (what `diff` prints): for the
 * unchanged case above, f's stack cancels (10 - 10) so the merged view
 * drops it, yet main's cum still holds it on both sides: base 10 + 5 =
 * 15, new 10 + 7 = 17; g 5 and 7; f is not a row (delta 0). */
static void test_sums_in_report(void **state)
{
	(void)state;
	hs_diff d;
	hs_diff_opts o = {0};
	build(&d, 10, 5, 0, 10, 7, 0, &o);
	hs_view v;
	hs_view_opts vo = {0};
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_view_build(&v, &d.p, &vo, &e), HS_OK);
	hs_diff_sums s;
	assert_int_equal(hs_diff_sums_from_view(&s, &d, &v, true, false, &e), HS_OK);
	assert_null(s.flat[HS_DIFF_BASE]);
	assert_int_equal(s.total[HS_DIFF_BASE], 15);
	assert_int_equal(s.total[HS_DIFF_NEW], 17);
	hs_report r;
	hs_report_opts ro = {.nodefraction = 0.005, .edgefraction = 0.001};
	hs_diff_sums_report_opts(&s, &ro);
	assert_int_equal(hs_report_build(&r, &v, &ro, &e), HS_OK);
	hs_diff_sums_take_report(&s, &r);
	assert_int_equal(r.g.npresent, 2);   /* g and main */
	uint32_t m = node(&v, "main"), g = node(&v, "g");
	assert_int_equal(s.cum[HS_DIFF_BASE][m], 15);
	assert_int_equal(s.cum[HS_DIFF_NEW][m], 17);
	assert_int_equal(r.g.cum[m], 2);
	assert_int_equal(s.flat[HS_DIFF_BASE][g], 5);
	assert_int_equal(s.flat[HS_DIFF_NEW][g], 7);
	assert_int_equal(s.flat[HS_DIFF_BASE][m], 0);
	hs_report_release(&r);
	hs_diff_sums_release(&s);
	hs_view_release(&v);
	hs_diff_release(&d);
}

static void test_incompatible(void **state)
{
	(void)state;
	hs_profile base, newp;
	make(&base, "inuse_space", 1, 0, 0);
	make(&newp, "alloc_space", 1, 0, 0);
	hs_diff d;
	hs_diff_init(&d);
	hs_diff_opts o = {0};
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_diff_build(&d, &base, &newp, &o, &e), HS_E_INVALID);
	assert_non_null(strstr(e.detail, "incompatible sample types [inuse_space/bytes] and "
	                                 "[alloc_space/bytes]"));
	hs_diff_release(&d);
	/* In two steps: NEW merges alone, the end refuses. */
	hs_error_clear(&e);
	assert_int_equal(hs_diff_begin(&d, &newp, &o, &e), HS_OK);
	assert_int_equal(hs_diff_end(&d, &base, &newp, &o, &e), HS_E_INVALID);
	assert_non_null(strstr(e.detail, "incompatible sample types"));
	assert_int_equal(d.p.nsamples, 0);
	hs_diff_release(&d);
	hs_profile_release(&base);
	hs_profile_release(&newp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base),       cmocka_unit_test(test_diff_base),
		cmocka_unit_test(test_normalize),  cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_focus),      cmocka_unit_test(test_incompatible),
		cmocka_unit_test(test_units),      cmocka_unit_test(test_sums_in_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
