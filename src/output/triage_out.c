/* heapscope triage: the text and json reports (triage_out.h).  Text leads
 * with the verdict and the ranked findings, so the first screen says what
 * is wrong and where; the tables follow. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "heapscope/units.h"

#include "culprit_out.h"
#include "escape.h"
#include "inputs_out.h"
#include "json.h"
#include "leaks_out.h"
#include "pprof_text.h"
#include "triage_out.h"
#include "wait_hint.h"

enum { TOP_ROWS = 10, JSON_ROWS = 50, OVERVIEW_FROM = 3 };

static const char *bytes(int64_t v, bool sign, char *buf, size_t n)
{
	return out_label(v, "bytes", "minimum", sign, buf, n);
}

static const char *input_file(const triage_report *r, size_t i)
{
	return hs_triage_input_at(r->t, i)->file;
}

const char *triage_time(int64_t ns, hs_time_from from, char *buf, size_t n)
{
	if (from >= HS_TIME_MTIME) {
		snprintf(buf, n, "%s", from == HS_TIME_MTIME ? "(file mtime)" : "-");
		return buf;
	}
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
	return buf;
}

static const char *const gc_issue_names[] = {
	"gctrace: live heap grows", "gctrace: GC thrash", "gctrace: long pause",
};

const char *triage_finding_kind(const triage_report *r, const hs_finding *f)
{
	(void)r;
	switch (f->source) {
	case HS_FIND_LEAK:
		return hs_leak_kind_name(f->leak->kind);
	case HS_FIND_LOCK:
		return "lock contention";
	default:
		return gc_issue_names[f->gc];
	}
}

const char *triage_finding_culprit(const triage_report *r, const hs_finding *f)
{
	switch (f->source) {
	case HS_FIND_LEAK:
		return out_leak_culprit(f->leak);
	case HS_FIND_LOCK:
		return triage_lock_culprit(r, hs_triage_lock_at(r->t, f->index));
	default:
		return input_file(r, hs_triage_run_at(r->t, f->index)->input);
	}
}

static void leak_numbers(const hs_leak *k, char *buf, size_t n)
{
	char a[32], b[32], c[32];
	switch (k->kind) {
	case HS_LEAK_HEAP_GROWTH:
		snprintf(buf, n, "in-use %s -> %s over %zu heap profiles, %s/min", bytes(k->first, false, a, 32),
		         bytes(k->last, false, b, 32), k->npoints, bytes(llround(k->slope_per_min), true, c, 32));
		return;
	case HS_LEAK_RETAINER:
		snprintf(buf, n, "retains %s -> %s (%.1f%% -> %.1f%% of the reachable heap) over %zu dumps",
		         bytes(k->first, false, a, 32), bytes(k->last, false, b, 32), k->share_first,
		         k->share_last, k->npoints);
		return;
	case HS_LEAK_RETENTION:
		snprintf(buf, n, "retains %s, %.1f%% of the reachable %s, in %s",
		         bytes((int64_t)k->retention->retained, false, a, 32), k->retention->share,
		         bytes((int64_t)k->retention->reachable, false, b, 32), k->retention->file);
		return;
	default:
		break;
	}
	size_t o = (size_t)snprintf(buf, n, "%" PRId64 " goroutine%s", k->goroutines,
	                            k->goroutines == 1 ? "" : "s");
	if (k->wait != HS_WAIT_NONE && o < n)
		o += (size_t)snprintf(buf + o, n - o, " in %s", hs_wait_kind_name(k->wait));
	if (*k->created_by && o < n)
		o += (size_t)snprintf(buf + o, n - o, ", created by %s", k->created_by);
	if (k->wait_max && o < n)
		o += (size_t)snprintf(buf + o, n - o, ", waiting up to %" PRId64 " min", k->wait_max);
	if (k->grows && k->npoints && o < n)
		snprintf(buf + o, n - o, ", grows %" PRId64 " -> %" PRId64 " over %zu snapshots",
		         k->points[0].value, k->points[k->npoints - 1].value, k->npoints);
}

void triage_finding_numbers(const triage_report *r, const hs_finding *f, char *buf, size_t n)
{
	char a[32], b[32], c[32];
	if (f->source == HS_FIND_LEAK) {
		leak_numbers(f->leak, buf, n);
		return;
	}
	if (f->source == HS_FIND_LOCK) {
		triage_lock_numbers(hs_triage_lock_at(r->t, f->index), buf, n);
		return;
	}
	const hs_triage_run *run = hs_triage_run_at(r->t, f->index);
	const hs_gc_run *g = &run->r;
	if (f->gc == HS_GCI_LEAK)
		snprintf(buf, n, "run %zu: live heap %s -> %s over %zu GCs (%.1fs), %s/min", run->run + 1,
		         bytes(g->live_first, false, a, 32), bytes(g->live_last, false, b, 32), g->n,
		         g->end_s - g->start_s, bytes(llround(g->slope_per_min), true, c, 32));
	else if (f->gc == HS_GCI_THRASH)
		snprintf(buf, n, "run %zu: GC took %d%% of all CPU by its last GC", run->run + 1,
		         g->cpu_percent);
	else
		snprintf(buf, n, "run %zu: stop-the-world pause of %.1f ms (gc %" PRIu64 ")", run->run + 1,
		         g->stw_max_ms, g->stw_max_gc);
}

/* ---- text ----------------------------------------------------------------- */

static void counts(const hs_triage *t, size_t c[3])
{
	c[0] = c[1] = c[2] = 0;
	for (size_t i = 0; i < hs_triage_nfindings(t); i++)
		c[hs_triage_finding(t, i)->severity]++;
}

/* The healthy verdict's numbers: what was looked at and found steady. */
static void text_healthy(FILE *out, const triage_report *r)
{
	hs_leak_summary s;
	hs_leaks_summary(hs_triage_leaks(r->t), &s);
	char a[32], b[32];
	if (s.goroutine_snapshots) {
		fprintf(out, "   goroutines %" PRId64 " -> %" PRId64 " over %zu snapshot%s", s.goroutines_first,
		        s.goroutines_last, s.goroutine_snapshots, s.goroutine_snapshots == 1 ? "" : "s");
		if (s.biggest_group) {
			fprintf(out, ", biggest group %" PRId64 " (", s.biggest_group);
			esc_term(out, s.biggest_culprit ? s.biggest_culprit : "-");
			fputc(')', out);
		}
		fputc('\n', out);
	}
	if (s.heap_snapshots)
		fprintf(out, "   heap in use %s -> %s over %zu heap profiles\n", bytes(s.heap_first, false, a, 32),
		        bytes(s.heap_last, false, b, 32), s.heap_snapshots);
	for (size_t i = 0; i < hs_triage_nruns(r->t); i++) {
		const hs_triage_run *run = hs_triage_run_at(r->t, i);
		fprintf(out, "   gctrace %s run %zu: live heap %s -> %s over %zu GCs, GC CPU %d%%, longest pause %.1f ms\n",
		        input_file(r, run->input), run->run + 1, bytes(run->r.live_first, false, a, 32),
		        bytes(run->r.live_last, false, b, 32), run->r.n, run->r.cpu_percent, run->r.stw_max_ms);
	}
}

static void text_evidence(FILE *out, const triage_report *r, const hs_finding *f)
{
	char a[32];
	if (f->source == HS_FIND_LOCK) {
		triage_lock_evidence_text(out, r, hs_triage_lock_at(r->t, f->index));
		return;
	}
	if (f->source == HS_FIND_GCTRACE) {
		fprintf(out, "   evidence: %s\n", input_file(r, hs_triage_run_at(r->t, f->index)->input));
		return;
	}
	const hs_leak *k = f->leak;
	bool b = k->kind == HS_LEAK_HEAP_GROWTH || k->kind == HS_LEAK_RETAINER ||
	         k->kind == HS_LEAK_RETENTION;
	for (size_t q = 0; q < k->npoints; q++) {
		fprintf(out, "   %s ", q ? "        " : "evidence:");
		esc_term(out, k->points[q].file);
		if (k->points[q].dump)
			fprintf(out, " (dump %" PRId64 ")", k->points[q].dump);
		fprintf(out, ": %s\n", b ? bytes(k->points[q].value, false, a, 32)
		        : (snprintf(a, 32, "%" PRId64, k->points[q].value), a));
	}
}

const char *triage_finding_hint(const hs_finding *f)
{
	if (f->source == HS_FIND_LOCK)
		return triage_lock_hint();
	if (f->source == HS_FIND_GCTRACE)
		return f->gc == HS_GCI_LEAK ? "the heap the GC finds alive keeps growing: something retains "
		                              "what it allocates (see the heap profiles' growth)"
		       : f->gc == HS_GCI_THRASH ? "the collector takes a large share of the CPU: allocation "
		                                  "rate or GOGC/GOMEMLIMIT too tight"
		       : "a stop-the-world phase that long stalls every goroutine";
	return out_leak_hint(f->leak);
}

/* "  (kind, confidence c)" and the line's end; the confidence is leaks'. */
static void finding_kind_text(FILE *out, const triage_report *r, const hs_finding *f)
{
	fprintf(out, "  (%s", triage_finding_kind(r, f));
	if (f->source == HS_FIND_LEAK)
		fprintf(out, ", confidence %s", hs_confidence_name(f->leak->confidence));
	fputs(")\n", out);
}

static void text_findings(FILE *out, const triage_report *r)
{
	const hs_triage *t = r->t;
	char line[700], chain[600];
	for (size_t i = 0; i < hs_triage_nfindings(t); i++) {
		const hs_finding *f = hs_triage_finding(t, i);
		fprintf(out, "\n%zu. %-6s ", i + 1, hs_severity_name(f->severity));
		esc_term(out, triage_finding_culprit(r, f));
		finding_kind_text(out, r, f);
		if (f->source == HS_FIND_LEAK && out_leak_sentence(line, sizeof line, f->leak)) {
			fputs("   ", out);
			esc_term(out, line);
			fputc('\n', out);
		}
		if (f->source == HS_FIND_LOCK) {
			triage_lock_mechanism(r, hs_triage_lock_at(t, f->index), line, sizeof line);
			fputs("   ", out);
			esc_term(out, line);
			fputc('\n', out);
		}
		triage_finding_numbers(r, f, line, sizeof line);
		fputs("   ", out);
		esc_term(out, line);
		fputc('\n', out);
		if (f->source == HS_FIND_LEAK && out_leak_library_heap(line, sizeof line, f->leak)) {
			fputs("   ", out);
			esc_term(out, line);
			fputc('\n', out);
		}
		if (f->source == HS_FIND_LEAK && out_leak_builds(line, sizeof line, f->leak)) {
			fputs("   ", out);
			esc_term(out, line);
			fputc('\n', out);
		}
		if (f->source == HS_FIND_LEAK && (out_retention_chain(chain, sizeof chain, f->leak) ||
		                                  out_chain_text(chain, sizeof chain, &f->leak->chain))) {
			fputs("   chain: ", out);
			esc_term(out, chain);
			fputc('\n', out);
		}
		text_evidence(out, r, f);
		fprintf(out, "   hint: %s\n", triage_finding_hint(f));
	}
}

/* More findings than the details of a screen hold: one line each first
 * (at most TOP_ROWS), so the first screen names them all or the worst. */
static void text_overview(FILE *out, const triage_report *r)
{
	size_t n = hs_triage_nfindings(r->t);
	if (n <= OVERVIEW_FROM)
		return;
	for (size_t i = 0; i < n && i < TOP_ROWS; i++) {
		const hs_finding *f = hs_triage_finding(r->t, i);
		fprintf(out, "  %-6s ", hs_severity_name(f->severity));
		esc_term(out, triage_finding_culprit(r, f));
		finding_kind_text(out, r, f);
	}
	if (n > TOP_ROWS)
		fprintf(out, "  ... and %zu more below\n", n - TOP_ROWS);
}

static void text_verdict(FILE *out, const triage_report *r)
{
	size_t c[3];
	counts(r->t, c);
	if (hs_triage_problem(r->t))
		fprintf(out, "PROBLEM: %zu finding%s (%zu high, %zu medium, %zu low)\n",
		        hs_triage_nfindings(r->t), hs_triage_nfindings(r->t) == 1 ? "" : "s", c[0], c[1], c[2]);
	else
		fprintf(out, "HEALTHY: no finding of medium severity or above (%zu low)\n", c[2]);
	if (!hs_triage_problem(r->t))
		text_healthy(out, r);
	text_overview(out, r);
	text_findings(out, r);
	if (r->read_failed)
		fputs("\n(some files could not be read: see the messages above)\n", out);
}

void triage_used_for(char *buf, size_t n, const hs_triage_input *in)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int b = 0; b < HS_USE_NBITS && o < n; b++)
		if (in->used & (1u << b))
			o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", hs_triage_use_name(b));
	if (!o)
		snprintf(buf, n, "not used");
}

/* The inventory's files, kinds and twins (inventory.h), with what triage
 * used each one for. */
static void text_inputs(FILE *out, const triage_report *r)
{
	const hs_triage *t = r->t;
	char tm[32], use[160];
	size_t n = hs_inventory_n(r->inv);
	fprintf(out, "\nInputs: %zu file%s\n  %-14s %-19s  %-40s %s\n", n, n == 1 ? "" : "s", "kind",
	        "time (UTC)", "used for", "file");
	for (size_t i = 0; i < n; i++) {
		const hs_input_entry *e = hs_inventory_at(r->inv, i);
		const hs_triage_input *in = hs_triage_input_at(t, i);
		triage_used_for(use, sizeof use, in);
		if (e->why == HS_WHY_UNREADABLE)
			snprintf(use, sizeof use, "could not be read");
		fprintf(out, "  %-14s %-19s  %-40s ", hs_input_kind_name(e->kind),
		        triage_time(e->time, e->time_from, tm, sizeof tm), use);
		esc_term(out, e->path);
		if (e->why == HS_WHY_TWIN) {
			fputs(" (twin of ", out);
			esc_term(out, hs_inventory_at(r->inv, e->other)->path);
			fputc(')', out);
		}
		fputc('\n', out);
	}
}

static void text_timeline(FILE *out, const triage_report *r)
{
	const hs_triage *t = r->t;
	char tm[32], a[32];
	if (hs_triage_npoints(t)) {
		fprintf(out, "\nTimeline: %zu snapshot%s\n  %-19s %12s %11s  %s\n", hs_triage_npoints(t),
		        hs_triage_npoints(t) == 1 ? "" : "s", "time (UTC)", "heap in use", "goroutines", "file");
		for (size_t i = 0; i < hs_triage_npoints(t); i++) {
			const hs_triage_point *p = hs_triage_point_at(t, i);
			fprintf(out, "  %-19s %12s ", triage_time(p->moment, hs_triage_input_at(t, p->input)->time_from, tm, sizeof tm),
			        p->heap_inuse >= 0 ? bytes(p->heap_inuse, false, a, 32) : "-");
			if (p->goroutines >= 0)
				fprintf(out, "%11" PRId64 "  ", p->goroutines);
			else
				fprintf(out, "%11s  ", "-");
			esc_term(out, input_file(r, p->input));
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < hs_triage_nruns(t); i++) {
		const hs_triage_run *run = hs_triage_run_at(t, i);
		int64_t v[64];
		size_t n = run->r.n < 64 ? run->r.n : 64, j0 = 0;
		while (j0 < hs_triage_ngcs(t) && (hs_triage_gc_at(t, j0)->input != run->input ||
		                                 hs_triage_gc_at(t, j0)->run != run->run))
			j0++;
		/* a sparkline of at most 64 GCs, evenly picked */
		for (size_t k = 0; k < n; k++)
			v[k] = hs_triage_gc_at(t, j0 + k * run->r.n / n)->live;
		char spark[64 * 3 + 1];
		hs_sparkline(v, n, spark, sizeof spark);
		fprintf(out, "\nGC live heap, %s run %zu: %zu GCs from %.3fs to %.3fs after start\n  %s -> %s (max %s) %s\n",
		        input_file(r, run->input), run->run + 1, run->r.n, run->r.start_s, run->r.end_s,
		        bytes(run->r.live_first, false, a, 32), bytes(run->r.live_last, false, tm, 32),
		        bytes(run->r.live_max, false, (char[32]){0}, 32), spark);
	}
}

static void text_growth(FILE *out, const triage_report *r)
{
	const hs_growth *g = hs_triage_growth(r->t);
	if (!g)
		return;
	size_t n = hs_growth_nrows(g), ns = hs_growth_nsnap(g);
	char a[32], b[32], c[32];
	fprintf(out, "\nGrowth of in-use bytes over %zu heap profiles (top %zu of %zu functions)\n"
	        "  %10s %10s %11s %13s  %s\n", ns, n < TOP_ROWS ? n : TOP_ROWS, n, "first", "last",
	        "growth", "per minute", "function");
	for (size_t i = 0; i < n && i < TOP_ROWS; i++) {
		const hs_growth_row *w = hs_growth_row_at(g, i);
		fprintf(out, "  %10s %10s %11s %13s  ", bytes(w->values[0], false, a, 32),
		        bytes(w->values[ns - 1], false, b, 32), bytes(w->growth, true, c, 32),
		        isfinite(w->slope_per_min) ? bytes(llround(w->slope_per_min), true, (char[32]){0}, 32) : "-");
		esc_term(out, w->name);
		fputs(w->candidate ? "  GROWING\n" : "\n", out);
	}
}

/* A group's count in its biggest snapshot. */
static int64_t group_max(const hs_goroutines *g, const hs_ggroup *gr)
{
	int64_t m = 0;
	for (int f = 0; f < hs_goroutines_nfiles(g); f++)
		if (gr->per_file[f] > m)
			m = gr->per_file[f];
	return m;
}

static void text_goroutines(FILE *out, const triage_report *r)
{
	const hs_goroutines *g = hs_triage_goroutines(r->t);
	if (!g)
		return;
	size_t n = hs_goroutines_ngroups(g);
	fprintf(out, "\nGoroutine groups by top frame (biggest %zu of %zu; count in the snapshot with most)\n"
	        "  %8s  %-22s %s\n", n < TOP_ROWS ? n : TOP_ROWS, n, "count", "state", "top frame");
	for (size_t i = 0; i < n && i < TOP_ROWS; i++) {
		const hs_ggroup *gr = &hs_goroutines_groups(g)[i];
		fprintf(out, "  %8" PRId64 "  %-22s ", group_max(g, gr), *gr->rep->state ? gr->rep->state : "-");
		esc_term(out, gr->rep->top ? gr->rep->top : "-");
		fputc('\n', out);
	}
}


static void text_blocking(FILE *out, const triage_report *r)
{
	const hs_blocking *b = hs_triage_blocking(r->t);
	if (!b)
		return;
	char d[32];
	for (int pass = 0; pass < 2; pass++) {
		size_t shown = 0;
		if (pass == 0)
			fprintf(out, "\nBlocking, waits on something (contention and waits that are not idle)\n"
			        "  %10s %11s %10s  %-10s %-8s %s\n", "delay", "contentions", "goroutines",
			        "wait", "side", "culprit");
		else
			fprintf(out, "\nBlocking, idle waits (normal in a long-lived service)\n"
			        "  %10s  %-10s %-16s %s\n", "goroutines", "wait", "idle", "culprit");
		for (size_t i = 0; i < hs_blocking_n(b) && shown < TOP_ROWS; i++) {
			const hs_hotspot *h = hs_blocking_at(b, i);
			if ((h->idle != HS_IDLE_NONE) != (pass == 1))
				continue;
			shown++;
			if (pass == 0)
				fprintf(out, "  %10s %11" PRId64 " %10" PRId64 "  %-10s %-8s ",
				        out_label(h->delay_ns, "nanoseconds", "minimum", false, d, 32), h->contentions,
				        h->goroutines, hs_wait_kind_name(h->kind), hs_lock_side_name(h->side));
			else
				fprintf(out, "  %10" PRId64 "  %-10s %-16s ", h->goroutines,
				        hs_wait_kind_name(h->kind), hs_idle_class_name(h->idle));
			esc_term(out, h->culprit);
			fputc('\n', out);
		}
		if (!shown)
			fputs("  none\n", out);
	}
}

static void text_heapdump(FILE *out, const triage_report *r)
{
	size_t n = hs_triage_nsuspects(r->t);
	char a[32];
	for (size_t i = 0; i < n; i++) {
		const hs_triage_suspect *s = hs_triage_suspect_at(r->t, i);
		if (i == 0)
			fputs("\nHeap dump suspects (retaining 10% or more of the reachable heap)\n", out);
		fprintf(out, "  %10s %5.1f%%  ", bytes((int64_t)s->retained, false, a, 32), s->share * 100);
		esc_term(out, s->holder);
		fputs(" -> ", out);
		esc_term(out, s->accum);
		if (*s->site) {
			fputs(" from ", out);
			esc_term(out, s->site);
		}
		fputs("  (", out);
		esc_term(out, input_file(r, s->input));
		fputs(")\n", out);
	}
}

static void write_text(FILE *out, const triage_report *r)
{
	text_verdict(out, r);
	text_inputs(out, r);
	text_timeline(out, r);
	text_growth(out, r);
	text_goroutines(out, r);
	text_blocking(out, r);
	text_heapdump(out, r);
}

/* ---- json ----------------------------------------------------------------- */

static void json_leak(json_w *w, const hs_leak *k)
{
	bool group = hs_leak_kind_is_group(k->kind) || k->kind == HS_LEAK_CREATED_BY;
	out_chain_json(w, &k->chain);
	json_kv_int(w, "weight", k->weight);
	if (group) {
		json_kv_string(w, "wait", hs_wait_kind_name(k->wait));
		json_kv_string(w, "state", k->state);
		json_kv_string(w, "created_by", k->created_by);
		json_kv_int(w, "goroutines", k->goroutines);
		json_kv_int(w, "wait_minutes_max", k->wait_max);
		json_key(w, "grows");
		json_bool(w, k->grows);
		out_leak_library_heap_json(w, k);
		out_leak_builds_json(w, k);
	} else {
		json_kv_int(w, "first", k->first);
		json_kv_int(w, "last", k->last);
		json_key(w, "slope_per_min");
		json_double(w, k->slope_per_min);
	}
	json_key(w, "evidence");
	json_begin_array(w);
	for (size_t q = 0; q < k->npoints; q++) {
		json_begin_object(w);
		json_kv_string(w, "file", k->points[q].file);
		json_kv_int(w, "dump", k->points[q].dump);
		json_kv_int(w, "value", k->points[q].value);
		if (!group)
			json_kv_int(w, "total", k->points[q].total);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_gc_run(json_w *w, const triage_report *r, const hs_triage_run *run)
{
	const hs_gc_run *g = &run->r;
	json_kv_string(w, "file", input_file(r, run->input));
	json_kv_int(w, "run", (int64_t)run->run + 1);
	json_kv_int(w, "gcs", (int64_t)g->n);
	json_kv_int(w, "live_first", g->live_first);
	json_kv_int(w, "live_last", g->live_last);
	json_kv_int(w, "live_max", g->live_max);
	json_key(w, "slope_per_min");
	json_double(w, g->slope_per_min);
	json_kv_int(w, "cpu_percent", g->cpu_percent);
	json_key(w, "stw_max_ms");
	json_double(w, g->stw_max_ms);
}

static void json_suspect(json_w *w, const triage_report *r, const hs_triage_suspect *s)
{
	json_kv_string(w, "file", input_file(r, s->input));
	json_kv_string(w, "root", s->holder);
	json_kv_string(w, "accumulation_point", s->accum);
	json_kv_string(w, "site", s->site);
	json_kv_int(w, "retained", (int64_t)s->retained);
	json_kv_int(w, "reachable", (int64_t)s->reachable);
	json_key(w, "share");
	json_double(w, s->share);
}

static const char *const source_names[] = {"leaks", "gctrace", "locks"};

static void json_findings(json_w *w, const triage_report *r)
{
	char line[700];
	json_key(w, "findings");
	json_begin_array(w);
	for (size_t i = 0; i < hs_triage_nfindings(r->t); i++) {
		const hs_finding *f = hs_triage_finding(r->t, i);
		json_begin_object(w);
		json_kv_string(w, "severity", hs_severity_name(f->severity));
		json_kv_string(w, "source", source_names[f->source]);
		json_kv_string(w, "kind", triage_finding_kind(r, f));
		json_kv_string(w, "culprit", triage_finding_culprit(r, f));
		triage_finding_numbers(r, f, line, sizeof line);
		json_kv_string(w, "summary", line);
		if (f->source == HS_FIND_LEAK) {
			json_kv_string(w, "confidence", hs_confidence_name(f->leak->confidence));
			json_kv_string(w, "mechanism", hs_mechanism_name(f->leak->mechanism));
			json_kv_string(w, "mechanism_text",
			               out_leak_sentence(line, sizeof line, f->leak) ? line : "");
			json_leak(w, f->leak);
			out_retention_named_json(w, f->leak);
		} else if (f->source == HS_FIND_LOCK) {
			const hs_triage_lock *l = hs_triage_lock_at(r->t, f->index);
			json_kv_string(w, "mechanism", "lock contention");
			triage_lock_mechanism(r, l, line, sizeof line);
			json_kv_string(w, "mechanism_text", line);
			triage_lock_json(w, r, l);
		} else {
			json_gc_run(w, r, hs_triage_run_at(r->t, f->index));
		}
		json_kv_string(w, "hint", triage_finding_hint(f));
		json_end_object(w);
	}
	json_end_array(w);
}

/* "inputs" as every command writes it (inputs_out.h), and "used_for":
 * per path, the parts of the report each file fed. */
static void json_inputs(json_w *w, const triage_report *r)
{
	out_inputs_json(w, r->inv, "triage");
	json_key(w, "used_for");
	json_begin_object(w);
	for (size_t i = 0; i < hs_triage_ninputs(r->t); i++) {
		const hs_triage_input *in = hs_triage_input_at(r->t, i);
		json_key(w, hs_inventory_at(r->inv, i)->path);
		json_begin_array(w);
		for (int b = 0; b < HS_USE_NBITS; b++)
			if (in->used & (1u << b))
				json_string(w, hs_triage_use_name(b));
		json_end_array(w);
	}
	json_end_object(w);
}

static void json_timeline(json_w *w, const triage_report *r)
{
	json_key(w, "timeline");
	json_begin_array(w);
	for (size_t i = 0; i < hs_triage_npoints(r->t); i++) {
		const hs_triage_point *p = hs_triage_point_at(r->t, i);
		json_begin_object(w);
		json_kv_string(w, "source", "snapshot");
		json_kv_string(w, "file", input_file(r, p->input));
		json_key(w, "time_ns");
		if (hs_triage_input_at(r->t, p->input)->time_from < HS_TIME_MTIME)
			json_int(w, p->moment);
		else
			json_null(w);
		if (p->heap_inuse >= 0)
			json_kv_int(w, "heap_inuse_bytes", p->heap_inuse);
		if (p->goroutines >= 0)
			json_kv_int(w, "goroutines", p->goroutines);
		json_end_object(w);
	}
	for (size_t i = 0; i < hs_triage_ngcs(r->t); i++) {
		const hs_triage_gc *g = hs_triage_gc_at(r->t, i);
		json_begin_object(w);
		json_kv_string(w, "source", "gctrace");
		json_kv_string(w, "file", input_file(r, g->input));
		json_kv_int(w, "run", (int64_t)g->run + 1);
		json_key(w, "at_s");
		json_double(w, g->at_s);
		json_kv_int(w, "live_bytes", g->live);
		json_end_object(w);
	}
	json_end_array(w);
	json_key(w, "gctrace");
	json_begin_array(w);
	for (size_t i = 0; i < hs_triage_nruns(r->t); i++) {
		json_begin_object(w);
		json_gc_run(w, r, hs_triage_run_at(r->t, i));
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_growth(json_w *w, const triage_report *r)
{
	const hs_growth *g = hs_triage_growth(r->t);
	json_key(w, "growth");
	json_begin_array(w);
	for (size_t i = 0; g && i < hs_growth_nrows(g) && i < JSON_ROWS; i++) {
		const hs_growth_row *row = hs_growth_row_at(g, i);
		json_begin_object(w);
		json_kv_string(w, "name", row->name);
		json_key(w, "values");
		json_begin_array(w);
		for (size_t k = 0; k < hs_growth_nsnap(g); k++)
			json_int(w, row->values[k]);
		json_end_array(w);
		json_kv_int(w, "growth", row->growth);
		json_key(w, "slope_per_min");
		json_double(w, row->slope_per_min);
		json_key(w, "candidate");
		json_bool(w, row->candidate);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_goroutines(json_w *w, const triage_report *r)
{
	const hs_goroutines *g = hs_triage_goroutines(r->t);
	json_key(w, "goroutines");
	json_begin_array(w);
	for (size_t i = 0; g && i < hs_goroutines_ngroups(g) && i < JSON_ROWS; i++) {
		const hs_ggroup *gr = &hs_goroutines_groups(g)[i];
		json_begin_object(w);
		json_kv_int(w, "count", group_max(g, gr));
		json_kv_string(w, "state", gr->rep->state ? gr->rep->state : "");
		json_kv_string(w, "top", gr->rep->top ? gr->rep->top : "");
		json_kv_string(w, "created_by", gr->rep->created_by ? gr->rep->created_by : "");
		json_key(w, "stack");
		json_begin_array(w);
		for (uint32_t k = 0; k < gr->rep->nframes; k++)
			json_string(w, gr->rep->frames[k].func);
		json_end_array(w);
		json_end_object(w);
	}
	json_end_array(w);
}

static void json_blocking(json_w *w, const triage_report *r)
{
	const hs_blocking *b = hs_triage_blocking(r->t);
	json_key(w, "blocking");
	json_begin_array(w);
	for (size_t i = 0; b && i < hs_blocking_n(b) && i < JSON_ROWS; i++) {
		const hs_hotspot *h = hs_blocking_at(b, i);
		json_begin_object(w);
		json_kv_string(w, "class", h->idle != HS_IDLE_NONE ? "idle" : "contention");
		json_kv_string(w, "idle", hs_idle_class_name(h->idle));
		json_kv_string(w, "culprit", h->culprit);
		out_chain_json(w, &h->chain);
		json_kv_string(w, "wait", hs_wait_kind_name(h->kind));
		json_kv_string(w, "side", hs_lock_side_name(h->side));
		json_kv_int(w, "goroutines", h->goroutines);
		json_kv_int(w, "contentions", h->contentions);
		json_kv_int(w, "delay_ns", h->delay_ns);
		json_end_object(w);
	}
	json_end_array(w);
}

static void write_json(FILE *out, const triage_report *r)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_kv_string(&w, "verdict", hs_triage_problem(r->t) ? "problem" : "healthy");
	json_findings(&w, r);
	json_inputs(&w, r);
	json_timeline(&w, r);
	json_growth(&w, r);
	json_goroutines(&w, r);
	json_blocking(&w, r);
	json_key(&w, "heapdump");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_triage_nsuspects(r->t); i++) {
		json_begin_object(&w);
		json_suspect(&w, r, hs_triage_suspect_at(r->t, i));
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

static const triage_format formats[] = {
	{"text", write_text},
	{"json", write_json},
	{"html", triage_write_html},
};
OUT_FORMAT_EXPORTS(triage_format, triage, formats);
