/* Option parsing, loading and diagnostics shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/regex.h"

#include "cmd.h"
#include "heapscope/gctrace.h"
#include "heapscope/load.h"

bool cli_load(hs_profile *p, const char *file, const cli_opts *o)
{
	return cli_load_input(p, file, NULL, o);
}

bool cli_load_input(hs_profile *p, const char *file, hs_input *in, const cli_opts *o)
{
	hs_error e;
	hs_error_clear(&e);
	p->text_by_address = o && o->addresses;
	p->exe_path = o ? o->exe : NULL;
	p->core_heap = o && o->core_heap;
	if ((in ? hs_load_profile_input(p, in, &e) : hs_load_profile(p, file, &e)) != HS_OK) {
		cli_file_error(file, &e);
		return false;
	}
	return true;
}

bool cli_load_opts(hs_profile *p, const char *file, const cli_opts *o)
{
	return o->load ? o->load->fn(o->load->ctx, p, file) : cli_load(p, file, o);
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
	j->p.text_by_address = l->by_address;
	j->p.exe_path = l->exe;
	hs_error_clear(&j->e);
	if (pthread_create(&j->thread, NULL, load_main, j) == 0)
		l->running = true;
	else
		load_main(j);
}

void cli_loads_start(cli_loads *l, const char *const *files, int n, const cli_opts *o)
{
	memset(l, 0, sizeof *l);
	l->files = files;
	l->by_address = o && o->addresses;
	l->exe = o ? o->exe : NULL;
	l->n = n;
	l->bg = calloc(1, sizeof(load_job));
	if (!l->bg) {
		cli_error("out of memory");
		l->n = 0;
		return;
	}
	loads_kick(l);
}

bool cli_loads_next(cli_loads *l, hs_profile *out)
{
	load_job *j = l->bg;
	if (l->next >= l->n)
		return false;
	if (l->running)
		pthread_join(j->thread, NULL);
	l->running = false;
	if (j->rc != HS_OK) {
		/* Say why; a caller that goes on past a bad file (quiet_other)
		 * has the next one loaded, and a file that is no profile at all
		 * only flagged (l->other). */
		l->other = l->quiet_other && j->rc == HS_E_FORMAT && j->e.offset == 0;
		if (!l->other)
			cli_file_error(j->file, &j->e);
		hs_profile_release(&j->p);
		if (l->quiet_other) {
			l->next++;
			loads_kick(l);
		} else {
			l->next = l->n;   /* the caller stops here */
		}
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

typedef cli_unused unused;

void cli_unused_add(cli_unused *u, const char *kind)
{
	/* kept in name order, so the line does not depend on the order the
	 * files were met in */
	int k = 0;
	while (k < u->n && strcmp(u->kind[k], kind) < 0)
		k++;
	if ((k == u->n || strcmp(u->kind[k], kind) != 0) && u->n < 8) {
		memmove(&u->kind[k + 1], &u->kind[k], (size_t)(u->n - k) * sizeof u->kind[0]);
		memmove(&u->count[k + 1], &u->count[k], (size_t)(u->n - k) * sizeof u->count[0]);
		u->kind[k] = kind, u->count[k] = 0, u->n++;
	}
	if (k < u->n && strcmp(u->kind[k], kind) == 0)
		u->count[k]++;
}

/* "not used: 2 files (1 cpu profile, 1 threadcreate profile)" */
void cli_unused_report(const cli_unused *u)
{
	int total = u->other;
	char list[400] = "";
	for (int k = 0; k < u->n; k++) {
		size_t len = strlen(list);
		total += u->count[k];
		snprintf(list + len, sizeof list - len, "%s%d %s profile%s", k ? ", " : "", u->count[k],
		         u->kind[k], u->count[k] == 1 ? "" : "s");
	}
	if (u->other) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%d other file%s", u->n ? ", " : "", u->other,
		         u->other == 1 ? "" : "s");
	}
	if (total)
		cli_error("not used: %d file%s (%s)", total, total == 1 ? "" : "s", list);
}

/* in: the file's bytes, whole: those kept by the sniff that counted the
 * parts (held), else read. */
static hs_err parts_input(hs_input *in, hs_input *held, const char *file, hs_error *e)
{
	if (!held || !held->data)
		return hs_input_read(in, file, 0, e);
	*in = *held;
	memset(held, 0, sizeof *held);
	hs_err rc = hs_input_error(in, e);
	if (rc != HS_OK)
		hs_input_release(in);
	return rc;
}

int cli_load_parts(const char *file, hs_input *held, size_t nparts, bool by_address,
                   hs_inventory *inv, cli_part_fn fn, void *ctx)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	size_t *starts = calloc(nparts, sizeof *starts), input = SIZE_MAX;
	if (!starts || parts_input(&in, held, file, &e) != HS_OK) {
		free(starts);
		cli_inventory_add(inv, file, NULL);
		return starts ? cli_file_error(file, &e) : cli_error("out of memory");
	}
	int rc = hs_text_moments(in.data, in.len, starts, nparts) == nparts ? HS_EXIT_OK
	         : cli_file_fail(file, "changed while read");
	for (size_t k = 0; rc == HS_EXIT_OK && k < nparts; k++) {
		size_t end = k + 1 < nparts ? starts[k + 1] : in.len;
		hs_profile p;
		hs_profile_init(&p);
		p.text_by_address = by_address;
		int64_t t = 0;
		char *name = NULL;
		if (hs_load_profile_buffer(&p, in.data + starts[k], end - starts[k], 0, &e) != HS_OK) {
			/* where: the part's own line:column or offset */
			rc = cli_file_fail(file, "profile %zu of %zu: %s", k + 1, nparts, e.detail);
		} else if (asprintf(&name, "%s#%zu", file, k + 1) < 0) {
			rc = cli_error("out of memory");
		} else {
			hs_time_from from = hs_file_moment(file, &p, &t);
			if (k == 0)
				input = hs_inventory_add(inv, file, hs_input_kind_of(&p), from, t,
				                         (uint32_t)nparts);
			rc = fn(ctx, &p, name, input, t, from);
		}
		hs_profile_release(&p);
	}
	if (rc != HS_EXIT_OK && input == SIZE_MAX)
		cli_inventory_add(inv, file, NULL);
	hs_input_release(&in);
	free(starts);
	return rc;
}

/* add() on a loaded profile: a profile of a kind the command has no use
 * for (HS_E_USAGE) is counted in u, any other failure printed; either way
 * its entry says so. */
static int add_one(const cli_adder *a, hs_profile *p, const char *file, unused *u)
{
	hs_err rc = a->add(a, p, file);
	if (rc == HS_OK)
		return HS_EXIT_OK;
	if (rc == HS_E_USAGE && u) {
		cli_unused_add(u, hs_profile_kind(p));
		hs_inventory_unuse(a->inv, a->input, HS_WHY_KIND);
		return HS_EXIT_OK;
	}
	hs_inventory_unuse(a->inv, a->input, HS_WHY_UNREADABLE);
	char msg[256];
	hs_error_format(a->e, msg, sizeof msg);
	return cli_file_fail(file, "%s", msg);
}

/* A part of a file of several moments, for add(). */
typedef struct adder_part {
	cli_adder *a;
	unused *u;
} adder_part;

static int add_part(void *ctx, hs_profile *p, char *name, size_t input, int64_t t,
                    hs_time_from from)
{
	adder_part *c = ctx;
	c->a->input = input;
	c->a->part = (cli_part){name, t, from};
	int r = add_one(c->a, p, name, c->u);
	c->a->part = (cli_part){0};
	free(name);
	return r;
}

/* File i of the walk, `a` holding its kind: its parts (nparts > 1, read
 * whole by the sniff into held), streamed, or the next profile of ld; an exit status. */
static int add_file(cli_adder *a, const char *file, size_t nparts, hs_input *held, bool streamed,
                    cli_loads *ld, const cli_opts *o, unused *u)
{
	if (nparts > 1) {
		adder_part c = {a, u};
		return cli_load_parts(file, held, nparts, o->addresses, a->inv, add_part, &c);
	}
	if (streamed) {
		a->input = hs_inventory_add_file(a->inv, file, a->kind);
		int r = a->stream(a, file);
		if (r != HS_EXIT_OK)
			hs_inventory_unuse(a->inv, a->input, HS_WHY_UNREADABLE);
		return r;
	}
	hs_profile p;
	hs_profile_init(&p);
	int r = HS_EXIT_USAGE;
	if (cli_loads_next(ld, &p)) {
		a->input = hs_inventory_add_profile(a->inv, file, &p);
		r = add_one(a, &p, file, u);
	} else if (ld->other) {
		/* no profile: a gctrace log, a heap dump, ... the command did not
		 * ask to read */
		a->input = hs_inventory_add_file(a->inv, file, a->kind);
		hs_inventory_unuse(a->inv, a->input, HS_WHY_KIND);
		r = HS_EXIT_OK, u->other++;
	} else {
		a->input = hs_inventory_add_file(a->inv, file, a->kind);
		hs_inventory_unuse(a->inv, a->input, HS_WHY_UNREADABLE);
	}
	hs_profile_release(&p);
	return r;
}

int cli_add_files(const cli_adder *a, const cli_opts *o)
{
	int rc = HS_EXIT_OK;
	const char **profiles = calloc((size_t)o->nfiles + 1, sizeof *profiles);
	bool *streamed = calloc((size_t)o->nfiles + 1, sizeof *streamed);
	size_t *parts = calloc((size_t)o->nfiles + 1, sizeof *parts);
	hs_input_kind *kind = calloc((size_t)o->nfiles + 1, sizeof *kind);
	hs_input *held = calloc((size_t)o->nfiles + 1, sizeof *held);
	int np = 0;
	if (!profiles || !streamed || !parts || !kind || !held) {
		free(profiles);
		free(streamed);
		free(parts);
		free(kind);
		free(held);
		return cli_error("out of memory");
	}
	/* each file sniffed once; a file of several moments is read in its
	 * turn, part by part */
	for (int i = 0; i < o->nfiles; i++) {
		parts[i] = 1;
		kind[i] = cli_file_sniff(o->files[i], a->parts ? &parts[i] : NULL, &held[i]);
		if (!(streamed[i] = parts[i] > 1 || a->streams(kind[i])))
			profiles[np++] = o->files[i];
	}
	cli_loads ld;
	cli_loads_start(&ld, profiles, np, o);
	ld.quiet_other = true;
	unused u = {0};
	cli_adder cur = *a;
	/* One bad file does not stop the rest: it is named, and the status
	 * is 2 once all are read. */
	for (int i = 0; i < o->nfiles; i++) {
		cur.kind = kind[i];
		int r = add_file(&cur, o->files[i], parts[i], &held[i], streamed[i], &ld, o, &u);
		hs_input_release(&held[i]);   /* not taken (out of memory) */
		if (r != HS_EXIT_OK)
			rc = r;
	}
	cli_loads_end(&ld);
	free(profiles);
	free(streamed);
	free(parts);
	free(kind);
	free(held);
	cli_unused_report(&u);
	cli_inventory_finish(a->inv);
	return rc;
}

/* add() on p when it was loaded (else the loader said why), then free it. */
static int add_loaded(const cli_adder *a, hs_profile *p, bool loaded, const char *file)
{
	int rc = loaded ? add_one(a, p, file, NULL) : HS_EXIT_USAGE;
	hs_profile_release(p);
	return rc;
}

int cli_add_trace(const cli_adder *a, const char *file, cli_trace_as as)
{
	hs_profile p;
	hs_profile_init(&p);
	return add_loaded(a, &p, cli_load_trace(&p, file, as), file);
}

int cli_add_heapdump_goroutines(const cli_adder *a, const char *file, const char *exe)
{
	hs_profile p;
	hs_profile_init(&p);
	return add_loaded(a, &p, hd_load_goroutines(&p, file, exe), file);
}

int cli_sample_index(const hs_profile *p, const char *file, const cli_opts *o)
{
	if (hs_ntypes(p) == 0) {
		cli_file_fail(file, "the profile has no sample types");
		return -1;
	}
	if (!o->sample_index)
		return hs_profile_default_index(p);
	int i = hs_profile_find_index(p, o->sample_index);
	if (i < 0) {
		char list[512] = "";
		for (size_t k = 0; k < hs_ntypes(p); k++) {
			const hs_value_type *vt = hs_sample_type(p, k);
			size_t len = strlen(list);
			snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "", hs_s(p, vt->type));
		}
		cli_file_fail(file, "no sample type '%s' (it has: %s)", o->sample_index, list);
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
		cli_warn(file, "--focus '%s' matched no samples", o->focus);
	if (o->ignore && !v->ignore_matched)
		cli_warn(file, "--ignore '%s' matched no samples", o->ignore);
	if (o->hide && !v->hide_matched)
		cli_warn(file, "--hide '%s' matched no frames", o->hide);
	if (o->show && !v->show_matched)
		cli_warn(file, "--show '%s' matched no frames", o->show);
	return true;
}

FILE *cli_open_output(const cli_opts *o)
{
	if (!o->output || strcmp(o->output, "-") == 0)
		return stdout;
	FILE *f = fopen(o->output, "w");
	if (!f)
		cli_file_fail(o->output, "cannot write: %s", strerror(errno));
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
		cli_file_fail(o->output ? o->output : "<stdout>", "write error: %s", strerror(errno));
	return ok;
}

int cli_write_output(const cli_opts *o,
                     void (*write)(FILE *out, const cli_opts *o, const void *data),
                     const void *data)
{
	FILE *out = cli_open_output(o);
	if (!out)
		return HS_EXIT_USAGE;
	write(out, o, data);
	return cli_close_output(out, o) ? HS_EXIT_OK : HS_EXIT_USAGE;
}
