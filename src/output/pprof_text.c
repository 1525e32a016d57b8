/* Text report in go tool pprof -top's layout. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heapscope/units.h"
#include "json.h"
#include "formats.h"
#include "pprof_text.h"

static inline int64_t abs64(int64_t x) { return hs_abs(x); }

void report_fmt_init(report_fmt *f, const hs_profile *p, const hs_view *v, const hs_report *r,
                     const char *requested)
{
	memset(f, 0, sizeof *f);
	f->p = p;
	f->v = v;
	f->r = r;
	const hs_value_type *vt = hs_sample_type(p, v->sample_index);
	f->sample_type = hs_s(p, vt->type);
	f->sample_unit = hs_s(p, vt->unit);
	snprintf(f->out_unit, sizeof f->out_unit, "%s", requested ? requested : "minimum");
	if (strcmp(f->out_unit, "minimum") != 0 || r->g.npresent == 0)
		return;
	/* selectOutputUnit: one unit for the whole report, from the smallest
	 * non-zero node value, unless that is 100x below the total. */
	int64_t minv = 0, maxv = r->total;
	for (size_t i = 0; i < r->g.npresent; i++) {
		uint32_t n = r->g.present[i];
		int64_t m = abs64(r->g.flat[n]);
		if (m == 0)
			m = abs64(r->g.cum[n]);
		if (m > 0 && (minv == 0 || m < minv))
			minv = m;
	}
	if (minv == 0)
		minv = maxv;
	char minu[16], maxu[16], unit[16];
	hs_scale(minv, f->sample_unit, "minimum", minu);
	hs_scale(maxv, f->sample_unit, "minimum", maxu);
	snprintf(unit, sizeof unit, "%s", minu);
	/* Go multiplies with wraparound; so do we, without C's overflow UB. */
	int64_t min100 = (int64_t)((uint64_t)minv * 100u);
	if (strcmp(minu, maxu) != 0 && min100 < maxv)
		hs_scale(min100, f->sample_unit, "minimum", unit);
	snprintf(f->out_unit, sizeof f->out_unit, "%s", unit[0] ? unit : f->sample_unit);
}

void report_fmt_value(const report_fmt *f, int64_t v, char *buf, size_t n)
{
	hs_scaled_label(v, f->sample_unit, f->out_unit, buf, n);
}

void format_go_time(int64_t nanos, char *buf, size_t n)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(nanos / 1000000000);
	if (nanos < 0 && nanos % 1000000000)
		t--;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	char zone[16];
	strftime(zone, sizeof zone, "%Z", &tm);
	int h = tm.tm_hour % 12;
	snprintf(buf, n, "%s %d, %d at %d:%02d%s (%s)", mon[tm.tm_mon], tm.tm_mday,
	         tm.tm_year + 1900, h ? h : 12, tm.tm_min, tm.tm_hour < 12 ? "am" : "pm", zone);
}

/* ProfileLabels: File, Build ID, comments, Type, Time, Duration. */
static int profile_labels(const report_fmt *f, char lines[][320], int max)
{
	const hs_profile *p = f->p;
	int n = 0;
	if (p->mappings.len > 0) {
		const hs_mapping *m = hs_mapping_at(p, 0);
		const char *file = hs_s(p, m->file);
		if (*file && n < max) {
			const char *b = strrchr(file, '/');
			snprintf(lines[n++], 320, "File: %s", b && b[1] ? b + 1 : file);
		}
		if (*hs_s(p, m->build_id) && n < max)
			snprintf(lines[n++], 320, "Build ID: %s", hs_s(p, m->build_id));
	}
	for (size_t i = 0; i < p->comments.len && n < max; i++) {
		const char *c = hs_s(p, HS_VEC_AT(&p->comments, hs_str, i));
		if (c[0] != '#')
			snprintf(lines[n++], 320, "%s", c);
	}
	if (*f->sample_type && n < max)
		snprintf(lines[n++], 320, "Type: %s", f->sample_type);
	if (p->time_nanos && n < max) {
		char t[80];
		format_go_time(p->time_nanos, t, sizeof t);
		snprintf(lines[n++], 320, "Time: %s", t);
	}
	if (p->duration_nanos && n < max) {
		char dur[64], tot[64], ratio[48] = "", u[16];
		hs_scaled_label(p->duration_nanos, "nanoseconds", "auto", dur, sizeof dur);
		double tn = hs_scale(f->r->total, f->sample_unit, "nanoseconds", u);
		if (strcmp(u, "ns") == 0 && tn != 0) {
			char pct[32];
			hs_percentage((int64_t)tn, p->duration_nanos, pct, sizeof pct);
			snprintf(ratio, sizeof ratio, "(%s)", pct);
		}
		report_fmt_value(f, f->r->total, tot, sizeof tot);
		snprintf(lines[n++], 320, "Duration: %s, Total samples = %s %s", dur, tot, ratio);
	}
	return n;
}

int report_labels(const report_fmt *f, char lines[][320], int max, bool full)
{
	const hs_report *r = f->r;
	int n = profile_labels(f, lines, max);
	int nf = 0;
	for (int i = 0; i < 4; i++)
		nf += f->filters[i] != NULL;
	if (nf && n < max)
		snprintf(lines[n++], 320, "Active filters:");
	for (int i = 0; i < 4 && n < max; i++)
		if (f->filters[i]) {
			size_t len = strlen(f->filters[i]);
			snprintf(lines[n++], 320, "   %.80s%s", f->filters[i], len > 80 ? "\xe2\x80\xa6" : "");
		}
	int64_t flat_sum = 0;
	for (size_t i = 0; i < r->g.npresent; i++)
		flat_sum = hs_add(flat_sum, r->g.flat[r->g.present[i]]);
	char a[64], b[64], pct[32];
	report_fmt_value(f, flat_sum, a, sizeof a);
	report_fmt_value(f, r->total, b, sizeof b);
	hs_percentage(flat_sum, r->total, pct, sizeof pct);
	const char *pp = pct;
	while (*pp == ' ')
		pp++;
	if (n < max)
		snprintf(lines[n++], 320, "Showing nodes accounting for %s, %s of %s total", a, pp, b);
	if (r->total != 0) {
		if (r->dropped_nodes > 0 && n < max) {
			report_fmt_value(f, abs64(r->node_cutoff_total), a, sizeof a);
			snprintf(lines[n++], 320, "Dropped %zu node%s (cum <= %s)", r->dropped_nodes,
			         r->dropped_nodes > 1 ? "s" : "", a);
		}
		if (full && r->dropped_edges > 0 && n < max) {
			report_fmt_value(f, abs64(r->edge_cutoff_total), a, sizeof a);
			snprintf(lines[n++], 320, "Dropped %zu edge%s (freq <= %s)", r->dropped_edges,
			         r->dropped_edges > 1 ? "s" : "", a);
		}
		if (r->g.npresent > 0 && r->g.npresent < r->orig_count && n < max)
			snprintf(lines[n++], 320, "Showing top %zu nodes out of %zu", r->g.npresent,
			         r->orig_count);
	}
	if (full && n < max)
		snprintf(lines[n++], 320, "\nSee https://git.io/JfYMW for how to read the graph");
	return n;
}

void print_top_text(FILE *out, const report_fmt *f)
{
	char lines[24][320];
	int n = report_labels(f, lines, 24, false);
	for (int i = 0; i < n; i++)
		fprintf(out, "%s\n", lines[i]);
	fprintf(out, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	const hs_report *r = f->r;
	int64_t sum = 0;
	for (size_t i = 0; i < r->g.npresent; i++) {
		uint32_t id = r->g.present[i];
		const hs_node_info *ni = hs_view_node(f->v, id);
		char fv[64], cv[64], fp[32], sp[32], cp[32];
		int64_t flat = r->g.flat[id], cum = r->g.cum[id];
		sum = hs_add(sum, flat);
		report_fmt_value(f, flat, fv, sizeof fv);
		report_fmt_value(f, cum, cv, sizeof cv);
		hs_percentage(flat, r->total, fp, sizeof fp);
		hs_percentage(sum, r->total, sp, sizeof sp);
		hs_percentage(cum, r->total, cp, sizeof cp);
		const char *inl = hs_report_inline_label(r, id);
		fprintf(out, "%10s %s %s %10s %s  %s%s%s\n", fv, fp, sp, cv, cp, ni->name,
		        *inl ? " " : "", inl);
	}
}

void report_json_header(json_w *w, const report_fmt *f)
{
	const hs_report *r = f->r;
	json_kv_string(w, "sample_type", f->sample_type);
	json_kv_string(w, "unit", f->sample_unit);
	json_kv_int(w, "total", r->total);
	json_kv_string(w, "granularity", hs_granularity_name(f->v->granularity));
	json_kv_int(w, "dropped_nodes", (int64_t)r->dropped_nodes);
	json_kv_int(w, "node_cutoff", r->node_cutoff_total);
}

const char *out_label(int64_t v, const char *from_unit, const char *to_unit, bool sign, char *buf,
                      size_t n)
{
	char tmp[64];
	hs_scaled_label(v, from_unit, to_unit, tmp, sizeof tmp);
	snprintf(buf, n, "%s%.60s", sign && v > 0 ? "+" : "", tmp);
	return buf;
}

const char *out_dur(int64_t ns, char *buf, size_t n)
{
	hs_scaled_label(ns, "nanoseconds", "auto", buf, n);
	return buf;
}

const char *out_plural(int64_t n)
{
	return n == 1 ? "" : "s";
}

void report_json_row(struct json_w *w, const report_fmt *f, uint32_t id)
{
	json_kv_string(w, "name", hs_view_node(f->v, id)->name);
	json_kv_int(w, "flat", f->r->g.flat[id]);
	json_kv_int(w, "cum", f->r->g.cum[id]);
}

void report_json_inline(struct json_w *w, const hs_report *r, uint32_t id)
{
	const char *inl = hs_report_inline_label(r, id);
	if (!*inl)
		return;
	json_key(w, "inline");
	json_string(w, strcmp(inl, "(inline)") == 0 ? "inline" : "partial-inline");
}

/* `top --format json`: the header fields and a row per node. */
static void top_json(FILE *out, const report_fmt *f)
{
	const hs_report *r = f->r;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	report_json_header(&w, f);
	json_key(&w, "rows");
	json_begin_array(&w);
	for (size_t i = 0; i < r->g.npresent; i++) {
		uint32_t id = r->g.present[i];
		json_begin_object(&w);
		report_json_row(&w, f, id);
		report_json_inline(&w, r, id);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

static const top_format top_formats[] = {{"text", print_top_text}, {"json", top_json}};

OUT_FORMAT_EXPORTS(top_format, top, top_formats);
