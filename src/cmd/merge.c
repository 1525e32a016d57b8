/* heapscope merge FILE... -o OUT: one gzipped profile.proto holding the
 * sum of profiles of one type, as `go tool pprof -proto FILE...` writes
 * it (see include/heapscope/merge.h); OUT ending in ".pb" is written
 * without gzip. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../output/pprof_write.h"
#include "cmd.h"
#include "heapscope/merge.h"

static bool compatible(hs_profile *p, char **files, int n)
{
	for (int j = 1; j < n; j++) {
		hs_error e;
		hs_error_clear(&e);
		if (hs_merge_compatible(&p[0], &p[j], &e) != HS_OK) {
			char buf[400];
			hs_error_format(&e, buf, sizeof buf);
			cli_error("cannot merge '%s' and '%s': %s", files[0], files[j], buf);
			return false;
		}
	}
	return true;
}

static int write_out(const cli_opts *o, const hs_profile *merged)
{
	bool to_stdout = strcmp(o->output, "-") == 0;
	if (to_stdout && isatty(STDOUT_FILENO)) {
		return cli_error("not writing a binary profile to a terminal (redirect '-o -' or "
		          "name a file)");
	}
	FILE *out = cli_open_output(o);
	if (!out)
		return HS_EXIT_USAGE;
	hs_error e;
	hs_error_clear(&e);
	int rc = HS_EXIT_OK;
	/* pprof writes gzip; a name ending in ".pb" asks for the plain bytes. */
	size_t n = strlen(o->output);
	bool plain = !to_stdout && n > 3 && strcmp(o->output + n - 3, ".pb") == 0;
	if (pprof_write(out, merged, !plain, &e) != HS_OK) {
		char buf[400];
		hs_error_format(&e, buf, sizeof buf);
		cli_file_fail(to_stdout ? "<stdout>" : o->output, "cannot write: %s", buf);
		rc = HS_EXIT_USAGE;
	}
	if (!cli_close_output(out, o))
		rc = HS_EXIT_USAGE;
	if (rc != HS_EXIT_OK && !to_stdout)
		remove(o->output);   /* no truncated profile left behind */
	return rc;
}

static int merge_files(const cli_opts *o)
{
	int n = o->nfiles, loaded = 0, rc = HS_EXIT_USAGE;
	hs_profile *p = calloc((size_t)n, sizeof *p);
	const hs_profile **srcs = calloc((size_t)n, sizeof *srcs);
	hs_profile merged;
	hs_profile_init(&merged);
	if (!p || !srcs) {
		cli_error("out of memory");
		goto out;
	}
	for (; loaded < n; loaded++) {
		hs_profile_init(&p[loaded]);
		srcs[loaded] = &p[loaded];
		if (!cli_load(&p[loaded], o->files[loaded], o)) {
			loaded++;
			goto out;
		}
	}
	if (!compatible(p, o->files, n))
		goto out;
	hs_error e;
	hs_error_clear(&e);
	if (hs_merge(&merged, srcs, (size_t)n, &e) != HS_OK) {
		char buf[400];
		hs_error_format(&e, buf, sizeof buf);
		cli_error("%s", buf);
		goto out;
	}
	/* pprof's Merge drops samples that sum to zero. */
	hs_merge_drop_zero(&merged);
	for (int j = 0; j < loaded; j++)
		hs_profile_release(&p[j]);
	loaded = 0;
	rc = write_out(o, &merged);
out:
	for (int j = 0; j < loaded; j++)
		hs_profile_release(&p[j]);
	hs_profile_release(&merged);
	free(p);
	free(srcs);
	return rc;
}

static int run(const hs_command *self, cli_opts *o)
{
	(void)self;
	o->core_heap = true;
	if (!o->output) {
		return cli_error("no output file (use -o OUT.pb.gz, or -o - for standard output)");
	}
	return merge_files(o);
}

static const cli_option options[] = {
	CLI_OPT_OUTPUT, CLI_OPT_ADDRESSES, CLI_OPT_CORE_EXE, CLI_OPT_END,
};

const hs_command cmd_merge = {
	CLI_COMMAND("merge", run, options, cli_opts, NULL, "FILE... -o OUT.pb.gz",
	            "Merge profiles of one type into one gzipped profile.proto (-o - for stdout)."),
	.writes = "gzipped profile.proto",
};
