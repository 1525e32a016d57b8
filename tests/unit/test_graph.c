/* Call graph and report semantics, hand-computed:
 *   sample A (10): main -> f -> f -> f      (recursion)
 *   sample B (5):  main -> g  where g is inlined into main's location
 *   sample C (1):  main -> h                (a small node)
 * flat: f 10, g 5, h 1; cum: f 10 (once, despite recursion), main 16. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "build_profile.h"
#include "heapscope/graph.h"
#include "view_node.h"

static int setup(void **state)
{
	static hs_profile p;
	tp_init(&p, "samples", "count");
	uint32_t fmain = add_function(&p, "main"), ff = add_function(&p, "f");
	uint32_t fg = add_function(&p, "g"), fh = add_function(&p, "h");
	uint32_t lmain = add_location(&p, &fmain, 1);
	uint32_t lf = add_location(&p, &ff, 1);
	uint32_t lgm = add_location(&p, (const uint32_t[]){fg, fmain}, 2);
	uint32_t lh = add_location(&p, &fh, 1);
	add_sample(&p, (const uint32_t[]){lf, lf, lf, lmain}, 4, 10);
	add_sample(&p, (const uint32_t[]){lgm}, 1, 5);
	add_sample(&p, (const uint32_t[]){lh, lmain}, 2, 1);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	*state = &p;
	return 0;
}

static int teardown(void **state)
{
	hs_profile_release(*state);
	return 0;
}

static void test_flat_cum(void **state)
{
	hs_view v;
	hs_graph g;
	hs_error e;
	hs_view_opts o = {0};
	assert_int_equal(hs_view_build(&v, *state, &o, &e), HS_OK);
	assert_int_equal(v.total, 16);
	assert_int_equal(hs_graph_build(&g, &v, NULL, true, &e), HS_OK);
	assert_int_equal(g.flat[node(&v, "f")], 10);
	assert_int_equal(g.cum[node(&v, "f")], 10);
	assert_int_equal(g.cum[node(&v, "main")], 16);
	assert_int_equal(g.flat[node(&v, "main")], 0);
	assert_int_equal(g.flat[node(&v, "g")], 5);
	/* Exactly three edges, each found and checked: main -> f (10, a call),
	 * main -> g (5, inlined), main -> h (1); f -> f is not an edge. */
	const struct {
		const char *from, *to;
		int64_t weight;
		bool inlined;
	} want[] = {{"main", "f", 10, false}, {"main", "g", 5, true}, {"main", "h", 1, false}};
	assert_int_equal(g.edges.len, 3);
	for (size_t k = 0; k < 3; k++) {
		const hs_edge *found = NULL;
		for (size_t i = 0; i < g.edges.len; i++) {
			const hs_edge *ed = &HS_VEC_AT(&g.edges, hs_edge, i);
			assert_int_not_equal(ed->from, ed->to);
			if (ed->from == node(&v, want[k].from) && ed->to == node(&v, want[k].to))
				found = ed;
		}
		if (!found)
			fail_msg("no edge %s -> %s", want[k].from, want[k].to);
		assert_int_equal(found->weight, want[k].weight);
		assert_int_equal(found->inlined, want[k].inlined);
	}
	hs_graph_release(&g);
	hs_view_release(&v);
}

static void test_trim(void **state)
{
	hs_view v;
	hs_report r;
	hs_error e;
	hs_view_opts o = {0};
	assert_int_equal(hs_view_build(&v, *state, &o, &e), HS_OK);
	/* nodefraction 0.1 of 16: cutoff 1, h (cum 1) stays; 0.1 -> 1.6 -> 1 */
	hs_report_opts ro = {.nodefraction = 0.2, .edgefraction = 0.001};
	assert_int_equal(hs_report_build(&r, &v, &ro, &e), HS_OK);
	/* cutoff int(16 * 0.2) = 3: h (cum 1) is dropped */
	assert_int_equal(r.node_cutoff, 3);
	assert_int_equal(r.dropped_nodes, 1);
	assert_int_equal(r.g.npresent, 3);
	/* flat order: f 10, g 5, main 0 */
	assert_string_equal(hs_view_node(&v, r.g.present[0])->name, "f");
	assert_string_equal(hs_view_node(&v, r.g.present[1])->name, "g");
	assert_string_equal(hs_report_inline_label(&r, node(&v, "g")), "(inline)");
	hs_report_release(&r);
	/* Edge cutoff int(16 * 0.0625) = 1: an edge of weight 1 (main -> h) is
	 * not below it and stays, as in pprof (weight < cutoff goes); at
	 * int(16 * 0.125) = 2 it goes.  Edges 10, 5, 1. */
	const double frac[] = {0.0625, 0.125};
	const size_t kept[] = {3, 2};
	for (size_t k = 0; k < 2; k++) {
		hs_report_opts re = {.nodefraction = 0, .edgefraction = frac[k]};
		assert_int_equal(hs_report_build(&r, &v, &re, &e), HS_OK);
		assert_int_equal(r.edge_cutoff, (int64_t)k + 1);
		size_t live = 0;
		for (size_t i = 0; i < r.g.edges.len; i++)
			live += !HS_VEC_AT(&r.g.edges, hs_edge, i).removed;
		assert_int_equal(live, kept[k]);
		hs_report_release(&r);
	}
	hs_view_release(&v);
}

static void test_filters(void **state)
{
	hs_view v;
	hs_graph g;
	hs_error e;
	/* focus on h: only sample C; hide main: frames removed, flat stays */
	hs_view_opts o = {.focus = "^h$", .hide = "^main$"};
	assert_int_equal(hs_view_build(&v, *state, &o, &e), HS_OK);
	assert_true(v.focus_matched);
	assert_int_equal(hs_graph_build(&g, &v, NULL, false, &e), HS_OK);
	size_t live = 0;
	for (size_t i = 0; i < g.npresent; i++)
		live++;
	assert_int_equal(live, 1);
	assert_int_equal(g.flat[node(&v, "h")], 1);
	hs_graph_release(&g);
	hs_view_release(&v);
	/* ignore f: samples B and C remain (total stays 16, as in pprof) */
	hs_view_opts o2 = {.ignore = "^f$"};
	assert_int_equal(hs_view_build(&v, *state, &o2, &e), HS_OK);
	assert_int_equal(v.total, 16);
	assert_int_equal(hs_graph_build(&g, &v, NULL, false, &e), HS_OK);
	assert_int_equal(g.cum[node(&v, "main")], 6);
	hs_graph_release(&g);
	hs_view_release(&v);
}

static void test_bad_regex(void **state)
{
	hs_view v;
	hs_error e;
	hs_error_clear(&e);
	hs_view_opts o = {.focus = "main(("};
	assert_int_equal(hs_view_build(&v, *state, &o, &e), HS_E_REGEX);
	assert_non_null(strstr(e.detail, "main(("));
}

/* Enough frames for two threads to walk the stacks (graph.c's
 * THREAD_MIN_FRAMES, 2^18): the graph must be the one a plain walk of
 * every sample gives, edges in first-seen order, the second half's new
 * edges after the first half's. */
static void test_two_shares(void **state)
{
	(void)state;
	enum { NF = 48, NL = 96, NS = 20000, DEPTH = 16 };
	hs_profile p;
	tp_init(&p, "samples", "count");
	uint32_t fn[NF], loc[NL];
	char name[16];
	for (int i = 0; i < NF; i++) {
		snprintf(name, sizeof name, "fn%02d", i);
		fn[i] = add_function(&p, name);
	}
	for (int i = 0; i < NL; i++)   /* every third location inlines a second function */
		loc[i] = add_location(&p, (const uint32_t[]){fn[i % NF], fn[(i * 7 + 3) % NF]},
		                      i % 3 == 0 ? 2 : 1);
	uint64_t r = 12345;
	for (int s = 0; s < NS; s++) {
		uint32_t st[DEPTH];
		/* The first half uses the first 60 locations only. */
		int span = s < NS / 2 ? 60 : NL;
		for (int k = 0; k < DEPTH; k++) {
			r = r * 6364136223846793005ULL + 1442695040888963407ULL;
			st[k] = loc[(r >> 33) % (uint64_t)span];
		}
		add_sample(&p, st, DEPTH, s % 7 + 1);
	}
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	hs_view v;
	hs_view_opts o = {0};
	assert_int_equal(hs_view_build(&v, &p, &o, &e), HS_OK);
	size_t nn = v.nodes.len;
	assert_true(nn <= NF);
	/* The plain walk: per sample, root first (hs_view_sample_frames). */
	int64_t flat[NF] = {0}, cum[NF] = {0}, weight[NF][NF] = {{0}};
	bool inl_all[NF][NF], seen[NF][NF] = {{false}};
	uint32_t order[NF * NF][2], nedges = 0;
	uint32_t nodes[2 * DEPTH], last[NF][NF] = {{0}}, lastn[NF] = {0};
	bool inl[2 * DEPTH];
	for (size_t s = 0; s < p.nsamples; s++) {
		int64_t val = hs_sample_values(&p, s)[0];
		size_t n = hs_view_sample_frames(&v, s, nodes, inl);
		for (size_t i = 0; i < n; i++) {
			uint32_t a = nodes[i];
			if (lastn[a] != s + 1) {
				lastn[a] = (uint32_t)s + 1;
				cum[a] += val;
			}
			if (i == 0 || nodes[i - 1] == a)
				continue;
			uint32_t f = nodes[i - 1];
			if (!seen[f][a]) {
				seen[f][a] = true;
				inl_all[f][a] = true;
				order[nedges][0] = f;
				order[nedges++][1] = a;
			}
			if (last[f][a] == s + 1)
				continue;
			last[f][a] = (uint32_t)s + 1;
			weight[f][a] += val;
			inl_all[f][a] &= inl[i];
		}
		flat[nodes[n - 1]] += val;
	}
	hs_graph g;
	assert_int_equal(hs_graph_build(&g, &v, NULL, true, &e), HS_OK);
	for (size_t i = 0; i < nn; i++) {
		assert_int_equal(g.flat[i], flat[i]);
		assert_int_equal(g.cum[i], cum[i]);
	}
	assert_int_equal(g.edges.len, nedges);
	for (size_t i = 0; i < nedges; i++) {
		const hs_edge *ed = &HS_VEC_AT(&g.edges, hs_edge, i);
		assert_int_equal(ed->from, order[i][0]);
		assert_int_equal(ed->to, order[i][1]);
		assert_int_equal(ed->weight, weight[ed->from][ed->to]);
		assert_int_equal(ed->inlined, inl_all[ed->from][ed->to]);
	}
	hs_graph_release(&g);
	hs_view_release(&v);
	hs_profile_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_cum),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_two_shares),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
