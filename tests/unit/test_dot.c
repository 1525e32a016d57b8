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
#include "view_node.h"

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
	                     .edgefraction = 0.001, .visual = true, .tags = true,
	                     .tag_unit = "minimum"};
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

/* Tag nodelets.  An alloc_space profile (B) with sample labels:
 *   main.alloc <- main.main: 100, 200, 300, 400, 500, 600 with "bytes"
 *     16, 32, 64, 1024, 2048, 4096;
 *   main.big <- main.main: 8192 labelled worker=b, phase=x, bytes 8192;
 *     1000 labelled worker=a;
 *   main.main alone: 100 with bytes 512, 20 with bytes 128.
 * Total 11412, node cutoff int(11412 * 0.005) = 57: the 128B tag (20)
 * is trimmed.  By hand: main.alloc is a leaf, so its six sizes sort by cum
 * (4kB 600, 2kB 500, 1kB 400, 64B 300, 32B 200, 16B 100); the first four
 * seed groups, 32 and 16 join 64 (nearest), giving "16B..64B" 600, which
 * sorts before "4kB" 600 by name.  main.big's string labels join sorted,
 * "phase:x\nworker:b" (a literal backslash-n), with its 8kB under it
 * (NN2_0_0).  main.main has out-edges, so it shows flat tags only (512B,
 * 100) and its edges get minlen=2.  The expected texts are what go tool
 * pprof -dot (Go 1.19) prints for this profile written as profile.proto,
 * which agrees with all of the above. */
static void add_tagged_sample(hs_profile *p, const uint32_t *locs, size_t n, int64_t v,
                              const char *const *kv, size_t nkv, int64_t bytes)
{
	int64_t *vals = hs_profile_begin_sample(p);
	vals[0] = v;
	for (size_t i = 0; i < n; i++)
		hs_profile_push_location(p, locs[i]);
	for (size_t i = 0; i + 1 < nkv; i += 2) {
		hs_label l = {.key = hs_profile_intern(p, kv[i], strlen(kv[i])),
		              .str = hs_profile_intern(p, kv[i + 1], strlen(kv[i + 1]))};
		assert_int_equal(hs_profile_push_label(p, &l), HS_OK);
	}
	if (bytes) {
		hs_label l = {.key = hs_profile_intern(p, "bytes", 5), .num = bytes};
		assert_int_equal(hs_profile_push_label(p, &l), HS_OK);
	}
	assert_int_equal(hs_profile_end_sample(p), HS_OK);
}

static void tagged_profile(hs_profile *p)
{
	tp_init(p, "alloc_space", "bytes");
	uint32_t fmain = add_function(p, "main.main"), falloc = add_function(p, "main.alloc");
	uint32_t fbig = add_function(p, "main.big");
	uint32_t lmain = add_location(p, &fmain, 1), lalloc = add_location(p, &falloc, 1);
	uint32_t lbig = add_location(p, &fbig, 1);
	static const int64_t size[6] = {16, 32, 64, 1024, 2048, 4096};
	for (int i = 0; i < 6; i++)
		add_tagged_sample(p, (const uint32_t[]){lalloc, lmain}, 2, 100 * (i + 1), NULL, 0,
		                  size[i]);
	static const char *const b[] = {"worker", "b", "phase", "x"}, *const a[] = {"worker", "a"};
	add_tagged_sample(p, (const uint32_t[]){lbig, lmain}, 2, 8192, b, 4, 8192);
	add_tagged_sample(p, (const uint32_t[]){lbig, lmain}, 2, 1000, a, 2, 0);
	add_tagged_sample(p, &lmain, 1, 100, NULL, 0, 512);
	add_tagged_sample(p, &lmain, 1, 20, NULL, 0, 128);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(p, &e), HS_OK);
}

static const char want_all[] =
	"digraph \"unnamed\" {\n"
	"node [style=filled fillcolor=\"#f8f8f8\"]\n"
	"subgraph cluster_L { \"Type: alloc_space\" [shape=box fontsize=16 label=\"Type: "
	"alloc_space\\lShowing nodes accounting for 11412B, 100% of 11412B total\\l\\lSee "
	"https://git.io/JfYMW for how to read the graph\\l\"] }\n"
	"N1 [label=\"main\\nmain\\n120B (1.05%)\\nof 11412B (100%)\" id=\"node1\" "
	"fontsize=10 shape=box tooltip=\"main.main (11412B)\" color=\"#b20000\" "
	"fillcolor=\"#edd5d5\"]\n"
	"NN1_0 [label = \"512B\" id=\"NN1_0\" fontsize=8 shape=box3d tooltip=\"100B\"]\n"
	"N1 -> NN1_0 [label=\" 100B\" weight=100 tooltip=\"100B\" labeltooltip=\"100B\"]\n"
	"N2 [label=\"main\\nbig\\n9192B (80.55%)\" id=\"node2\" fontsize=24 shape=box "
	"tooltip=\"main.big (9192B)\" color=\"#b20b00\" fillcolor=\"#edd6d5\"]\n"
	"N2_0 [label = \"phase:x\\nworker:b\" id=\"N2_0\" fontsize=8 shape=box3d tooltip=\"8192B\"]\n"
	"N2 -> N2_0 [label=\" 8192B\" weight=100 tooltip=\"8192B\" labeltooltip=\"8192B\"]\n"
	"NN2_0_0 [label = \"8kB\" id=\"NN2_0_0\" fontsize=8 shape=box3d tooltip=\"8192B\"]\n"
	"N2_0 -> NN2_0_0 [label=\" 8192B\" weight=100 tooltip=\"8192B\" labeltooltip=\"8192B\"]\n"
	"N2_1 [label = \"worker:a\" id=\"N2_1\" fontsize=8 shape=box3d tooltip=\"1000B\"]\n"
	"N2 -> N2_1 [label=\" 1000B\" weight=100 tooltip=\"1000B\" labeltooltip=\"1000B\"]\n"
	"N3 [label=\"main\\nalloc\\n2100B (18.40%)\" id=\"node3\" fontsize=16 shape=box "
	"tooltip=\"main.alloc (2100B)\" color=\"#b24f0e\" fillcolor=\"#ede0d7\"]\n"
	"NN3_0 [label = \"16B..64B\" id=\"NN3_0\" fontsize=8 shape=box3d tooltip=\"600B\"]\n"
	"N3 -> NN3_0 [label=\" 600B\" weight=100 tooltip=\"600B\" labeltooltip=\"600B\"]\n"
	"NN3_1 [label = \"4kB\" id=\"NN3_1\" fontsize=8 shape=box3d tooltip=\"600B\"]\n"
	"N3 -> NN3_1 [label=\" 600B\" weight=100 tooltip=\"600B\" labeltooltip=\"600B\"]\n"
	"NN3_2 [label = \"2kB\" id=\"NN3_2\" fontsize=8 shape=box3d tooltip=\"500B\"]\n"
	"N3 -> NN3_2 [label=\" 500B\" weight=100 tooltip=\"500B\" labeltooltip=\"500B\"]\n"
	"NN3_3 [label = \"1kB\" id=\"NN3_3\" fontsize=8 shape=box3d tooltip=\"400B\"]\n"
	"N3 -> NN3_3 [label=\" 400B\" weight=100 tooltip=\"400B\" labeltooltip=\"400B\"]\n"
	"N1 -> N2 [label=\" 9192B\" weight=81 penwidth=5 color=\"#b20b00\" "
	"tooltip=\"main.main -> main.big (9192B)\" labeltooltip=\"main.main -> main.big "
	"(9192B)\" minlen=2]\n"
	"N1 -> N3 [label=\" 2100B\" weight=19 color=\"#b24f0e\" tooltip=\"main.main -> "
	"main.alloc (2100B)\" labeltooltip=\"main.main -> main.alloc (2100B)\" minlen=2]\n"
	"}\n";

static const char want_top1[] =
	"digraph \"unnamed\" {\n"
	"node [style=filled fillcolor=\"#f8f8f8\"]\n"
	"subgraph cluster_L { \"Type: alloc_space\" [shape=box fontsize=16 label=\"Type: "
	"alloc_space\\lShowing nodes accounting for 120B, 1.05% of 11412B total\\lShowing "
	"top 1 nodes out of 3\\l\\lSee https://git.io/JfYMW for how to read the graph\\l\"] "
	"}\n"
	"N1 [label=\"main\\nmain\\n120B (1.05%)\\nof 11412B (100%)\" id=\"node1\" "
	"fontsize=24 shape=box tooltip=\"main.main (11412B)\" color=\"#b20000\" "
	"fillcolor=\"#edd5d5\"]\n"
	"N1_0 [label = \"phase:x\\nworker:b\" id=\"N1_0\" fontsize=8 shape=box3d tooltip=\"8192B\"]\n"
	"N1 -> N1_0 [label=\" 8192B\" weight=100 tooltip=\"8192B\" labeltooltip=\"8192B\"]\n"
	"NN1_0_0 [label = \"8kB\" id=\"NN1_0_0\" fontsize=8 shape=box3d tooltip=\"8192B\"]\n"
	"N1_0 -> NN1_0_0 [label=\" 8192B\" weight=100 tooltip=\"8192B\" "
	"labeltooltip=\"8192B\" style=\"dotted\"]\n"
	"N1_1 [label = \"worker:a\" id=\"N1_1\" fontsize=8 shape=box3d tooltip=\"1000B\"]\n"
	"N1 -> N1_1 [label=\" 1000B\" weight=100 tooltip=\"1000B\" labeltooltip=\"1000B\"]\n"
	"NN1_0 [label = \"16B..512B\" id=\"NN1_0\" fontsize=8 shape=box3d tooltip=\"700B\"]\n"
	"N1 -> NN1_0 [label=\" 700B\" weight=100 tooltip=\"700B\" labeltooltip=\"700B\" "
	"style=\"dotted\"]\n"
	"NN1_1 [label = \"4kB\" id=\"NN1_1\" fontsize=8 shape=box3d tooltip=\"600B\"]\n"
	"N1 -> NN1_1 [label=\" 600B\" weight=100 tooltip=\"600B\" labeltooltip=\"600B\" "
	"style=\"dotted\"]\n"
	"NN1_2 [label = \"2kB\" id=\"NN1_2\" fontsize=8 shape=box3d tooltip=\"500B\"]\n"
	"N1 -> NN1_2 [label=\" 500B\" weight=100 tooltip=\"500B\" labeltooltip=\"500B\" "
	"style=\"dotted\"]\n"
	"NN1_3 [label = \"1kB\" id=\"NN1_3\" fontsize=8 shape=box3d tooltip=\"400B\"]\n"
	"N1 -> NN1_3 [label=\" 400B\" weight=100 tooltip=\"400B\" labeltooltip=\"400B\" "
	"style=\"dotted\"]\n"
	"}\n";

static void test_nodelets(void **state)
{
	(void)state;
	hs_profile p;
	tagged_profile(&p);
	char *dot = render(&p, 80);
	assert_string_equal(dot, want_all);
	free(dot);
	hs_profile_release(&p);
}

/* Visual mode counts a node's flat tags (at most 4) towards --nodecount:
 * with 2, main.main (1 + its one flat tag) fills it alone.  Then it is a
 * leaf: cum tags, and numeric ones whose flat differs from cum dotted;
 * 512B (flat 100) falls into the group of 64B: "16B..512B", cum 700. */
static void test_nodelets_nodecount(void **state)
{
	(void)state;
	hs_profile p;
	tagged_profile(&p);
	char *dot = render(&p, 2);
	assert_string_equal(dot, want_top1);
	free(dot);
	/* 3: main.main, first in entropy order, counts 2, and main.big (1 +
	 * its 3 flat tags) reaches 3: two nodes, drawn big first */
	dot = render(&p, 3);
	assert_non_null(strstr(dot, "\\lShowing top 2 nodes out of 3\\l"));
	assert_non_null(strstr(dot, "N2 -> N1 [label=\" 9192B\" weight=81 penwidth=5 "));
	assert_non_null(strstr(dot, "labeltooltip=\"main.main -> main.big (9192B)\" minlen=2]\n"));
	free(dot);
	hs_profile_release(&p);
}

/* The tags the report keeps, worked out by hand from graph.go's addSample:
 * cum from every sample through a node, flat from those it is the leaf
 * of; string labels joined, numeric "bytes" values named in "minimum". */
static const hs_tag *find_tag(const hs_tag *t, size_t n, const char *name, const char *labels)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0 &&
		    (labels ? t[i].labels && strcmp(t[i].labels, labels) == 0 : !t[i].labels))
			return &t[i];
	return NULL;
}

static void report_of(const hs_profile *p, hs_view *v, hs_report *r)
{
	hs_error e;
	hs_error_clear(&e);
	hs_view_opts vo = {0};
	assert_int_equal(hs_view_build(v, p, &vo, &e), HS_OK);
	hs_report_opts ro = {.nodefraction = 0.005, .edgefraction = 0.001, .visual = true,
	                     .tags = true};
	assert_int_equal(hs_report_build(r, v, &ro, &e), HS_OK);
}

static void test_report_tags(void **state)
{
	(void)state;
	hs_profile p;
	tagged_profile(&p);
	hs_view v;
	hs_report r;
	report_of(&p, &v, &r);
	size_t n;
	const hs_tag *t = hs_report_tags(&r, node(&v, "main.main"), &n);
	/* 6 sizes of alloc, 512B, 8kB under big's labels, 2 label tags; 128B
	 * (20) is under the cutoff of 57 */
	assert_int_equal(n, 10);
	assert_null(find_tag(t, n, "128B", ""));
	const hs_tag *x = find_tag(t, n, "512B", "");
	assert_non_null(x);
	assert_int_equal(x->flat, 100);
	assert_int_equal(x->cum, 100);
	assert_int_equal(x->value, 512);
	assert_string_equal(x->unit, "bytes");
	x = find_tag(t, n, "4kB", "");
	assert_non_null(x);
	assert_int_equal(x->flat, 0);
	assert_int_equal(x->cum, 600);
	x = find_tag(t, n, "phase:x\\nworker:b", NULL);
	assert_non_null(x);
	assert_int_equal(x->flat, 0);
	assert_int_equal(x->cum, 8192);
	x = find_tag(t, n, "8kB", "phase:x\\nworker:b");
	assert_non_null(x);
	assert_int_equal(x->cum, 8192);
	t = hs_report_tags(&r, node(&v, "main.big"), &n);
	assert_int_equal(n, 3);
	x = find_tag(t, n, "worker:a", NULL);
	assert_non_null(x);
	assert_int_equal(x->flat, 1000);
	assert_int_equal(x->cum, 1000);
	hs_report_release(&r);
	hs_view_release(&v);
	hs_profile_release(&p);

	/* The unit of "bytes" is the first one given (NumLabelUnits); other
	 * numeric labels and "pprof::base" are not tags. */
	tp_init(&p, "alloc_space", "bytes");
	uint32_t f = add_function(&p, "main.f");
	uint32_t loc = add_location(&p, &f, 1);
	int64_t *vals = hs_profile_begin_sample(&p);
	vals[0] = 10;
	hs_profile_push_location(&p, loc);
	hs_label l[3] = {
		{.key = hs_profile_intern(&p, "bytes", 5), .num = 3,
		 .num_unit = hs_profile_intern(&p, "kilobytes", 9)},
		{.key = hs_profile_intern(&p, "alignment", 9), .num = 8},
		{.key = hs_profile_intern(&p, "pprof::base", 11), .str = hs_profile_intern(&p, "true", 4)},
	};
	for (int i = 0; i < 3; i++)
		assert_int_equal(hs_profile_push_label(&p, &l[i]), HS_OK);
	assert_int_equal(hs_profile_end_sample(&p), HS_OK);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	report_of(&p, &v, &r);
	t = hs_report_tags(&r, node(&v, "main.f"), &n);
	assert_int_equal(n, 1);
	/* 3 kilobytes: 3072B, "3kB" (go tool pprof -dot draws NN1_0 "3kB") */
	assert_string_equal(t[0].name, "3kB");
	assert_string_equal(t[0].labels, "");
	assert_string_equal(t[0].unit, "kilobytes");
	assert_int_equal(t[0].value, 3);
	assert_int_equal(t[0].flat, 10);
	assert_int_equal(t[0].cum, 10);
	hs_report_release(&r);
	hs_view_release(&v);
	hs_profile_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes),   cmocka_unit_test(test_edges),
		cmocka_unit_test(test_escaping), cmocka_unit_test(test_legend),
		cmocka_unit_test(test_shorten), cmocka_unit_test(test_colors),
		cmocka_unit_test(test_nodelets), cmocka_unit_test(test_nodelets_nodecount),
		cmocka_unit_test(test_report_tags),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
