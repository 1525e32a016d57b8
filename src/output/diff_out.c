/* Text and JSON reports of `heapscope diff`; see diff_out.h. */
#include <stdlib.h>
#include <string.h>

#include "../core/sort.h"
#include "diff_out.h"
#include "dot.h"
#include "formats.h"
#include "heapscope/units.h"
#include "json.h"

/* Largest value first, then pprof's order (ctx: the value per node id,
 * flat or cum). */
static int cmp_growth(const void *pa, const void *pb, void *ctx)
{
	const int64_t *key = ctx;
	const uint32_t *a = pa, *b = pb;   /* {node id, position in pprof's order} */
	int64_t x = key[a[0]], y = key[b[0]];
	if (x != y)
		return x > y ? -1 : 1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

uint32_t *diff_rows(const diff_fmt *d)
{
	const hs_graph *g = &d->f.r->g;
	uint32_t *pairs = malloc((g->npresent + 1) * 2 * sizeof *pairs);
	uint32_t *rows = malloc((g->npresent + 1) * sizeof *rows);
	if (!pairs || !rows) {
		free(pairs);
		free(rows);
		return NULL;
	}
	for (size_t i = 0; i < g->npresent; i++) {
		pairs[2 * i] = g->present[i];
		pairs[2 * i + 1] = (uint32_t)i;
	}
	hs_sort(pairs, g->npresent, 2 * sizeof *pairs, cmp_growth, d->cum ? g->cum : g->flat);
	for (size_t i = 0; i < g->npresent; i++)
		rows[i] = pairs[2 * i];
	free(pairs);
	return rows;
}

/* snprintf(buf, n, "%s%s", sign, s) (a row's every cell: not through printf). */
static void join_sign(char *buf, size_t n, const char *sign, const char *s)
{
	size_t a = strlen(sign), b = strlen(s);
	if (!n)
		return;
	if (a > n - 1)
		a = n - 1;
	memcpy(buf, sign, a);
	if (b > n - 1 - a)
		b = n - 1 - a;
	memcpy(buf + a, s, b);
	buf[a + b] = '\0';
}

/* printf's "%*s": s right-aligned in `width` bytes, never cut. */
static char *pad_left(char *at, const char *s, size_t width)
{
	size_t n = strlen(s);
	for (; width > n; width--)
		*at++ = ' ';
	memcpy(at, s, n);
	return at + n;
}

/* A value with its sign: "+4MB", "-500kB", "0". */
static void signed_value(const report_fmt *f, int64_t v, char *buf, size_t n)
{
	char t[56];
	report_fmt_value(f, v, t, sizeof t);
	join_sign(buf, n, v > 0 ? "+" : "", t);
}

/* pprof's flat% (a share of the report total), signed like the value. */
static void signed_pct(int64_t v, int64_t total, char *buf, size_t n)
{
	char t[24];
	hs_percentage(v, total, t, sizeof t);
	const char *p = t;
	while (*p == ' ')
		p++;
	bool zero = strcmp(p, "0%") == 0;
	join_sign(buf, n, zero || v == 0 ? "" : v > 0 ? "+" : "-", p);
}

static int header(const diff_fmt *d, char lines[][320], int max)
{
	const report_fmt *f = &d->f;
	char tmp[24][320];
	int n = report_labels(f, tmp, 24, false), w = 0;
	int64_t b = d->sums->total[HS_DIFF_BASE], nw = d->sums->total[HS_DIFF_NEW];
	int64_t growth = (int64_t)((uint64_t)nw - (uint64_t)b);
	char bv[64], nv[64], gv[64], rel[48] = "";
	report_fmt_value(f, b, bv, sizeof bv);
	report_fmt_value(f, nw, nv, sizeof nv);
	signed_value(f, growth, gv, sizeof gv);
	if (b != 0)
		snprintf(rel, sizeof rel, " (%+.2f%% of base)", (double)growth / (double)b * 100);
	bool done = false;
	for (int i = 0; i < n && w < max; i++) {
		if (!done && (strncmp(tmp[i], "Active filters:", 15) == 0 ||
		              strncmp(tmp[i], "Showing nodes accounting", 24) == 0)) {
			done = true;
			if (w + 3 < max) {
				snprintf(lines[w++], 320, "Base: %.200s, %s", d->base_file, bv);
				snprintf(lines[w++], 320, "New:  %.200s, %s%s", d->new_file, nv,
				         d->normalized ? " (normalized to base)" : "");
				snprintf(lines[w++], 320, "Growth: %s%s", gv, rel);
			}
		}
		memcpy(lines[w++], tmp[i], 320);
	}
	return w;
}

bool diff_print_text(FILE *out, const diff_fmt *d)
{
	const report_fmt *f = &d->f;
	const hs_report *r = f->r;
	uint32_t *rows = diff_rows(d);
	if (!rows)
		return false;
	char lines[28][320];
	int n = header(d, lines, 28);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s\n", lines[i]);
	if (d->cum)
		fprintf(out, "%10s %10s %10s %8s\n", "cum base", "cum new", "cum delta", "delta%");
	else
		fprintf(out, "%10s %10s %10s %8s\n", "base", "new", "delta", "delta%");
	int64_t *const *side = d->cum ? d->sums->cum : d->sums->flat;
	for (size_t i = 0; i < r->g.npresent; i++) {
		uint32_t id = rows[i];
		const hs_node_info *ni = hs_view_node(f->v, id);
		int64_t delta = d->cum ? r->g.cum[id] : r->g.flat[id];
		char bv[64], nv[64], dv[64], pct[32];
		report_fmt_value(f, side[HS_DIFF_BASE][id], bv, sizeof bv);
		report_fmt_value(f, side[HS_DIFF_NEW][id], nv, sizeof nv);
		signed_value(f, delta, dv, sizeof dv);
		signed_pct(delta, r->total, pct, sizeof pct);
		const char *inl = hs_report_inline_label(r, id);
		/* "%10s %10s %10s %8s  %s%s%s\n", without printf */
		char line[4 * 64 + 8], *at = line;
		at = pad_left(at, bv, 10);
		*at++ = ' ';
		at = pad_left(at, nv, 10);
		*at++ = ' ';
		at = pad_left(at, dv, 10);
		*at++ = ' ';
		at = pad_left(at, pct, 8);
		*at++ = ' ';
		*at++ = ' ';
		fwrite(line, 1, (size_t)(at - line), out);
		fputs(ni->name, out);
		if (*inl) {
			putc(' ', out);
			fputs(inl, out);
		}
		putc('\n', out);
	}
	free(rows);
	return true;
}

bool diff_print_json(FILE *out, const diff_fmt *d)
{
	const report_fmt *f = &d->f;
	const hs_report *r = f->r;
	const hs_diff_sums *s = d->sums;
	uint32_t *rows = diff_rows(d);
	if (!rows)
		return false;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	report_json_header(&w, f);
	json_key(&w, "base_file");
	json_string(&w, d->base_file);
	json_key(&w, "new_file");
	json_string(&w, d->new_file);
	json_key(&w, "normalized");
	json_bool(&w, d->normalized);
	json_key(&w, "diff_base");
	json_bool(&w, d->diff_base);
	json_key(&w, "base_total");
	json_int(&w, s->total[HS_DIFF_BASE]);
	json_key(&w, "new_total");
	json_int(&w, s->total[HS_DIFF_NEW]);
	json_key(&w, "growth");
	json_int(&w, (int64_t)((uint64_t)s->total[HS_DIFF_NEW] - (uint64_t)s->total[HS_DIFF_BASE]));
	json_key(&w, "rows");
	json_begin_array(&w);
	for (size_t i = 0; i < r->g.npresent; i++) {
		uint32_t id = rows[i];
		json_begin_object(&w);
		report_json_row(&w, f, id);
		json_key(&w, "base");
		json_int(&w, s->flat[HS_DIFF_BASE][id]);
		json_key(&w, "new");
		json_int(&w, s->flat[HS_DIFF_NEW][id]);
		json_key(&w, "delta");
		json_int(&w, r->g.flat[id]);
		json_key(&w, "base_cum");
		json_int(&w, s->cum[HS_DIFF_BASE][id]);
		json_key(&w, "new_cum");
		json_int(&w, s->cum[HS_DIFF_NEW][id]);
		report_json_inline(&w, r, id);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
	free(rows);
	return true;
}

static bool write_dot(FILE *out, const diff_fmt *d)
{
	const graph_ops *ops = graph_format_find("dot");
	hs_error e;
	hs_error_clear(&e);
	return ops && graph_write(out, &d->f, ops, &e) == HS_OK;
}

static bool write_folded(FILE *out, const diff_fmt *d)
{
	return diff_print_folded(out, d->f.v, d->sums);
}

static const diff_format diff_formats[] = {
	{"text", true, false, diff_print_text},
	{"json", true, false, diff_print_json},
	{"dot", true, true, write_dot},
	{"folded", false, false, write_folded},
};

OUT_FORMAT_EXPORTS(diff_format, diff, diff_formats);
