/* Shared frame of the report commands; see report_cmd.h. */
#include <string.h>

#include "report_cmd.h"

bool report_cmd_open(report_cmd *c, const cli_opts *o, const hs_report_opts *ro)
{
	const char *file = o->files[0];
	memset(c, 0, sizeof *c);
	hs_profile_init(&c->p);
	c->stage = 1;
	if (!cli_load_opts(&c->p, file, o) || !cli_view(&c->v, &c->p, file, o))
		return false;
	c->stage = 2;
	hs_error e;
	hs_error_clear(&e);
	if (hs_report_build(&c->r, &c->v, ro, &e) != HS_OK) {
		cli_file_error(file, &e);
		return false;
	}
	c->stage = 3;
	report_fmt_init(&c->f, &c->p, &c->v, &c->r, o->unit);
	const char *names[4] = {"focus", "ignore", "hide", "show"};
	const char *vals[4] = {o->focus, o->ignore, o->hide, o->show};
	for (int i = 0; i < 4; i++)
		if (vals[i] && *vals[i]) {
			snprintf(c->filters[i], sizeof c->filters[i], "%s=%s", names[i], vals[i]);
			c->f.filters[i] = c->filters[i];
		}
	return true;
}

void report_cmd_close(report_cmd *c)
{
	if (c->stage >= 3)
		hs_report_release(&c->r);
	if (c->stage >= 2)
		hs_view_release(&c->v);
	if (c->stage >= 1)
		hs_profile_release(&c->p);
	c->stage = 0;
}

int report_cmd_run(const hs_command *self, const cli_opts *o,
                   int (*fn)(const cli_opts *o, FILE *out))
{
	if (o->nfiles != 1) {
		return cli_error("takes exactly one profile");
	}
	FILE *out = cli_open_output(o);
	if (!out)
		return HS_EXIT_USAGE;
	int rc = fn(o, out);
	if (!cli_close_output(out, o) && rc == HS_EXIT_OK)
		rc = HS_EXIT_USAGE;
	return rc;
}
