/* Call graphs in Graphviz DOT, as go tool pprof -dot (Go 1.19) draws them:
 * graph/dotgraph.go's ComposeDot fed by report.go's GetDOT.  See dot.h.
 *
 * Tag nodelets are drawn as dotgraph.go's addNodelets draws them: the
 * box3d boxes under a node for its samples' string labels (N1_0, the
 * heaviest maxNodelets) and for the values of the "bytes" numeric label
 * (NN1_0 under the node, NN1_0_0 under a label's box; more distinct values
 * than maxNodelets are bucketed as "16B..64B"), and a node with nodelets
 * gets minlen=2 on its out-edges.  The tags come from hs_report_tags (a
 * report built with opts.tags, which also counts them towards --nodecount
 * as pprof's selectTopNodes does).
 *
 * Where we differ from pprof on purpose: edges into a node pprof drops for
 * having no value are left out (pprof writes them to "N0"), and names keep
 * the file valid (see put_text_n). */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/sort.h"
#include "dot.h"
#include "escape.h"
#include "heapscope/units.h"

/* Go's \w: ASCII only, whatever the locale. */
static bool is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}
static bool is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static bool is_alpha_(unsigned char c) { return is_lower(c) || is_upper(c) || c == '_'; }

/* The regular expressions of pprof's graph.go, matched by hand.  Each has
 * a single way to match once backtracking is worked out (a run of word
 * characters must end where the next literal can start), so a scan finds
 * the same span Go's leftmost-first engine does.  Go's '.' stops at '\n'
 * only; '$' is end of text. */

/* goVerRegExp `^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)$` -> "${1}${2}":
 * the first "/vN" (N >= 2, no leading zero) followed by '.' or '/'.
 * Returns the offset of the '/', or -1. */
static ptrdiff_t go_version_at(const char *s, size_t *vlen)
{
	if (strchr(s, '\n'))
		return -1;   /* neither (.*?) nor (.*)$ can cross it */
	for (const char *p = s; (p = strstr(p, "/v")) != NULL; p++) {
		size_t k = 0;
		while (is_digit((unsigned char)p[2 + k]))
			k++;
		char next = p[2 + k];
		bool ver = (k == 1 && p[2] >= '2') || (k >= 2 && p[2] != '0');
		if (ver && (next == '.' || next == '/')) {
			*vlen = 2 + k;
			return p - s;
		}
	}
	return -1;
}

/* goRegExp `^(?:[\w\-\.]+\/)+(.+)`: after the last "seg/" that still has
 * a character (not '\n') after it, up to the first '\n'. */
static bool go_short(const char *s, const char **from, size_t *len)
{
	size_t pos = 0;
	const char *best = NULL;
	for (;;) {
		size_t j = pos;
		while (is_word((unsigned char)s[j]) || s[j] == '-' || s[j] == '.')
			j++;
		if (j == pos || s[j] != '/')
			break;
		pos = j + 1;
		if (s[pos] && s[pos] != '\n')
			best = s + pos;
	}
	if (!best)
		return false;
	*from = best;
	*len = strcspn(best, "\n");
	return true;
}

/* javaRegExp `^(?:[a-z]\w*\.)*([A-Z][\w\$]*\.(?:<init>|[a-z][\w\$]*(?:\$\d+)?))(?:(?:\()|$)` */
static bool java_short(const char *s, const char **from, size_t *len)
{
	size_t p = 0;
	while (is_lower((unsigned char)s[p])) {
		size_t j = p + 1;
		while (is_word((unsigned char)s[j]))
			j++;
		if (s[j] != '.')
			break;
		p = j + 1;
	}
	if (!is_upper((unsigned char)s[p]))
		return false;
	size_t j = p + 1;
	while (is_word((unsigned char)s[j]) || s[j] == '$')
		j++;
	if (s[j] != '.')
		return false;
	j++;
	if (strncmp(s + j, "<init>", 6) == 0) {
		j += 6;
	} else if (is_lower((unsigned char)s[j])) {
		/* [\w$]* already takes any "$123" suffix */
		while (is_word((unsigned char)s[++j]) || s[j] == '$')
			;
	} else {
		return false;
	}
	if (s[j] != '(' && s[j] != '\0')
		return false;
	*from = s + p;
	*len = j - p;
	return true;
}

/* cppRegExp `^(?:[_a-zA-Z]\w*::)+(_*[A-Z]\w*::~?[_a-zA-Z]\w*(?:<.*>)?)`:
 * the group is tried after the most "ns::" prefixes first. */
static bool cpp_group(const char *s, size_t q, size_t *end)
{
	while (s[q] == '_')
		q++;
	if (!is_upper((unsigned char)s[q]))
		return false;
	while (is_word((unsigned char)s[++q]))
		;
	if (s[q] != ':' || s[q + 1] != ':')
		return false;
	q += 2;
	if (s[q] == '~')
		q++;
	if (!is_alpha_((unsigned char)s[q]))
		return false;
	while (is_word((unsigned char)s[++q]))
		;
	*end = q;
	if (s[q] == '<') {
		size_t stop = q + 1 + strcspn(s + q + 1, "\n");
		for (size_t r = stop; r > q + 1; r--)
			if (s[r - 1] == '>') {
				*end = r;
				break;
			}
	}
	return true;
}

static bool cpp_short(const char *s, const char **from, size_t *len)
{
	size_t *ends = malloc((strlen(s) / 3 + 1) * sizeof *ends), n = 0, pos = 0;
	if (!ends)
		return false;
	while (is_alpha_((unsigned char)s[pos])) {
		size_t j = pos + 1;
		while (is_word((unsigned char)s[j]))
			j++;
		if (s[j] != ':' || s[j + 1] != ':')
			break;
		pos = j + 2;
		ends[n++] = pos;
	}
	bool found = false;
	for (size_t k = n; k-- > 0 && !found;) {
		size_t end;
		if ((found = cpp_group(s, ends[k], &end))) {
			*from = s + ends[k];
			*len = end - ends[k];
		}
	}
	free(ends);
	return found;
}

void dot_shorten_function_name(const char *name, char *out)
{
	static const char anon[] = "(anonymous namespace)::";
	if (strncmp(name, anon, sizeof anon - 1) == 0)
		name += sizeof anon - 1;
	size_t vlen = 0;
	ptrdiff_t at = go_version_at(name, &vlen);
	if (at >= 0) {
		memcpy(out, name, (size_t)at);
		strcpy(out + at, name + at + vlen);
	} else {
		strcpy(out, name);
	}
	bool (*const forms[])(const char *, const char **, size_t *) = {go_short, java_short,
	                                                                  cpp_short};
	for (size_t i = 0; i < 3; i++) {
		const char *from;
		size_t len;
		if (forms[i](out, &from, &len)) {
			memmove(out, from, len);
			out[len] = '\0';
			return;
		}
	}
}

void dot_color(double score, bool background, char out[8])
{
	/* Constants as in dotColor; 0.3 is Go's exact constant 1.0 - shift. */
	double saturation = background ? 0.1 : 1.0;
	double value = background ? 0.93 : 0.7;
	if (isnan(score))
		score = 0;
	score = fmax(-1.0, fmin(1.0, score));
	if (fabs(score) < 0.2)
		saturation *= fabs(score) / 0.2;
	if (score > 0.0)
		score = pow(score, 0.3);
	if (score < 0.0)
		score = -pow(-score, 0.3);
	double r, g, b;
	if (score < 0.0) {
		g = value;
		r = value * (1 + saturation * score);
	} else {
		r = value;
		g = value * (1 - saturation * score);
	}
	b = value * (1 - saturation);
	snprintf(out, 8, "#%02x%02x%02x", (unsigned)(uint8_t)(r * 255.0),
	         (unsigned)(uint8_t)(g * 255.0), (unsigned)(uint8_t)(b * 255.0));
}

/* Text inside a DOT double-quoted escString: pprof's escapeForDot ('\\'
 * and '"' escaped, '\n' as a left-justified break).  Unlike pprof it also
 * keeps the file valid for Graphviz and SVG (see esc_dot).  multiline:
 * pprof's node-label form, breaking at "::" and '.' but keeping "[...]"
 * (as "[…]"). */
static void put_text_n(FILE *out, const char *str, size_t len, bool multiline)
{
	const char *s = str, *end = str + len;
	while (multiline && s < end) {
		const char *run = s;
		while (s < end && *s != '.' && !(*s == ':' && end - s >= 2 && s[1] == ':') &&
		       !(*s == '[' && end - s >= 5 && memcmp(s, "[...]", 5) == 0))
			s++;
		esc_dot(out, run, (size_t)(s - run), false);
		if (s == end)
			return;
		fputs(*s == '[' ? "[\xe2\x80\xa6]" : "\\n", out);
		s += *s == '[' ? 5 : *s == ':' ? 2 : 1;
	}
	esc_dot(out, s, (size_t)(end - s), false);
}

static void put_text(FILE *out, const char *s, bool multiline)
{
	put_text_n(out, s, strlen(s), multiline);
}

/* The graph's name, which Graphviz shows verbatim (it is no escString):
 * pprof writes it raw, so do we, except that a backslash run before a '"'
 * or at the end grows so the quote is escaped or the string closes (the
 * DOT lexer pairs backslashes).  Other bytes as put_text. */
static void put_graph_name(FILE *out, const char *str)
{
	for (const char *s = str; *s;) {
		size_t k = strspn(s, "\\");
		if (k == 0 && *s != '"') {
			size_t n = strcspn(s, "\\\"");
			put_text_n(out, s, n, false);   /* no '\\' or '"' in it */
			s += n;
			continue;
		}
		fwrite(s, 1, k, out);
		s += k;
		if (*s == '"') {
			fputs(k % 2 ? "\\\\\"" : "\\\"", out);
			s++;
		} else if (*s == '\0' && k % 2) {
			fputc('\\', out);
		}
	}
}

/* Go's filepath.Base, escaped. */
static void put_base(FILE *out, const char *p, bool brackets)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && p[b - 1] != '/')
		b--;
	if (brackets)
		fputc('[', out);
	if (n == 0)
		fputc('.', out);
	else if (b == n)   /* only slashes */
		fputc('/', out);
	else
		put_text_n(out, p + b, n - b, false);
	if (brackets)
		fputc(']', out);
}

/* multilinePrintableName: NameComponents with the short function name and
 * base file name, each component on its own line. */
static void put_node_name(FILE *out, const hs_node_info *ni)
{
	if (ni->address)
		fprintf(out, "%016" PRIx64 "\\n", ni->address);
	if (ni->func[0]) {
		char *s = malloc(strlen(ni->func) + 1);
		if (s) {
			dot_shorten_function_name(ni->func, s);
			put_text(out, s, true);
			fputs("\\n", out);
			free(s);
		}
	}
	if (ni->lineno) {
		if (ni->file[0])   /* pprof leaves "" alone, so ":42" */
			put_base(out, ni->file, false);
		fprintf(out, ":%" PRId64 "\\n", ni->lineno);
	} else if (ni->file[0]) {
		put_base(out, ni->file, false);
		fputs("\\n", out);
	} else if (ni->func[0]) {
		/* the function name was all */
	} else if (ni->objfile[0]) {
		put_base(out, ni->objfile, true);
		fputs("\\n", out);
	} else {
		fputs("<unknown>\\n", out);
	}
}

static int64_t abs64(int64_t x) { return x < 0 ? (int64_t)(0 - (uint64_t)x) : x; }

/* Percentage as pprof prints it in labels: measurement.Percentage trimmed. */
static void put_value_pct(FILE *out, const report_fmt *f, int64_t v, char *val, size_t n)
{
	char pct[32];
	report_fmt_value(f, v, val, n);
	hs_percentage(v, f->r->total, pct, sizeof pct);
	const char *p = pct;
	while (*p == ' ')
		p++;
	fprintf(out, "%s (%s)", val, p);
}

static double score_of(int64_t v, int64_t total)
{
	return total ? (double)v / (double)abs64(total) : (v > 0 ? 1 : v < 0 ? -1 : 0);
}

static void dot_begin(FILE *out, const graph_layout *l)
{
	fputs("digraph \"", out);
	put_graph_name(out, l->title[0] ? l->title : "unnamed");
	fputs("\" {\nnode [style=filled fillcolor=\"#f8f8f8\"]\n", out);
	if (l->nlabels == 0)
		return;
	fputs("subgraph cluster_L { \"", out);
	put_text(out, l->labels[0], false);
	fputs("\" [shape=box fontsize=16 label=\"", out);
	for (int i = 0; i < l->nlabels; i++) {
		put_text(out, l->labels[i], false);
		fputs("\\l", out);
	}
	fputc('"', out);
	if (l->title[0]) {
		fputs(" tooltip=\"", out);
		put_graph_name(out, l->title);   /* raw, as pprof writes it */
		fputc('"', out);
	}
	fputs("] }\n", out);
}

/* Tag nodelets: dotgraph.go's addNodelets, numericNodelets and
 * collapsedTags, with graph.go's SortTags order. */
enum { MAX_NODELETS = 4 };   /* dotgraph.go's maxNodelets */

/* SortTags: by |cum| (unless flat), then |flat|, then name (ctx: a bool,
 * flat). */
static int cmp_tags(const void *pa, const void *pb, void *ctx)
{
	bool flat = *(const bool *)ctx;
	const hs_tag *a = *(const hs_tag *const *)pa, *b = *(const hs_tag *const *)pb;
	int64_t x = abs64(a->cum), y = abs64(b->cum);
	if (!flat && x != y)
		return x > y ? -1 : 1;
	x = abs64(a->flat);
	y = abs64(b->flat);
	if (x != y)
		return x > y ? -1 : 1;
	return strcmp(a->name, b->name);
}

static void sort_tags(const hs_tag **t, size_t n, bool flat)
{
	hs_sort(t, n, sizeof *t, cmp_tags, &flat);
}

/* Go's int64(float64) for the values at hand (NaN or out of range: the
 * amd64 result, INT64_MIN). */
static int64_t to_int64(double x)
{
	if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)x;
}

static double scale_to(const hs_tag *t, const char *unit)
{
	char u[16];
	return hs_scale(t->value, t->unit, unit, u);
}

/* tagDistance: how far u's value is from t's, in t's unit. */
static double tag_distance(const hs_tag *t, const hs_tag *u)
{
	return fabs(scale_to(u, t->unit) - (double)t->value);
}

typedef struct tag_group {
	hs_tag t;                 /* name points into label */
	char label[96];
} tag_group;

/* tagGroupLabel: "min..max" over the group's values (auto-scaled each),
 * flat and cum summed; a group of one is its value's label. */
static void group_label(const hs_tag *const *ts, size_t n, const uint8_t *of, size_t g,
                        tag_group *out)
{
	const hs_tag *min = ts[g], *max = ts[g];
	int64_t flat = min->flat, cum = min->cum;
	size_t members = 1;
	for (size_t k = MAX_NODELETS; k < n; k++) {
		if (of[k] != g)
			continue;
		const hs_tag *t = ts[k];
		if (to_int64(scale_to(t, min->unit)) < min->value)
			min = t;
		if (to_int64(scale_to(t, max->unit)) > max->value)
			max = t;
		flat = hs_add(flat, t->flat);
		cum = hs_add(cum, t->cum);
		members++;
	}
	char lo[40], hi[40];
	hs_scaled_label(min->value, min->unit, "auto", lo, sizeof lo);
	hs_scaled_label(max->value, max->unit, "auto", hi, sizeof hi);
	if (members == 1)
		snprintf(out->label, sizeof out->label, "%s", lo);
	else
		snprintf(out->label, sizeof out->label, "%s..%s", lo, hi);
	out->t = (hs_tag){.name = out->label, .flat = flat, .cum = cum};
}

/* collapsedTags: more than MAX_NODELETS values fall into the groups of
 * the heaviest MAX_NODELETS, each value into the nearest (first on ties). */
static size_t collapse_tags(const hs_tag **ts, size_t n, bool flat, tag_group *groups)
{
	sort_tags(ts, n, flat);
	if (n <= MAX_NODELETS)
		return n;
	uint8_t *of = malloc(n);
	if (!of)
		return 0;
	for (size_t k = MAX_NODELETS; k < n; k++) {
		double d = tag_distance(ts[k], ts[0]);
		of[k] = 0;
		for (uint8_t g = 1; g < MAX_NODELETS; g++) {
			double nd = tag_distance(ts[k], ts[g]);
			if (nd < d) {
				of[k] = g;
				d = nd;
			}
		}
	}
	for (size_t g = 0; g < MAX_NODELETS; g++)
		group_label(ts, n, of, g, &groups[g]);
	free(of);
	for (size_t g = 0; g < MAX_NODELETS; g++)
		ts[g] = &groups[g].t;
	sort_tags(ts, MAX_NODELETS, flat);
	return MAX_NODELETS;
}

/* One box3d nodelet and its edge from `source`: "N1_0" under "N1" for a
 * label tag, "NN1_0" (numeric, under N1) or "NN1_0_0" (under N1_0). */
static void put_nodelet(FILE *out, const report_fmt *f, const char *source, const char *id,
                        const char *name, int64_t w, const char *attr)
{
	char weight[64];
	report_fmt_value(f, w, weight, sizeof weight);
	fprintf(out, "%s [label = \"", id);
	put_graph_name(out, name);   /* pprof writes tag names raw */
	fprintf(out, "\" id=\"%s\" fontsize=8 shape=box3d tooltip=\"%s\"]\n", id, weight);
	fprintf(out, "%s -> %s [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"%s]\n",
	        source, id, weight, weight, weight, attr);
}

/* numericNodelets: the numeric tags of one label tag (labels) of a node. */
static bool numeric_nodelets(FILE *out, const report_fmt *f, const hs_tag *tags, size_t n,
                             const char *labels, bool flat, const char *source)
{
	const hs_tag **ts = malloc((n + 1) * sizeof *ts);
	tag_group groups[MAX_NODELETS];
	size_t k = 0;
	bool any = false;
	for (size_t i = 0; ts && i < n; i++)
		if (tags[i].labels && strcmp(tags[i].labels, labels) == 0)
			ts[k++] = &tags[i];
	k = ts ? collapse_tags(ts, k, flat, groups) : 0;
	for (size_t j = 0; j < k; j++) {
		const hs_tag *t = ts[j];
		bool use_flat = flat || t->flat == t->cum;
		int64_t w = use_flat ? t->flat : t->cum;
		if (w == 0)
			continue;
		char id[48];
		snprintf(id, sizeof id, "N%s_%zu", source, j);
		put_nodelet(out, f, source, id, t->name, w, use_flat ? "" : " style=\"dotted\"");
		any = true;
	}
	free(ts);
	return any;
}

/* addNodelets: a node's heaviest label tags, each with its numeric tags,
 * then the numeric tags of samples without labels.  Internal nodes show
 * flat weights, leaves cum. */
static bool dot_nodelets(FILE *out, const graph_layout *l, size_t i, uint32_t node)
{
	size_t n;
	const hs_tag *tags = hs_report_tags(l->f->r, node, &n);
	if (n == 0)
		return false;
	bool flat = (l->node_flags[i + 1] & GRAPH_HAS_OUT) != 0, any = false;
	const hs_tag **ts = malloc(n * sizeof *ts);
	size_t k = 0;
	for (size_t j = 0; ts && j < n; j++)
		if (!tags[j].labels)
			ts[k++] = &tags[j];
	sort_tags(ts, k, flat);
	char source[32], id[32];
	for (size_t j = 0; j < k && j < MAX_NODELETS; j++) {
		int64_t w = flat ? ts[j]->flat : ts[j]->cum;
		if (w == 0)
			continue;
		snprintf(source, sizeof source, "N%zu", i + 1);
		snprintf(id, sizeof id, "N%zu_%zu", i + 1, j);
		put_nodelet(out, l->f, source, id, ts[j]->name, w, "");
		numeric_nodelets(out, l->f, tags, n, ts[j]->name, flat, id);
		any = true;
	}
	free(ts);
	snprintf(source, sizeof source, "N%zu", i + 1);
	return numeric_nodelets(out, l->f, tags, n, "", flat, source) || any;
}

static void dot_node(FILE *out, const graph_layout *l, size_t i)
{
	const report_fmt *f = l->f;
	uint32_t id = l->nodes[i];
	const hs_node_info *ni = hs_view_node(f->v, id);
	int64_t flat = f->r->g.flat[id], cum = f->r->g.cum[id];
	char flatv[64], cumv[64];
	fprintf(out, "N%zu [label=\"", i + 1);
	put_node_name(out, ni);
	if (flat != 0) {
		put_value_pct(out, f, flat, flatv, sizeof flatv);
	} else {
		report_fmt_value(f, flat, flatv, sizeof flatv);
		fputc('0', out);
	}
	/* The tooltip shows cum, which is the flat text when they agree. */
	snprintf(cumv, sizeof cumv, "%s", flatv);
	if (cum != flat) {
		fputs(flat != 0 ? "\\nof " : " of ", out);
		put_value_pct(out, f, cum, cumv, sizeof cumv);
	}
	/* Font 8..24 by sqrt of the share of the largest flat value. */
	int font = 8;
	if (l->max_flat != 0 && flat != 0 && abs64(flat) <= l->max_flat)
		font += (int)ceil(16.0 * sqrt((double)abs64(flat) / (double)l->max_flat));
	char fg[8], bg[8];
	double score = score_of(cum, f->r->total);
	dot_color(score, false, fg);
	dot_color(score, true, bg);
	fprintf(out, "\" id=\"node%zu\" fontsize=%d shape=box tooltip=\"", i + 1, font);
	put_text(out, ni->name, false);
	fprintf(out, " (%s)\" color=\"%s\" fillcolor=\"%s\"]\n", cumv, fg, bg);
	if (dot_nodelets(out, l, i, id))
		l->node_flags[i + 1] |= GRAPH_NODELETS;
}

/* 1 + min(|w * scale / total|, scale), with Go's wrapping int64 product. */
static int64_t edge_scale(int64_t w, int64_t total, int64_t scale)
{
	int64_t q = (int64_t)((uint64_t)w * (uint64_t)scale);
	q = abs64(q / total);
	return 1 + (q < scale ? q : scale);
}

static void dot_edge(FILE *out, const graph_layout *l, const hs_edge *e)
{
	const report_fmt *f = l->f;
	const hs_vec *nodes = &f->v->nodes;
	int64_t total = f->r->total;
	char w[64];
	report_fmt_value(f, e->weight, w, sizeof w);
	fprintf(out, "N%" PRIu32 " -> N%" PRIu32 " [label=\" %s%s\"", l->draw_id[e->from],
	        l->draw_id[e->to], w, e->inlined ? "\\n (inline)" : "");
	if (total != 0) {
		int64_t weight = edge_scale(e->weight, total, 100);
		int64_t width = edge_scale(e->weight, total, 5);
		if (weight > 1)
			fprintf(out, " weight=%" PRId64, weight);
		if (width > 1)
			fprintf(out, " penwidth=%" PRId64, width);
		char c[8];
		dot_color(score_of(e->weight, total), false, c);
		fprintf(out, " color=\"%s\"", c);
	}
	/* Same text twice: tooltip and labeltooltip. */
	for (int k = 0; k < 2; k++) {
		fputs(k ? " labeltooltip=\"" : " tooltip=\"", out);
		put_text(out, HS_VEC_AT(nodes, hs_node_info, e->from).name, false);
		fputs(e->residual ? " ... " : " -> ", out);
		put_text(out, HS_VEC_AT(nodes, hs_node_info, e->to).name, false);
		fprintf(out, " (%s)\"", w);
	}
	if (e->residual)
		fputs(" style=\"dotted\"", out);
	if (l->node_flags[l->draw_id[e->from]] & GRAPH_NODELETS)
		fputs(" minlen=2", out);
	fputs("]\n", out);
}

static void dot_end(FILE *out, const graph_layout *l)
{
	(void)l;
	fputs("}\n", out);
}

const graph_ops graph_dot_ops = {"dot", dot_begin, dot_node, dot_edge, dot_end, NULL};

static const graph_ops *const graph_formats[] = {&graph_dot_ops};

const graph_ops *graph_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof graph_formats / sizeof graph_formats[0]; i++)
		if (strcmp(graph_formats[i]->name, name) == 0)
			return graph_formats[i];
	return NULL;
}

/* pprof's edgeList order: heavier first, then source and destination
 * printable names; node ids settle what Go's unstable sort leaves open
 * (ctx: the view's nodes, an hs_vec of hs_node_info). */
static int cmp_edges(const void *pa, const void *pb, void *ctx)
{
	const hs_edge *a = *(const hs_edge *const *)pa, *b = *(const hs_edge *const *)pb;
	int64_t x = abs64(a->weight), y = abs64(b->weight);
	if (x != y)
		return x > y ? -1 : 1;
	const hs_vec *n = ctx;
	int c = strcmp(HS_VEC_AT(n, hs_node_info, a->from).name,
	               HS_VEC_AT(n, hs_node_info, b->from).name);
	if (c == 0)
		c = strcmp(HS_VEC_AT(n, hs_node_info, a->to).name,
		           HS_VEC_AT(n, hs_node_info, b->to).name);
	if (c == 0 && a->from != b->from)
		c = a->from < b->from ? -1 : 1;
	if (c == 0 && a->to != b->to)
		c = a->to < b->to ? -1 : 1;
	return c;
}

hs_err graph_write(FILE *out, const report_fmt *f, const graph_ops *ops, hs_error *err)
{
	const hs_report *r = f->r;
	const hs_graph *g = &r->g;
	size_t nn = f->v->nodes.len;
	char(*labels)[320] = malloc(GRAPH_MAX_LABELS * sizeof *labels);
	uint32_t *draw_id = calloc(nn + 1, sizeof *draw_id);
	const hs_edge **edges = malloc((g->edges.len + 1) * sizeof *edges);
	uint8_t *flags = calloc(g->npresent + 1, 1);
	if (!labels || !draw_id || !edges || !flags) {
		free(labels);
		free(draw_id);
		free(edges);
		free(flags);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	graph_layout l = {.f = f, .title = "", .labels = labels, .nodes = g->present,
	                  .nnodes = g->npresent, .draw_id = draw_id, .edges = edges,
	                  .node_flags = flags, .ctx = ops->ctx};
	/* pprof titles the graph after the main binary (mapping 0). */
	if (f->p->mappings.len > 0) {
		const char *file = hs_s(f->p, hs_mapping_at(f->p, 0)->file);
		const char *b = strrchr(file, '/');
		l.title = b && b[1] ? b + 1 : file;
	}
	l.nlabels = report_labels(f, labels, GRAPH_MAX_LABELS, true);
	for (size_t i = 0; i < g->npresent; i++) {
		draw_id[g->present[i]] = (uint32_t)(i + 1);
		int64_t a = abs64(g->flat[g->present[i]]);
		if (i == 0 || a > l.max_flat)
			l.max_flat = a;
	}
	/* pprof keeps the edges of a node it drops for having no value, and
	 * then writes "N0"; such edges are skipped here. */
	const hs_edge *e = g->edges.data;
	for (size_t i = 0; i < g->edges.len; i++) {
		if (!e[i].removed)
			flags[draw_id[e[i].from]] |= GRAPH_HAS_OUT;
		if (!e[i].removed && draw_id[e[i].from] && draw_id[e[i].to])
			edges[l.nedges++] = &e[i];
	}
	hs_sort(edges, l.nedges, sizeof *edges, cmp_edges, &f->v->nodes);

	ops->begin(out, &l);
	for (size_t i = 0; i < l.nnodes; i++)
		ops->node(out, &l, i);
	for (size_t i = 0; i < l.nedges; i++)
		ops->edge(out, &l, edges[i]);
	ops->end(out, &l);
	free(labels);
	free(draw_id);
	free(edges);
	free(flags);
	return HS_OK;
}
