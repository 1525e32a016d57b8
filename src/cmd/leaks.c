/* heapscope leaks: ranked leak candidates from goroutine dumps, goroutine
 * profiles and heap profiles.  The core is src/core/leaks.c.  Exit status
 * 0 whatever it finds (2 for usage and input errors). */
#include <stdlib.h>
#include <string.h>

#include "../output/leaks_out.h"
#include "heapscope/leaks.h"
#include "cmd.h"

static void write_text(FILE *out, const void *data)
{
	leaks_format_find("text")->write(out, data);
}

static void write_json(FILE *out, const void *data)
{
	leaks_format_find("json")->write(out, data);
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

typedef struct leaks_ctx {
	hs_leaks *l;
	const char *exe;
} leaks_ctx;

static hs_err add_profile(const cli_adder *a, hs_profile *p, const char *file)
{
	const leaks_ctx *c = a->ctx;
	return hs_leaks_add(c->l, p, file, a->e);
}

static bool streams(const char *file)
{
	return cli_is_heapdump(file) || cli_is_trace(file);
}

/* A trace: the goroutines blocked at its end, as a goroutine profile. */
static int add_stream(const cli_adder *a, const char *file)
{
	const leaks_ctx *c = a->ctx;
	if (cli_is_heapdump(file))
		return hd_leaks_add(c->l, file, c->exe);
	return cli_add_trace(a, file, CLI_TRACE_END);
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
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(&lo, &e);
	if (!l) {
		cli_error("out of memory");
		return HS_EXIT_USAGE;
	}
	/* Profiles and dumps load ahead in a second thread, in order; heap
	 * dumps and execution traces stream through their own readers when
	 * their turn comes. */
	leaks_ctx c = {l, exe};
	cli_adder a = {.name = "leaks", .streams = streams, .stream = add_stream,
	               .add = add_profile, .ctx = &c, .e = &e};
	rc = cli_add_files(&a, &o);
	if (rc == HS_EXIT_OK && hs_leaks_finish(l, &e) != HS_OK) {
		char msg[256];
		hs_error_format(&e, msg, sizeof msg);
		cli_error("leaks: %s", msg);
		rc = HS_EXIT_USAGE;
	}
	if (rc == HS_EXIT_OK)
		rc = cli_write_output(&o, write_text, write_json, l);
	hs_leaks_free(l);
	return rc;
}
