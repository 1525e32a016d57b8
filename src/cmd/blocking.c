/* heapscope blocking: one ranking of where goroutines wait, from goroutine
 * dumps and profiles (waits going on) and block and mutex profiles (waits
 * that ended).  The core is src/core/blocking.c. */
#include <stdlib.h>
#include <string.h>

#include "../output/json.h"
#include "heapscope/blocking.h"
#include "heapscope/units.h"
#include "cmd.h"

static void write_text(FILE *out, const hs_blocking *b)
{
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

static void write_json(FILE *out, const hs_blocking *b)
{
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

int cmd_blocking(int argc, char **argv)
{
	cli_opts o;
	int rc = cli_parse(hs_find_command("blocking"), argc, argv, &o);
	if (rc)
		return rc < 0 ? HS_EXIT_OK : rc;
	hs_blocking b;
	hs_error e;
	hs_error_clear(&e);
	if (hs_blocking_init(&b, &e) != HS_OK) {
		cli_error("out of memory");
		return HS_EXIT_USAGE;
	}
	rc = HS_EXIT_OK;
	/* Profiles and dumps load ahead in a second thread, in order; an
	 * execution trace is streamed in its turn and counts twice: its waits,
	 * with their exact durations, and the goroutines still blocked at its
	 * end. */
	const char **profiles = calloc((size_t)o.nfiles + 1, sizeof *profiles);
	int np = 0;
	for (int i = 0; profiles && i < o.nfiles; i++)
		if (!cli_is_trace(o.files[i]))
			profiles[np++] = o.files[i];
	cli_loads ld;
	cli_loads_start(&ld, profiles, profiles ? np : 0);
	if (!profiles) {
		cli_error("out of memory");
		rc = HS_EXIT_USAGE;
	}
	for (int i = 0; i < o.nfiles && rc == HS_EXIT_OK; i++) {
		bool trace = cli_is_trace(o.files[i]);
		for (int k = 0; k < (trace ? 2 : 1) && rc == HS_EXIT_OK; k++) {
			hs_profile p;
			hs_profile_init(&p);
			if (trace ? !cli_load_trace(&p, o.files[i], k ? CLI_TRACE_END : CLI_TRACE_WAITS)
			          : !cli_loads_next(&ld, &p)) {
				rc = HS_EXIT_USAGE;
			} else if (hs_blocking_add(&b, &p, o.files[i], &e) != HS_OK) {
				char msg[256];
				hs_error_format(&e, msg, sizeof msg);
				cli_error("blocking: '%s': %s", o.files[i], msg);
				rc = HS_EXIT_USAGE;
			}
			hs_profile_release(&p);
		}
	}
	cli_loads_end(&ld);
	free(profiles);
	if (rc == HS_EXIT_OK) {
		hs_blocking_finish(&b);
		FILE *out = cli_open_output(&o);
		if (!out) {
			rc = HS_EXIT_USAGE;
		} else {
			if (strcmp(o.format, "json") == 0)
				write_json(out, &b);
			else
				write_text(out, &b);
			if (!cli_close_output(out, &o))
				rc = HS_EXIT_USAGE;
		}
	}
	hs_blocking_release(&b);
	return rc;
}
