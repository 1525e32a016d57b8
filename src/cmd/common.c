/* Option parsing, loading and diagnostics shared by the subcommands. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/regex.h"

#include "cmd.h"
#include "heapscope/load.h"

enum {
	L_SAMPLE_INDEX = 256, L_NODECOUNT, L_FOCUS, L_IGNORE, L_HIDE, L_SHOW, L_GRAN,
	L_UNIT, L_FORMAT, L_CUM, L_NODEFRAC, L_EDGEFRAC, L_HELP, L_BY,
};

/* check and growth */
enum { L_RULES = 400, L_BASE, L_JUNIT, L_KEEP_ORDER, L_LIMIT, L_MIN_GROWTH, L_INTERVAL,
       L_STACKS };

/* diff */
enum { L_NORMALIZE = 450, L_DIFF_BASE };

typedef struct opt_spec {
	struct option lo;
	unsigned mask;
	const char *arg, *help;
} opt_spec;

static const opt_spec specs[] = {
	{{"sample-index", required_argument, NULL, L_SAMPLE_INDEX}, OPT_SAMPLE_INDEX, "NAME|N",
	 "sample type to report (default: the profile's default, else the last)"},
	{{"nodecount", required_argument, NULL, L_NODECOUNT}, OPT_NODECOUNT, "N",
	 "show at most N nodes (0: all)"},
	{{"nodefraction", required_argument, NULL, L_NODEFRAC}, OPT_FRACTIONS, "F",
	 "drop nodes whose cum is below F of the total (default 0.005)"},
	{{"edgefraction", required_argument, NULL, L_EDGEFRAC}, OPT_FRACTIONS, "F",
	 "drop edges below F of the total (default 0.001)"},
	{{"focus", required_argument, NULL, L_FOCUS}, OPT_FILTERS, "REGEX",
	 "keep only samples with a frame matching REGEX"},
	{{"ignore", required_argument, NULL, L_IGNORE}, OPT_FILTERS, "REGEX",
	 "drop samples with a frame matching REGEX"},
	{{"hide", required_argument, NULL, L_HIDE}, OPT_FILTERS, "REGEX",
	 "remove frames matching REGEX from stacks"},
	{{"show", required_argument, NULL, L_SHOW}, OPT_FILTERS, "REGEX",
	 "keep only frames matching REGEX in stacks"},
	{{"granularity", required_argument, NULL, L_GRAN}, OPT_GRANULARITY,
	 "functions|filefunctions|files|lines|addresses", "aggregate frames at this level"},
	{{"unit", required_argument, NULL, L_UNIT}, OPT_UNIT, "UNIT",
	 "show values in UNIT (B, kB, MB, ns, ms, s...; default: minimum)"},
	{{"cum", no_argument, NULL, L_CUM}, OPT_CUM, NULL, "sort by cumulative value"},
	{{"by", required_argument, NULL, L_BY}, OPT_GROUP_BY, "KEY",
	 "group by stack (default), created-by, top-frame or state"},
	{{"rules", required_argument, NULL, L_RULES}, OPT_CHECK, "RULES.yaml",
	 "the budget rules to check (required)"},
	{{"base", required_argument, NULL, L_BASE}, OPT_CHECK, "FILE",
	 "base profile for max_growth and max_growth_percent"},
	{{"junit", required_argument, NULL, L_JUNIT}, OPT_CHECK, "FILE",
	 "also write the results to FILE as JUnit XML"},
	{{"keep-order", no_argument, NULL, L_KEEP_ORDER}, OPT_GROWTH, NULL,
	 "take the profiles in the order given, not by their time"},
	{{"limit", required_argument, NULL, L_LIMIT}, OPT_GROWTH, "SIZE",
	 "project when the total (and each candidate) reaches SIZE, e.g. 2GiB"},
	{{"min-growth", required_argument, NULL, L_MIN_GROWTH}, OPT_GROWTH, "SIZE",
	 "growth a candidate needs (default 1MiB; 10 for counts)"},
	{{"interval", required_argument, NULL, L_INTERVAL}, OPT_GROWTH, "DURATION",
	 "time between snapshots, for profiles without a time (e.g. 30s)"},
	{{"stacks", no_argument, NULL, L_STACKS}, OPT_GROWTH, NULL,
	 "a row per stack (root;...;leaf) instead of per function"},
	{{"normalize", no_argument, NULL, L_NORMALIZE}, OPT_DIFF, NULL,
	 "scale NEW so each sample type sums to BASE's first (pprof -normalize)"},
	{{"diff-base", no_argument, NULL, L_DIFF_BASE}, OPT_DIFF, NULL,
	 "percentages of BASE's total, as pprof -diff_base (default: -base)"},
	{{"format", required_argument, NULL, L_FORMAT}, OPT_FORMAT, "FMT", "output format"},
	{{"output", required_argument, NULL, 'o'}, OPT_OUTPUT, "FILE",
	 "write the result to FILE instead of stdout"},
	{{"help", no_argument, NULL, L_HELP}, ~0u, NULL, "show this help"},
};
#define NSPECS (sizeof specs / sizeof specs[0])

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

static void usage_line(FILE *to, const char *name, const char *arg, const char *help)
{
	char left[96];
	snprintf(left, sizeof left, "%s%s%s", name, arg ? " " : "", arg ? arg : "");
	fprintf(to, "  %-34s %s\n", left, help);
}

void cli_usage(const hs_command *cmd, FILE *to)
{
	fprintf(to, "usage: heapscope %s [options] %s\n\n%s\n\noptions:\n", cmd->name, cmd->args,
	        cmd->summary);
	const opt_spec *help = NULL;
	for (size_t i = 0; i < NSPECS; i++) {
		if (!(specs[i].mask & cmd->options))
			continue;
		if (strcmp(specs[i].lo.name, "help") == 0) {
			help = &specs[i];   /* last, after the command's own */
			continue;
		}
		char name[48];
		snprintf(name, sizeof name, "%s--%s", specs[i].lo.val == 'o' ? "-o, " : "",
		         specs[i].lo.name);
		usage_line(to, name, specs[i].lo.val == L_FORMAT ? cmd->formats : specs[i].arg,
		           specs[i].help);
	}
	for (const hs_extra_option *x = cmd->extra; x && x->name; x++)
		usage_line(to, x->name, x->arg, x->help);
	if (help)
		usage_line(to, "--help", NULL, help->help);
}

/* Used by the completion helper: the long options of a command. */
void cli_print_options(const hs_command *cmd, FILE *to)
{
	for (size_t i = 0; i < NSPECS; i++)
		if (specs[i].mask & cmd->options)
			fprintf(to, "--%s\n", specs[i].lo.name);
	if (cmd->options & OPT_OUTPUT)
		fprintf(to, "-o\n");
}

static bool parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(s, &end);
	return *s && !*end && errno == 0 && *out >= 0 && *out <= 1;
}

static bool format_allowed(const hs_command *cmd, const char *f)
{
	size_t n = strlen(f);
	for (const char *p = cmd->formats; p && *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncmp(p, f, n) == 0)
			return true;
		p = c ? c + 1 : NULL;
	}
	return false;
}

static int set_option(const hs_command *cmd, int c, cli_opts *o)
{
	char *end;
	switch (c) {
	case L_SAMPLE_INDEX: o->sample_index = optarg; break;
	case L_NODECOUNT: {
		errno = 0;
		long n = strtol(optarg, &end, 10);
		o->nodecount = n >= 0 && n <= INT_MAX ? (int)n : -1;
		if (!*optarg || *end || errno || o->nodecount < 0) {
			cli_error("%s: --nodecount takes a whole number >= 0, not '%s'", cmd->name, optarg);
			return 2;
		}
		break;
	}
	case L_NODEFRAC:
	case L_EDGEFRAC:
		if (!parse_double(optarg, c == L_NODEFRAC ? &o->nodefraction : &o->edgefraction)) {
			cli_error("%s: --%s takes a fraction between 0 and 1, not '%s'", cmd->name,
			          c == L_NODEFRAC ? "nodefraction" : "edgefraction", optarg);
			return 2;
		}
		break;
	case L_FOCUS: o->focus = optarg; break;
	case L_IGNORE: o->ignore = optarg; break;
	case L_HIDE: o->hide = optarg; break;
	case L_SHOW: o->show = optarg; break;
	case L_GRAN:
		if ((o->granularity = hs_granularity_parse(optarg)) < 0) {
			cli_error("%s: unknown granularity '%s' (want functions, filefunctions, files, "
			          "lines or addresses)", cmd->name, optarg);
			return 2;
		}
		break;
	case L_UNIT: o->unit = optarg; break;
	case L_CUM: o->cum = true; break;
	case L_BY: o->by = optarg; break;
	case L_RULES: o->rules = optarg; break;
	case L_BASE: o->base = optarg; break;
	case L_JUNIT: o->junit = optarg; break;
	case L_KEEP_ORDER: o->keep_order = true; break;
	case L_STACKS: o->stacks = true; break;
	case L_LIMIT: o->limit = optarg; break;
	case L_MIN_GROWTH: o->min_growth = optarg; break;
	case L_INTERVAL: o->interval = optarg; break;
	case L_NORMALIZE: o->normalize = true; break;
	case L_DIFF_BASE: o->diff_base = true; break;
	case 'o': o->output = optarg; break;
	case L_FORMAT:
		if (!format_allowed(cmd, optarg)) {
			cli_error("%s: unsupported --format '%s' (supported: %s)", cmd->name, optarg,
			          cmd->formats);
			return 2;
		}
		o->format = optarg;
		break;
	case L_HELP: return -1;
	default:
		cli_error("%s: unknown option (see 'heapscope %s --help')", cmd->name, cmd->name);
		return 2;
	}
	return 0;
}

int cli_parse(const hs_command *cmd, int argc, char **argv, cli_opts *o)
{
	struct option lo[NSPECS + 1];
	size_t n = 0;
	memset(o, 0, sizeof *o);
	o->nodecount = -1;
	o->nodefraction = 0.005;
	o->edgefraction = 0.001;
	o->unit = "minimum";
	for (size_t i = 0; i < NSPECS; i++)
		if (specs[i].mask & cmd->options)
			lo[n++] = specs[i].lo;
	memset(&lo[n], 0, sizeof lo[n]);
	/* Leading ':' after '+': getopt then reports a missing argument as ':'. */
	const char *shortopts = (cmd->options & OPT_OUTPUT) ? "+:o:" : "+:";
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		if (c == '?' && strncmp(argv[optind - 1], "--format", 8) == 0) {
			cli_error("%s: --format is not supported by this command (it writes %s only)",
			          cmd->name, strcmp(cmd->name, "folded") == 0  ? "folded stacks"
			                     : strcmp(cmd->name, "merge") == 0 ? "gzipped profile.proto"
			                                                       : "DOT");
			return 2;
		}
		if (c == '?' || c == ':') {
			cli_error("%s: %s option '%s' (see 'heapscope %s --help')", cmd->name,
			          c == ':' ? "missing argument for" : "unknown", argv[optind - 1],
			          cmd->name);
			return 2;
		}
		int rc = set_option(cmd, c, o);
		if (rc == -1) {
			cli_usage(cmd, stdout);
			return -1;
		}
		if (rc)
			return rc;
	}
	if (!o->format && cmd->formats) {
		static char first[32];
		size_t len = strcspn(cmd->formats, ",");
		snprintf(first, sizeof first, "%.*s", (int)len, cmd->formats);
		o->format = first;
	}
	o->files = argv + optind;
	o->nfiles = argc - optind;
	if (o->nfiles == 0) {
		cli_error("%s: no input file (usage: heapscope %s [options] %s)", cmd->name, cmd->name,
		          cmd->args);
		return 2;
	}
	return 0;
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

int cli_take_value(int *argc, char **argv, const char *opt, const char *what, const char **out)
{
	size_t n = strlen(opt);
	int j = 0;
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], opt) == 0) {
			if (i + 1 >= *argc) {
				cli_error("%s: %s wants %s", argv[0], opt, what);
				return HS_EXIT_USAGE;
			}
			*out = argv[++i];
		} else if (strncmp(argv[i], opt, n) == 0 && argv[i][n] == '=') {
			*out = argv[i] + n + 1;
		} else {
			argv[j++] = argv[i];
		}
	}
	*argc = j;
	return 0;
}
