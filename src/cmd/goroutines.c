/* heapscope goroutines: the goroutines of dumps (or goroutine profiles)
 * in groups, biggest first, so the culprit of a leak or a pile-up is the
 * first line.  Grouping is the core's (include/heapscope/goroutines.h),
 * the writers are src/output/goroutines_out.c; this loads and picks. */
#include <string.h>

#include "../output/goroutines_out.h"
#include "cmd.h"

/* Load each file and add its goroutines; false after printing why. */
static bool gather(hs_goroutines *g, const cli_opts *o)
{
	cli_loads l;
	cli_loads_start(&l, (const char *const *)o->files, o->nfiles);
	bool ok = true;
	for (int k = 0; ok && k < o->nfiles; k++) {
		const char *file = o->files[k];
		hs_profile p;
		if (!(ok = cli_loads_next(&l, &p)))
			break;
		hs_error e;
		hs_error_clear(&e);
		if (hs_goroutines_add(g, &p, k, &e) != HS_OK) {
			cli_error("'%s': %s", strcmp(file, "-") == 0 ? "<stdin>" : file, e.detail);
			ok = false;
		}
		hs_profile_release(&p);
	}
	cli_loads_end(&l);
	return ok;
}

int cmd_goroutines(int argc, char **argv)
{
	cli_opts o;
	const hs_command *cmd = hs_find_command("goroutines");
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? HS_EXIT_OK : rc;
	int by = hs_group_by_parse(o.by);
	if (by < 0) {
		cli_error("goroutines: unknown --by '%s' (want stack, created-by, top-frame or state)",
		          o.by);
		return HS_EXIT_USAGE;
	}
	const goroutines_format *fmt = goroutines_format_find(o.format);
	hs_error e;
	hs_error_clear(&e);
	hs_goroutines *g = hs_goroutines_new((hs_group_by)by, o.nfiles, &e);
	if (!g) {
		cli_error("out of memory");
		return HS_EXIT_USAGE;
	}
	rc = HS_EXIT_USAGE;
	if (!gather(g, &o))
		goto out;
	if (hs_goroutines_finish(g, &e) != HS_OK) {
		cli_error("%s", e.detail);
		goto out;
	}
	FILE *out = cli_open_output(&o);
	if (!out)
		goto out;
	rc = HS_EXIT_OK;
	if (fmt && !fmt->write(out, g, o.files)) {
		cli_error("out of memory writing %s output", o.format);
		rc = HS_EXIT_USAGE;
	}
	if (!cli_close_output(out, &o))
		rc = HS_EXIT_USAGE;
out:
	hs_goroutines_free(g);
	return rc;
}
