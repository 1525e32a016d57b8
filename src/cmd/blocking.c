/* heapscope blocking: one ranking of where goroutines wait, from goroutine
 * dumps and profiles (waits going on) and block and mutex profiles (waits
 * that ended).  The core is src/core/blocking.c. */
#include <string.h>

#include "../output/json.h"
#include "heapscope/blocking.h"
#include "heapscope/units.h"
#include "cmd.h"

static void write_text(FILE *out, const void *data)
{
	const hs_blocking *b = data;
	size_t n = hs_blocking_n(b);
	fprintf(out, "%zu blocking hotspot%s, most goroutines first\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const hs_hotspot *h = hs_blocking_at(b, i);
		fprintf(out, "\n%zu. %s  [%s]  %lld goroutine%s", i + 1, h->culprit,
		        hs_wait_kind_name(h->kind), (long long)h->goroutines,
		        h->goroutines == 1 ? "" : "s");
		if (h->contentions || h->delay_ns) {
			char delay[64];
			hs_scaled_label(h->delay_ns, "nanoseconds", "auto", delay, sizeof delay);
			fprintf(out, ", %lld contention%s, %s delay", (long long)h->contentions,
			        h->contentions == 1 ? "" : "s", delay);
		}
		fprintf(out, "\n   %s at %s\n", hs_wait_kind_name(h->kind), h->culprit);
		for (size_t k = 0; k < h->evidence.len; k++)
			fprintf(out, "   - %s\n", HS_VEC_AT(&h->evidence, const char *, k));
		fprintf(out, "   hint: %s\n", hs_wait_kind_hint(h->kind));
	}
}

static void write_json(FILE *out, const void *data)
{
	const hs_blocking *b = data;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "hotspots");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_blocking_n(b); i++) {
		const hs_hotspot *h = hs_blocking_at(b, i);
		json_begin_object(&w);
		json_kv_string(&w, "culprit", h->culprit);
		json_kv_string(&w, "kind", hs_wait_kind_name(h->kind));
		json_kv_int(&w, "goroutines", h->goroutines);
		json_kv_int(&w, "wait_minutes", h->wait_minutes);
		json_kv_int(&w, "delay_ns", h->delay_ns);
		json_kv_int(&w, "contentions", h->contentions);
		json_kv_strings(&w, "evidence", h->evidence.data, h->evidence.len);
		json_kv_string(&w, "hint", hs_wait_kind_hint(h->kind));
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

static hs_err add_profile(const cli_adder *a, hs_profile *p, const char *file)
{
	return hs_blocking_add(a->ctx, p, file, a->e);
}

/* A trace counts twice: its waits, with their exact durations, and the
 * goroutines still blocked at its end. */
static int add_trace(const cli_adder *a, const char *file)
{
	int rc = cli_add_trace(a, file, CLI_TRACE_WAITS);
	return rc == HS_EXIT_OK ? cli_add_trace(a, file, CLI_TRACE_END) : rc;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	int rc;
	hs_blocking b;
	hs_error e;
	hs_error_clear(&e);
	if (hs_blocking_init(&b, &e) != HS_OK) {
		cli_error("out of memory");
		return HS_EXIT_USAGE;
	}
	/* Profiles and dumps load ahead in a second thread, in order; an
	 * execution trace is streamed in its turn. */
	cli_adder a = {.name = "blocking", .streams = cli_is_trace, .stream = add_trace,
	               .add = add_profile, .ctx = &b, .e = &e};
	/* What could be read is ranked and printed even when a file could
	 * not: the status then stays 2. */
	int read_rc = cli_add_files(&a, &o);
	hs_blocking_finish(&b);
	rc = cli_write_output(&o, write_text, write_json, &b);
	if (rc == HS_EXIT_OK)
		rc = read_rc;
	hs_blocking_release(&b);
	return rc;
}

static const cli_option options[] = {CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES, CLI_OPT_END};

const hs_command cmd_blocking = {
	CLI_COMMAND("blocking", run, options, cli_opts, "text,json", "FILE...",
	            "Where goroutines wait: dumps, traces, goroutine, block and mutex profiles in one ranking."),
	.dirs = true,
};
