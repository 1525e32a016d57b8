/* heapscope leaks: ranked leak candidates from goroutine dumps, goroutine
 * profiles and heap profiles.  The core is src/core/leaks.c.  Exit status
 * 0 whatever it finds (2 for usage and input errors). */
#include <stdlib.h>
#include <string.h>

#include "../output/json.h"
#include "heapscope/leaks.h"
#include "cmd.h"

static void write_text(FILE *out, const hs_leaks *l)
{
	size_t n = hs_leaks_n(l);
	fprintf(out, "%zu leak candidate%s\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const hs_leak *k = hs_leaks_at(l, i);
		fprintf(out, "\n%-6s %s  (%s)\n", hs_severity_name(k->severity), k->culprit, k->kind);
		for (size_t j = 0; j < k->evidence.len; j++)
			fprintf(out, "   - %s\n", HS_VEC_AT(&k->evidence, const char *, j));
		fprintf(out, "   hint: %s\n", k->hint);
	}
}

static void write_json(FILE *out, const hs_leaks *l)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "candidates");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_leaks_n(l); i++) {
		const hs_leak *k = hs_leaks_at(l, i);
		json_begin_object(&w);
		json_kv_string(&w, "severity", hs_severity_name(k->severity));
		json_kv_string(&w, "kind", k->kind);
		json_kv_string(&w, "culprit", k->culprit);
		json_kv_int(&w, "weight", k->weight);
		json_kv_strings(&w, "evidence", k->evidence.data, k->evidence.len);
		json_kv_string(&w, "hint", k->hint);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

/* The thresholds are this command's own options, taken out of argv before
 * the shared parser sees it: --min-goroutines N (high), --min-medium N,
 * --min-wait-minutes N. */
static int take_thresholds(int *argc, char **argv, hs_leak_opts *lo)
{
	static const char *const names[] = {"--min-goroutines", "--min-medium", "--min-wait-minutes"};
	int64_t *dst[] = {&lo->min_high, &lo->min_medium, &lo->min_wait_minutes};
	int j = 0;
	for (int i = 0; i < *argc; i++) {
		int hit = -1;
		const char *val = NULL;
		for (int k = 0; k < 3 && hit < 0; k++) {
			size_t nl = strlen(names[k]);
			if (strcmp(argv[i], names[k]) == 0) {
				hit = k;
				val = i + 1 < *argc ? argv[++i] : NULL;
			} else if (strncmp(argv[i], names[k], nl) == 0 && argv[i][nl] == '=') {
				hit = k;
				val = argv[i] + nl + 1;
			}
		}
		if (hit < 0) {
			argv[j++] = argv[i];
			continue;
		}
		char *end;
		long long v = val ? strtoll(val, &end, 10) : -1;
		if (!val || !*val || *end || v < 0) {
			cli_error("leaks: %s wants a count >= 0", names[hit]);
			return HS_EXIT_USAGE;
		}
		*dst[hit] = v;
	}
	*argc = j;
	return 0;
}

int cmd_leaks(int argc, char **argv)
{
	hs_leak_opts lo;
	hs_leak_opts_default(&lo);
	const char *exe = NULL;
	int rc = take_thresholds(&argc, argv, &lo);
	if (!rc)
		rc = hd_take_exe(&argc, argv, &exe);
	if (rc)
		return rc;
	cli_opts o;
	rc = cli_parse(hs_find_command("leaks"), argc, argv, &o);
	if (rc)
		return rc < 0 ? HS_EXIT_OK : rc;
	hs_leaks l;
	hs_error e;
	hs_error_clear(&e);
	if (hs_leaks_init(&l, &lo, &e) != HS_OK) {
		cli_error("out of memory");
		return HS_EXIT_USAGE;
	}
	rc = HS_EXIT_OK;
	/* Profiles and dumps load ahead in a second thread, in order; heap
	 * dumps and execution traces stream through their own readers when
	 * their turn comes (a trace: the goroutines blocked at its end, as a
	 * goroutine profile). */
	const char **profiles = calloc((size_t)o.nfiles + 1, sizeof *profiles);
	int np = 0;
	for (int i = 0; profiles && i < o.nfiles; i++)
		if (!cli_is_heapdump(o.files[i]) && !cli_is_trace(o.files[i]))
			profiles[np++] = o.files[i];
	cli_loads ld;
	cli_loads_start(&ld, profiles, profiles ? np : 0);
	if (!profiles) {
		cli_error("out of memory");
		rc = HS_EXIT_USAGE;
	}
	for (int i = 0; i < o.nfiles && rc == HS_EXIT_OK; i++) {
		if (cli_is_heapdump(o.files[i])) {
			rc = hd_leaks_add(&l, o.files[i], exe);
			continue;
		}
		hs_profile p;
		hs_profile_init(&p);
		if (cli_is_trace(o.files[i]) ? !cli_load_trace(&p, o.files[i], CLI_TRACE_END)
		                             : !cli_loads_next(&ld, &p)) {
			rc = HS_EXIT_USAGE;
			break;
		}
		if (hs_leaks_add(&l, &p, o.files[i], &e) != HS_OK) {
			char msg[256];
			hs_error_format(&e, msg, sizeof msg);
			cli_error("leaks: '%s': %s", o.files[i], msg);
			rc = HS_EXIT_USAGE;
		}
		hs_profile_release(&p);
	}
	cli_loads_end(&ld);
	free(profiles);
	if (rc == HS_EXIT_OK && hs_leaks_finish(&l, &e) != HS_OK) {
		char msg[256];
		hs_error_format(&e, msg, sizeof msg);
		cli_error("leaks: %s", msg);
		rc = HS_EXIT_USAGE;
	}
	if (rc == HS_EXIT_OK) {
		FILE *out = cli_open_output(&o);
		if (!out) {
			rc = HS_EXIT_USAGE;
		} else {
			if (strcmp(o.format, "json") == 0)
				write_json(out, &l);
			else
				write_text(out, &l);
			if (!cli_close_output(out, &o))
				rc = HS_EXIT_USAGE;
		}
	}
	hs_leaks_release(&l);
	return rc;
}
