/* Option parsing, loading and diagnostics shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/regex.h"

#include "cmd.h"
#include "heapscope/load.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("heapscope: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_file_error(const char *file, const hs_error *e)
{
	char buf[400];
	hs_error_format(e, buf, sizeof buf);
	cli_error("cannot read '%s': %s", strcmp(file, "-") == 0 ? "<stdin>" : file, buf);
}

bool cli_load(hs_profile *p, const char *file)
{
	hs_error e;
	hs_error_clear(&e);
	if (hs_load_profile(p, file, &e) != HS_OK) {
		cli_file_error(file, &e);
		return false;
	}
	return true;
}

bool cli_load_opts(hs_profile *p, const char *file, const cli_opts *o)
{
	return o->load ? o->load->fn(o->load->ctx, p, file) : cli_load(p, file);
}

typedef struct load_job {
	pthread_t thread;
	const char *file;
	hs_profile p;
	hs_error e;
	hs_err rc;
} load_job;

static void *load_main(void *arg)
{
	load_job *j = arg;
	j->rc = hs_load_profile(&j->p, j->file, &j->e);
	return NULL;
}

/* Begin loading files[l->next], in a thread when one can be had. */
static void loads_kick(cli_loads *l)
{
	load_job *j = l->bg;
	l->running = false;
	if (l->next >= l->n)
		return;
	j->file = l->files[l->next];
	hs_profile_init(&j->p);
	hs_error_clear(&j->e);
	if (pthread_create(&j->thread, NULL, load_main, j) == 0)
		l->running = true;
	else
		load_main(j);
}

void cli_loads_start(cli_loads *l, const char *const *files, int n)
{
	memset(l, 0, sizeof *l);
	l->files = files;
	l->n = n;
	l->bg = calloc(1, sizeof(load_job));
	if (!l->bg) {
		cli_error("out of memory");
		l->failed = true;
		l->n = 0;
		return;
	}
	loads_kick(l);
}

bool cli_loads_next(cli_loads *l, hs_profile *out)
{
	load_job *j = l->bg;
	if (l->failed || l->next >= l->n)
		return false;
	if (l->running)
		pthread_join(j->thread, NULL);
	l->running = false;
	if (j->rc != HS_OK) {
		cli_file_error(j->file, &j->e);
		hs_profile_release(&j->p);
		l->failed = true;
		return false;
	}
	*out = j->p;
	l->next++;
	loads_kick(l);
	return true;
}

void cli_loads_end(cli_loads *l)
{
	load_job *j = l->bg;
	if (j && l->running) {
		pthread_join(j->thread, NULL);
		hs_profile_release(&j->p);
	}
	free(j);
	memset(l, 0, sizeof *l);
}

/* add() on a loaded profile, printing its error. */
static int add_one(const cli_adder *a, hs_profile *p, const char *file)
{
	if (a->add(a, p, file) == HS_OK)
		return HS_EXIT_OK;
	char msg[256];
	hs_error_format(a->e, msg, sizeof msg);
	cli_error("%s: '%s': %s", a->name, file, msg);
	return HS_EXIT_USAGE;
}

int cli_add_files(const cli_adder *a, const cli_opts *o)
{
	int rc = HS_EXIT_OK;
	const char **profiles = calloc((size_t)o->nfiles + 1, sizeof *profiles);
	int np = 0;
	for (int i = 0; profiles && i < o->nfiles; i++)
		if (!a->streams(o->files[i]))
			profiles[np++] = o->files[i];
	cli_loads ld;
	cli_loads_start(&ld, profiles, profiles ? np : 0);
	if (!profiles) {
		cli_error("out of memory");
		rc = HS_EXIT_USAGE;
	}
	for (int i = 0; i < o->nfiles && rc == HS_EXIT_OK; i++) {
		if (a->streams(o->files[i])) {
			rc = a->stream(a, o->files[i]);
			continue;
		}
		hs_profile p;
		hs_profile_init(&p);
		rc = cli_loads_next(&ld, &p) ? add_one(a, &p, o->files[i]) : HS_EXIT_USAGE;
		hs_profile_release(&p);
	}
	cli_loads_end(&ld);
	free(profiles);
	return rc;
}

int cli_add_trace(const cli_adder *a, const char *file, cli_trace_as as)
{
	hs_profile p;
	hs_profile_init(&p);
	int rc = cli_load_trace(&p, file, as) ? add_one(a, &p, file) : HS_EXIT_USAGE;
	hs_profile_release(&p);
	return rc;
}

int cli_sample_index(const hs_profile *p, const char *file, const cli_opts *o)
{
	if (hs_ntypes(p) == 0) {
		cli_error("'%s': the profile has no sample types", file);
		return -1;
	}
	if (!o->sample_index)
		return hs_profile_default_index(p);
	int i = hs_profile_find_index(p, o->sample_index);
	if (i < 0) {
		char list[512] = "";
		for (size_t k = 0; k < hs_ntypes(p); k++) {
			const hs_value_type *vt = &HS_VEC_AT(&p->sample_types, hs_value_type, k);
			size_t len = strlen(list);
			snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "", hs_s(p, vt->type));
		}
		cli_error("'%s': no sample type '%s' (it has: %s)", file, o->sample_index, list);
	}
	return i;
}

/* Which filter option holds the expression that does not compile. */
static const char *regex_option(const cli_opts *o)
{
	const char *pats[4] = {o->focus, o->ignore, o->hide, o->show};
	static const char *const names[4] = {"--focus: ", "--ignore: ", "--hide: ", "--show: "};
	for (int i = 0; i < 4; i++) {
		hs_regex *re;
		hs_error e;
		hs_error_clear(&e);
		if (pats[i] && *pats[i] && hs_regex_compile(&re, pats[i], &e) != HS_OK)
			return names[i];
		if (pats[i] && *pats[i])
			hs_regex_free(re);
	}
	return "";
}

bool cli_view(hs_view *v, const hs_profile *p, const char *file, const cli_opts *o)
{
	int si = cli_sample_index(p, file, o);
	if (si < 0)
		return false;
	hs_view_opts vo = {.sample_index = si, .granularity = (hs_granularity)o->granularity,
	                   .focus = o->focus, .ignore = o->ignore, .hide = o->hide, .show = o->show};
	hs_error e;
	hs_error_clear(&e);
	if (hs_view_build(v, p, &vo, &e) != HS_OK) {
		char buf[400];
		hs_error_format(&e, buf, sizeof buf);
		cli_error("%s%s", e.code == HS_E_REGEX ? regex_option(o) : "", buf);
		return false;
	}
	/* pprof warns likewise when a filter matches nothing. */
	if (o->focus && !v->focus_matched)
		cli_error("warning: --focus '%s' matched no samples in '%s'", o->focus, file);
	if (o->ignore && !v->ignore_matched)
		cli_error("warning: --ignore '%s' matched no samples in '%s'", o->ignore, file);
	if (o->hide && !v->hide_matched)
		cli_error("warning: --hide '%s' matched no frames in '%s'", o->hide, file);
	if (o->show && !v->show_matched)
		cli_error("warning: --show '%s' matched no frames in '%s'", o->show, file);
	return true;
}

FILE *cli_open_output(const cli_opts *o)
{
	if (!o->output || strcmp(o->output, "-") == 0)
		return stdout;
	FILE *f = fopen(o->output, "w");
	if (!f)
		cli_error("cannot write '%s': %s", o->output, strerror(errno));
	return f;
}

bool cli_close_output(FILE *f, const cli_opts *o)
{
	bool ok = !ferror(f);
	if (f != stdout)
		ok = fclose(f) == 0 && ok;
	else
		ok = fflush(f) == 0 && ok;
	if (!ok)
		cli_error("write error on '%s': %s", o->output ? o->output : "<stdout>", strerror(errno));
	return ok;
}

int cli_write_output(const cli_opts *o, void (*text)(FILE *out, const void *data),
                     void (*json)(FILE *out, const void *data), const void *data)
{
	FILE *out = cli_open_output(o);
	if (!out)
		return HS_EXIT_USAGE;
	(strcmp(o->format, "json") == 0 ? json : text)(out, data);
	return cli_close_output(out, o) ? HS_EXIT_OK : HS_EXIT_USAGE;
}
