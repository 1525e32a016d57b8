/* Writers of the `heapscope trace` summary (src/output/trace_out.c):
 * goroutines per creation site, their waits, GC and heap, as text or
 * JSON. */
#include <stdlib.h>
#include <string.h>

#include "heapscope/units.h"

#include "formats.h"
#include "json.h"
#include "trace_out.h"

static const char *ns_label(int64_t ns, char *buf, size_t n)
{
	hs_scaled_label(ns, "nanoseconds", "minimum", buf, n);
	return buf;
}

static const char *bytes_label(uint64_t b, char *buf, size_t n)
{
	hs_scaled_label((int64_t)b, "bytes", "minimum", buf, n);
	return buf;
}

static int64_t site_blocked(const hs_tsite *s)
{
	int64_t b = s->syscall;
	for (int w = 0; w < HS_TWAIT_COUNT; w++)
		b += s->blocked[w];
	return b;
}

/* The two biggest wait reasons of a site, "select 2.5s, chan send 1s". */
static void top_waits(const hs_tsite *s, char *buf, size_t n)
{
	int64_t v[HS_TWAIT_COUNT + 1];
	for (int w = 0; w < HS_TWAIT_COUNT; w++)
		v[w] = s->blocked[w];
	v[HS_TWAIT_COUNT] = s->syscall;
	buf[0] = 0;
	for (int k = 0; k < 2; k++) {
		int best = -1;
		for (int w = 0; w <= HS_TWAIT_COUNT; w++)
			if (v[w] > 0 && (best < 0 || v[w] > v[best]))
				best = w;
		if (best < 0)
			break;
		char t[32];
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s %s", k ? ", " : "",
		         best == HS_TWAIT_COUNT ? "syscall" : hs_twait_name((hs_twait)best),
		         ns_label(v[best], t, sizeof t));
		v[best] = 0;
	}
	if (!buf[0])
		snprintf(buf, n, "-");
}

static void site_name(const hs_profile *p, const hs_tsite *s, char *buf, size_t n)
{
	char a[256], b[256];
	if (!s->user_loc && !s->start_loc) {
		snprintf(buf, n, "(created before the trace or unknown)");
		return;
	}
	if (s->at_start)
		snprintf(buf, n, "go %s  (running when the trace started)",
		         s->start_loc ? hs_trace_loc_name(p, s->start_loc, b, sizeof b) : "?");
	else
		snprintf(buf, n, "go %s  at %s",
		         s->start_loc ? hs_trace_loc_name(p, s->start_loc, b, sizeof b) : "?",
		         hs_trace_loc_name(p, s->user_loc, a, sizeof a));
}

static void write_text(FILE *out, const char *file, const hs_trace_info *info,
                       const hs_trace_summary *s)
{
	char t1[32], t2[32], t3[32], t4[32], t5[32];
	fprintf(out, "trace %s: go 1.%d format, %s, %llu events%s\n", file, info->go_version - 1000,
	        ns_label(info->duration_ns, t1, sizeof t1), (unsigned long long)info->events,
	        info->truncated ? " (truncated)" : "");
	fprintf(out, "goroutines: %llu created, %llu ended, %llu alive at the end",
	        (unsigned long long)s->created, (unsigned long long)s->ended,
	        (unsigned long long)hs_trace_summary_alive(s));
	if (s->at_start)
		fprintf(out, " (%llu of them running when the trace started)",
		        (unsigned long long)s->at_start);
	if (s->existing)
		fprintf(out, " (+%llu seen without a creation event)", (unsigned long long)s->existing);
	fprintf(out, "; peak creation %llu/s\n", (unsigned long long)s->peak_per_sec);
	fprintf(out, "GC: %llu cycles; heap: peak %s, last %s\n", (unsigned long long)s->gc_count,
	        bytes_label(s->heap_peak, t1, sizeof t1), bytes_label(s->heap_last, t2, sizeof t2));

	/* the reasons column as wide as its widest entry */
	int ww = 10;
	for (size_t i = 0; i < s->sites.len; i++) {
		char waits[128];
		top_waits(&HS_VEC_AT(&s->sites, hs_tsite, i), waits, sizeof waits);
		if ((int)strlen(waits) > ww)
			ww = (int)strlen(waits);
	}
	fprintf(out, "\n%8s %8s %8s %7s %9s %9s %9s  %-*s  %s\n", "CREATED", "ENDED", "ALIVE",
	        "PEAK/S", "RUNNING", "RUNNABLE", "BLOCKED", ww, "BLOCKED ON", "SITE");
	for (size_t i = 0; i < s->sites.len; i++) {
		const hs_tsite *st = &HS_VEC_AT(&s->sites, hs_tsite, i);
		char waits[128], name[600];
		top_waits(st, waits, sizeof waits);
		site_name(s->stacks, st, name, sizeof name);
		fprintf(out, "%8llu %8llu %8llu %7llu %9s %9s %9s  %-*s  %s\n",
		        (unsigned long long)st->created, (unsigned long long)st->ended,
		        (unsigned long long)hs_tsite_alive(st),
		        (unsigned long long)st->peak_per_sec, ns_label(st->running, t3, sizeof t3),
		        ns_label(st->runnable, t4, sizeof t4), ns_label(site_blocked(st), t5, sizeof t5),
		        ww, waits, name);
	}
	if (s->ntop) {
		fprintf(out, "\nlongest blocked goroutines:\n");
		for (size_t i = 0; i < s->ntop; i++) {
			const hs_tblocked *b = &s->top[i];
			char at[300], name[600];
			site_name(s->stacks, &HS_VEC_AT(&s->sites, hs_tsite, b->site), name, sizeof name);
			fprintf(out, "  g%-8llu %9s on %-14s%s at %s\n            %s\n",
			        (unsigned long long)b->g, ns_label(b->dur, t1, sizeof t1),
			        b->syscall ? "syscall" : hs_twait_name(b->wait),
			        b->until_end ? " (until the end)" : "",
			        hs_trace_loc_name(s->stacks, hs_trace_user_loc(s->stacks, b->stack), at,
			                          sizeof at),
			        name);
		}
	}
	if (s->heap.len) {
		fprintf(out, "\nheap over time (peak per %s):\n", ns_label(s->heap_width, t1, sizeof t1));
		for (size_t i = 0; i < s->heap.len; i++) {
			const hs_theap *h = &HS_VEC_AT(&s->heap, hs_theap, i);
			fprintf(out, "  %9s %9s%s%s\n", ns_label(h->ts, t1, sizeof t1),
			        bytes_label(h->alloc, t2, sizeof t2), h->goal ? "  goal " : "",
			        h->goal ? bytes_label(h->goal, t3, sizeof t3) : "");
		}
	}
}

static void json_loc(json_w *w, const char *key, const hs_profile *p, uint32_t loc)
{
	char buf[600];
	json_key(w, key);
	if (loc)
		json_string(w, hs_trace_loc_name(p, loc, buf, sizeof buf));
	else
		json_null(w);
}

static void write_json(FILE *out, const char *file, const hs_trace_info *info,
                       const hs_trace_summary *s)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_kv_string(&w, "file", file);
	json_kv_int(&w, "go_version", info->go_version);
	json_kv_int(&w, "duration_ns", info->duration_ns);
	json_kv_int(&w, "events", (int64_t)info->events);
	json_key(&w, "truncated");
	json_bool(&w, info->truncated);
	json_kv_int(&w, "goroutines_created", (int64_t)s->created);
	json_kv_int(&w, "goroutines_ended", (int64_t)s->ended);
	json_kv_int(&w, "goroutines_alive", (int64_t)hs_trace_summary_alive(s));
	json_kv_int(&w, "goroutines_at_trace_start", (int64_t)s->at_start);
	json_kv_int(&w, "goroutines_without_creation", (int64_t)s->existing);
	json_kv_int(&w, "peak_creations_per_sec", (int64_t)s->peak_per_sec);
	json_kv_int(&w, "gc_cycles", (int64_t)s->gc_count);
	json_kv_int(&w, "heap_peak_bytes", (int64_t)s->heap_peak);
	json_key(&w, "sites");
	json_begin_array(&w);
	for (size_t i = 0; i < s->sites.len; i++) {
		const hs_tsite *st = &HS_VEC_AT(&s->sites, hs_tsite, i);
		json_begin_object(&w);
		json_loc(&w, "go_statement", s->stacks, st->user_loc);
		json_loc(&w, "function", s->stacks, st->start_loc);
		json_key(&w, "at_trace_start");
		json_bool(&w, st->at_start);
		json_kv_int(&w, "created", (int64_t)st->created);
		json_kv_int(&w, "ended", (int64_t)st->ended);
		json_kv_int(&w, "alive", (int64_t)hs_tsite_alive(st));
		json_kv_int(&w, "blocked_at_end", (int64_t)st->blocked_at_end);
		json_kv_int(&w, "peak_creations_per_sec", (int64_t)st->peak_per_sec);
		json_kv_int(&w, "running_ns", st->running);
		json_kv_int(&w, "runnable_ns", st->runnable);
		json_kv_int(&w, "syscall_ns", st->syscall);
		json_key(&w, "blocked_ns");
		json_begin_object(&w);
		for (int k = 0; k < HS_TWAIT_COUNT; k++)
			if (st->blocked[k])
				json_kv_int(&w, hs_twait_name((hs_twait)k), st->blocked[k]);
		json_end_object(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_key(&w, "longest_blocked");
	json_begin_array(&w);
	for (size_t i = 0; i < s->ntop; i++) {
		const hs_tblocked *b = &s->top[i];
		json_begin_object(&w);
		json_kv_int(&w, "goroutine", (int64_t)b->g);
		json_kv_int(&w, "site", (int64_t)b->site);
		json_kv_string(&w, "on", b->syscall ? "syscall" : hs_twait_name(b->wait));
		json_kv_int(&w, "since_ns", b->since);
		json_kv_int(&w, "duration_ns", b->dur);
		json_key(&w, "until_end");
		json_bool(&w, b->until_end);
		json_loc(&w, "at", s->stacks, hs_trace_user_loc(s->stacks, b->stack));
		json_end_object(&w);
	}
	json_end_array(&w);
	json_key(&w, "heap");
	json_begin_array(&w);
	for (size_t i = 0; i < s->heap.len; i++) {
		const hs_theap *h = &HS_VEC_AT(&s->heap, hs_theap, i);
		json_begin_object(&w);
		json_kv_int(&w, "ts_ns", h->ts);
		json_kv_int(&w, "alloc_bytes", (int64_t)h->alloc);
		json_kv_int(&w, "goal_bytes", (int64_t)h->goal);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

static const trace_format formats[] = {{"text", write_text}, {"json", write_json}};

OUT_FORMAT_EXPORTS(trace_format, trace, formats);
