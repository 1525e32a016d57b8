/* heapscope trace: what an execution trace says about goroutines (the
 * summary), or one of go tool trace's blocking profiles (--profile
 * sync|net|syscall|sched) through the profile outputs.  The analyses are
 * src/core/trace_analysis.c; the loaders src/formats/trace_*.c. */
#include <stdlib.h>
#include <string.h>

#include "../output/json.h"
#include "../output/pprof_write.h"
#include "heapscope/load.h"
#include "heapscope/trace_analysis.h"
#include "heapscope/units.h"
#include "cmd.h"

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

/* Load `file` into the sink; prints the error.  The truncation notice
 * goes to stderr: the result is still complete for what was read. */
static bool load_trace(const char *file, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                       hs_trace_info *info)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	memset(info, 0, sizeof *info);
	hs_err rc = hs_input_open(&in, file, 0, &e);
	if (rc == HS_OK) {
		rc = hs_trace_load(&in, stacks, fn, ctx, info, &e);
		hs_input_release(&in);
	}
	if (rc != HS_OK) {
		cli_file_error(file, &e);
		return false;
	}
	if (info->truncated)
		cli_error("warning: '%s' is truncated: %s; the events before it were read", file,
		          info->truncated_why);
	if (info->note[0])
		cli_error("note: '%s': %s", file, info->note);
	return true;
}

/* ---- summary ----------------------------------------------------------------- */

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
	        (unsigned long long)(s->created - s->ended));
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
		        (unsigned long long)(st->created - st->ended),
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
	json_kv_int(&w, "goroutines_alive", (int64_t)(s->created - s->ended));
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
		json_kv_int(&w, "alive", (int64_t)(st->created - st->ended));
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

static int summary(const cli_opts *o)
{
	hs_profile stacks;
	hs_trace_summary s;
	hs_trace_info info;
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&stacks);
	int rc = HS_EXIT_USAGE;
	hs_trace_summary_init(&s, &stacks);
	if (load_trace(o->files[0], &stacks, hs_trace_summary_event, &s, &info)) {
		if (hs_trace_summary_finish(&s, info.duration_ns, &e) != HS_OK) {
			cli_file_error(o->files[0], &e);
		} else {
			FILE *out = cli_open_output(o);
			if (out) {
				if (strcmp(o->format, "json") == 0)
					write_json(out, o->files[0], &info, &s);
				else
					write_text(out, o->files[0], &info, &s);
				rc = cli_close_output(out, o) ? HS_EXIT_OK : HS_EXIT_USAGE;
			}
		}
	}
	hs_trace_summary_release(&s);
	hs_profile_release(&stacks);
	return rc;
}

/* ---- traces for blocking and leaks ------------------------------------------------ */

bool cli_is_trace(const char *file)
{
	if (strcmp(file, "-") == 0)
		return false;
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	if (hs_input_open(&in, file, 0, &e) != HS_OK)
		return false;   /* cli_load reports it */
	size_t n = hs_input_wait(&in, 16);
	bool yes = hs_trace_detect(in.data, n) != 0;
	hs_input_release(&in);
	return yes;
}

static bool load_end(hs_profile *p, const char *file)
{
	hs_trace_summary s;
	hs_trace_info info;
	hs_error e;
	hs_error_clear(&e);
	bool ok = false;
	hs_trace_summary_init(&s, p);
	if (load_trace(file, p, hs_trace_summary_event, &s, &info)) {
		if (hs_trace_summary_finish(&s, info.duration_ns, &e) != HS_OK ||
		    hs_trace_summary_goroutines(&s, &e) != HS_OK)
			cli_file_error(file, &e);
		else
			ok = true;
	}
	hs_trace_summary_release(&s);
	return ok;
}

static bool load_waits(hs_profile *p, const char *file, unsigned kinds)
{
	hs_tprof t;
	hs_trace_info info;
	hs_error e;
	hs_error_clear(&e);
	bool ok = false;
	hs_tprof_init_mask(&t, kinds);
	if (load_trace(file, p, hs_tprof_event, &t, &info)) {
		if (hs_tprof_finish(&t, p, &e) != HS_OK)
			cli_file_error(file, &e);
		else
			ok = true;
	}
	hs_tprof_release(&t);
	return ok;
}

bool cli_load_trace(hs_profile *p, const char *file, cli_trace_as as)
{
	if (as == CLI_TRACE_END)
		return load_end(p, file);
	return load_waits(p, file,
	                  1u << HS_TPROF_SYNC | 1u << HS_TPROF_NET | 1u << HS_TPROF_SYSCALL);
}

/* ---- profiles ------------------------------------------------------------------ */

/* The loader of the profile commands on a trace; ctx: the hs_tprof_kind. */
static bool load_profile(void *ctx, hs_profile *p, const char *file)
{
	const int *kind = ctx;
	return load_waits(p, file, 1u << *kind);
}

static int write_pprof(const cli_opts *o, int kind)
{
	hs_profile p;
	hs_profile_init(&p);
	int rc = HS_EXIT_USAGE;
	if (load_profile(&kind, &p, o->files[0])) {
		FILE *out = cli_open_output(o);
		if (out) {
			hs_error e;
			hs_error_clear(&e);
			if (pprof_write(out, &p, true, &e) != HS_OK)
				cli_file_error(o->output ? o->output : "-", &e);
			else
				rc = HS_EXIT_OK;
			if (!cli_close_output(out, o))
				rc = HS_EXIT_USAGE;
		}
	}
	hs_profile_release(&p);
	return rc;
}

typedef struct trace_opts {
	cli_opts c;
	int profile;               /* hs_tprof_kind; -1: the summary */
} trace_opts;

static void defaults(cli_opts *o)
{
	((trace_opts *)o)->profile = -1;
}

static int parse_profile(const hs_command *cmd, const cli_option *opt, const char *arg,
                         void *dest)
{
	(void)opt;
	int kind = hs_tprof_parse(arg);
	if (kind < 0) {
		cli_error("%s: --profile takes sync, net, syscall or sched, not '%s'", cmd->name, arg);
		return HS_EXIT_USAGE;
	}
	*(int *)dest = kind;
	return 0;
}

/* --profile with --format top (text), dot or folded: that command's
 * report of the trace's blocking profile. */
static int run_profile_command(const hs_command *cmd, const cli_opts *o, int kind)
{
	cli_loader load = {load_profile, &kind};
	cli_opts po = *o;
	po.load = &load;
	po.format = cmd->formats ? "text" : NULL;
	return cmd->run(cmd, &po);
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	const char *fmt = o.format;
	int profile_kind = ((const trace_opts *)op)->profile;
	if (o.nfiles != 1) {
		cli_error("trace: takes exactly one trace");
		return HS_EXIT_USAGE;
	}
	bool summary_fmt = strcmp(fmt, "text") == 0 || strcmp(fmt, "json") == 0;
	if (profile_kind < 0) {
		if (!summary_fmt) {
			cli_error("trace: --format %s needs --profile (sync, net, syscall or sched)", fmt);
			return HS_EXIT_USAGE;
		}
		return summary(&o);
	}
	if (strcmp(fmt, "pprof") == 0)
		return write_pprof(&o, profile_kind);
	if (strcmp(fmt, "json") == 0) {
		cli_error("trace: --profile writes folded, top, dot or pprof, not json");
		return HS_EXIT_USAGE;
	}
	const hs_command *c = strcmp(fmt, "dot") == 0      ? &cmd_dot
	                      : strcmp(fmt, "folded") == 0 ? &cmd_folded
	                                                   : &cmd_top;
	return run_profile_command(c, &o, profile_kind);
}

static const cli_option options[] = {
	CLI_OPTS_REPORT,
	CLI_OPT_CUM,
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	{"profile", 0, "sync|net|syscall|sched",
	 "a blocking profile as go tool trace -pprof=KIND (--format folded, top, dot or pprof; "
	 "default top)", offsetof(trace_opts, profile), parse_profile, false},
	CLI_OPT_END,
};

const hs_command cmd_trace = {
	CLI_COMMAND("trace", run, options, trace_opts, "text,json,folded,top,dot,pprof",
	            "[--profile sync|net|syscall|sched] FILE",
	            "Execution trace (Go 1.5-1.26): goroutines per creation site, waits, GC, heap; "
	            "--profile: go tool trace -pprof."),
	.defaults = defaults,
};
