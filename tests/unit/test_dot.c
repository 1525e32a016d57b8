/* DOT output, against values worked out by hand from pprof's rules (and
 * checked: go tool pprof -dot -nodecount=4 on this profile written as
 * protobuf prints exactly these lines):
 *   sample A (10): main.main -> main.mid -> github.com/x/pkg.Leaf
 *   sample B (5):  main.main -> main.g, g inlined into main's location
 *   sample C (1):  main.main -> a function named  w"q<newline>x\y
 * With --nodecount 4 in visual (entropy) order main.mid scores 0 (one
 * edge in, one out, no flat) and is the node dropped, so main.main ->
 * pkg.Leaf becomes a residual edge.  Total 16; flat: Leaf 10, g 5, w 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/output/dot.h"
#include "build_profile.h"
#include "heapscope/graph.h"

static int setup(void **state)
{
	static hs_profile p;
	tp_init(&p, "samples", "count");
	uint32_t fmain = add_function(&p, "main.main"), fmid = add_function(&p, "main.mid");
	uint32_t fleaf = add_function(&p, "github.com/x/pkg.Leaf");
	uint32_t fg = add_function(&p, "main.g"), fw = add_function(&p, "w\"q\nx\\y");
	uint32_t lmain = add_location(&p, &fmain, 1), lmid = add_location(&p, &fmid, 1);
	uint32_t lleaf = add_location(&p, &fleaf, 1);
	uint32_t lgm = add_location(&p, (const uint32_t[]){fg, fmain}, 2);
	uint32_t lw = add_location(&p, &fw, 1);
	add_sample(&p, (const uint32_t[]){lleaf, lmid, lmain}, 3, 10);
	add_sample(&p, (const uint32_t[]){lgm}, 1, 5);
	add_sample(&p, (const uint32_t[]){lw, lmain}, 2, 1);
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

/* Render the profile as `heapscope dot --nodecount N` would. */
static char *render(const hs_profile *p, int nodecount)
{
	hs_view v;
	hs_report r;
	hs_error e;
	hs_error_clear(&e);
	hs_view_opts vo = {0};
	assert_int_equal(hs_view_build(&v, p, &vo, &e), HS_OK);
	hs_report_opts ro = {.nodecount = nodecount, .nodefraction = 0.005,
	                     .edgefraction = 0.001, .visual = true};
	assert_int_equal(hs_report_build(&r, &v, &ro, &e), HS_OK);
	report_fmt f;
	report_fmt_init(&f, p, &v, &r, "minimum");
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	const graph_ops *ops = graph_format_find("dot");
	assert_non_null(ops);
	assert_int_equal(graph_write(out, &f, ops, &e), HS_OK);
	assert_int_equal(fclose(out), 0);
	hs_report_release(&r);
	hs_view_release(&v);
	return buf;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *q = s; (q = strstr(q, needle)) != NULL; q += strlen(needle))
		n++;
	return n;
}

/* The whole line of `s` that contains needle ("" if none), in buf. */
static const char *line_with(const char *s, const char *needle, char *buf, size_t n)
{
	const char *q = strstr(s, needle);
	buf[0] = '\0';
	if (!q)
		return buf;
	while (q > s && q[-1] != '\n')
		q--;
	size_t len = strcspn(q, "\n");
	snprintf(buf, n, "%.*s", (int)len, q);
	return buf;
}

static void test_nodes(void **state)
{
	char *dot = render(*state, 4);
	/* 5 functions, nodecount 4: main.mid goes */
	assert_int_equal(count(dot, "\" id=\"node"), 4);
	assert_null(strstr(dot, "mid"));
	assert_non_null(strstr(dot, "\\lShowing top 4 nodes out of 5\\l"));
	char ln[1024];
	/* short name split at the package, flat == cum: one value; the
	 * largest flat gets the largest font */
	line_with(dot, "pkg\\nLeaf", ln, sizeof ln);
	assert_non_null(strstr(ln, "[label=\"pkg\\nLeaf\\n10 (62.50%)\" id=\"node"));
	assert_non_null(strstr(ln, "fontsize=24 shape=box tooltip=\"github.com/x/pkg.Leaf (10)\""));
	/* flat 0: "0 of cum"; cum 16 of 16 is pprof's hottest red */
	line_with(dot, "main\\nmain", ln, sizeof ln);
	assert_non_null(strstr(ln, "[label=\"main\\nmain\\n0 of 16 (100%)\""));
	assert_non_null(strstr(ln, "fontsize=8 "));
	assert_non_null(strstr(ln, "color=\"#b20000\" fillcolor=\"#edd5d5\""));
	/* 5 of max 10: 8 + ceil(16 * sqrt(0.5)) = 20 */
	line_with(dot, "main\\ng\\n", ln, sizeof ln);
	assert_non_null(strstr(ln, "[label=\"main\\ng\\n5 (31.25%)\""));
	assert_non_null(strstr(ln, "fontsize=20 "));
	free(dot);
}

static void test_edges(void **state)
{
	char *dot = render(*state, 4);
	char ln[1024];
	assert_int_equal(count(dot, " -> N"), 3);
	/* g was inlined into main.main's location */
	line_with(dot, "main.main -> main.g", ln, sizeof ln);
	assert_non_null(strstr(ln, "[label=\" 5\\n (inline)\" weight=32 penwidth=2 "));
	assert_null(strstr(ln, "dotted"));
	/* main.mid was dropped: the edge skipping it is residual */
	line_with(dot, "main.main ... github.com/x/pkg.Leaf (10)", ln, sizeof ln);
	assert_non_null(strstr(ln, "[label=\" 10\" weight=63 penwidth=4 "));
	assert_non_null(strstr(ln, "style=\"dotted\""));
	assert_null(strstr(ln, "(inline)"));
	/* heaviest edge first */
	assert_true(strstr(dot, "pkg.Leaf (10)") < strstr(dot, "main.g (5)"));
	free(dot);
	/* all nodes kept: no residual edge left */
	dot = render(*state, 0);
	assert_int_equal(count(dot, "\" id=\"node"), 5);
	assert_int_equal(count(dot, "dotted"), 0);
	assert_non_null(strstr(dot, "tooltip=\"main.main -> main.mid (10)\""));
	free(dot);
}

static void test_escaping(void **state)
{
	char *dot = render(*state, 4);
	char ln[1024];
	/* '"' and '\' escaped, the newline a left-justified break */
	line_with(dot, "[label=\"w", ln, sizeof ln);
	assert_non_null(strstr(ln, "[label=\"w\\\"q\\lx\\\\y\\n1 (6.25%)\""));
	assert_non_null(strstr(ln, "tooltip=\"w\\\"q\\lx\\\\y (1)\""));
	/* and no raw newline or lone quote slipped into the file */
	assert_null(strstr(dot, "w\"q"));
	assert_null(strstr(dot, "q\nx"));
	assert_non_null(strstr(dot, "tooltip=\"main.main -> w\\\"q\\lx\\\\y (1)\""));
	free(dot);
}

static void test_legend(void **state)
{
	char *dot = render(*state, 4);
	/* no mapping: pprof's "unnamed" graph; the first label names the box */
	static const char head[] =
		"digraph \"unnamed\" {\n"
		"node [style=filled fillcolor=\"#f8f8f8\"]\n"
		"subgraph cluster_L { \"Type: samples\" [shape=box fontsize=16 "
		"label=\"Type: samples\\lShowing nodes accounting for 16, 100% of 16 total"
		"\\lShowing top 4 nodes out of 5\\l\\lSee https://git.io/JfYMW for how to "
		"read the graph\\l\"] }\nN1 [label=\"";
	assert_int_equal(strncmp(dot, head, sizeof head - 1), 0);
	size_t n = strlen(dot);
	assert_true(n > 2 && strcmp(dot + n - 2, "}\n") == 0);
	free(dot);
}

static void test_shorten(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"main.main", "main.main"},
		{"github.com/x/pkg.(*T).M", "pkg.(*T).M"},
		{"github.com/x/mod/v2/pkg.F", "pkg.F"},
		{"gopkg.in/yaml.v3.Unmarshal", "yaml.v3.Unmarshal"},
		{"k8s.io/client-go/v12.F", "client-go.F"},
		{"java.lang.String.valueOf(I)", "String.valueOf"},
		{"com.x.Outer$Inner.<init>", "Outer$Inner.<init>"},
		{"(anonymous namespace)::Foo::bar(int)", "Foo::bar(int)"},  /* needs a namespace */
		{"(anonymous namespace)::ns::Foo::bar(int)", "Foo::bar"},
		{"std::vector<int>::push_back", "std::vector<int>::push_back"},
		{"ns::Foo::bar<int>(x) const", "Foo::bar<int>"},
		{"a/b/\nc", "b/"},   /* Go's (.+) stops at the newline */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[64];
		dot_shorten_function_name(cases[i][0], out);
		assert_string_equal(out, cases[i][1]);
	}
}

static void test_colors(void **state)
{
	(void)state;
	char c[8];
	dot_color(1.0, false, c);
	assert_string_equal(c, "#b20000");
	dot_color(1.0, true, c);
	assert_string_equal(c, "#edd5d5");
	dot_color(0.0, false, c);
	assert_string_equal(c, "#b2b2b2");
	dot_color(-1.0, false, c);
	assert_string_equal(c, "#00b200");
	/* from go tool pprof -dot on testdata/pprof/heap.pb.gz: 500kB of 4676.94kB */
	dot_color(500.0 / 4676.94, false, c);
	assert_string_equal(c, "#b28153");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes),   cmocka_unit_test(test_edges),
		cmocka_unit_test(test_escaping), cmocka_unit_test(test_legend),
		cmocka_unit_test(test_shorten), cmocka_unit_test(test_colors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
