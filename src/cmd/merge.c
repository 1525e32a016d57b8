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

/* `merge A B -o OUT` reads naturally, but the option parser stops at the
 * first file: move the options (and their arguments) in front. */
static char **options_first(int argc, char **argv, int *nargs)
{
	char **out = malloc(((size_t)argc + 2) * sizeof *out);
	if (!out)
		return NULL;
	int w = 0, nfiles = 0;
	char **files = malloc(((size_t)argc + 1) * sizeof *files);
	if (!files) {
		free(out);
		return NULL;
	}
	out[w++] = argv[0];
	bool dangling = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (++i < argc)
				files[nfiles++] = argv[i];
			break;
		}
		if (a[0] != '-' || a[1] == '\0') {
			files[nfiles++] = argv[i];
			continue;
		}
		out[w++] = argv[i];
		bool takes_arg = strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0;
		if (takes_arg && i + 1 < argc)
			out[w++] = argv[++i];
		else if (takes_arg)
			dangling = true;
	}
	if (dangling) {   /* "-o" last: let the parser report its missing argument */
		out[w] = NULL;
		*nargs = w;
		free(files);
		return out;
	}
	out[w++] = "--";
	for (int k = 0; k < nfiles; k++)
		out[w++] = files[k];
	out[w] = NULL;
	*nargs = w;
	free(files);
	return out;
}

static bool compatible(hs_profile *p, char **files, int n)
{
	for (int j = 1; j < n; j++) {
		hs_error e;
		hs_error_clear(&e);
		if (hs_merge_compatible(&p[0], &p[j], &e) != HS_OK) {
			char buf[400];
			hs_error_format(&e, buf, sizeof buf);
			cli_error("merge: cannot merge '%s' and '%s': %s", files[0], files[j], buf);
			return false;
		}
	}
	return true;
}

static int write_out(const cli_opts *o, const hs_profile *merged)
{
	bool to_stdout = strcmp(o->output, "-") == 0;
	if (to_stdout && isatty(STDOUT_FILENO)) {
		cli_error("merge: not writing a binary profile to a terminal (redirect '-o -' or "
		          "name a file)");
		return HS_EXIT_USAGE;
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
		cli_error("cannot write '%s': %s", to_stdout ? "<stdout>" : o->output, buf);
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
		cli_error("merge: out of memory");
		goto out;
	}
	for (; loaded < n; loaded++) {
		hs_profile_init(&p[loaded]);
		srcs[loaded] = &p[loaded];
		if (!cli_load(&p[loaded], o->files[loaded])) {
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
		cli_error("merge: %s", buf);
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

int cmd_merge(int argc, char **argv)
{
	int nargs = 0;
	char **args = options_first(argc, argv, &nargs);
	if (!args) {
		cli_error("merge: out of memory");
		return HS_EXIT_USAGE;
	}
	cli_opts o;
	int rc = cli_parse(hs_find_command("merge"), nargs, args, &o);
	if (rc == 0 && !o.output) {
		cli_error("merge: no output file (use -o OUT.pb.gz, or -o - for standard output)");
		rc = HS_EXIT_USAGE;
	}
	if (rc == 0)
		rc = merge_files(&o);
	free(args);
	return rc < 0 ? HS_EXIT_OK : rc;
}
