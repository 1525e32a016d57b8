/* The one command-line parser (after git's parse-options): each command
 * declares its options as a table of cli_option, and this file parses
 * argv against it, prints its help and answers the completion helper
 * from the same table.
 *
 * Rules: options may come anywhere on the line until "--"; a long option
 * takes its value as --opt=value or --opt value (a short one as -o value
 * or -ovalue); every long option may be abbreviated to any prefix that
 * names only it; "-" alone is a file (standard input). */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const cli_option help_option = {"help", 0, NULL, "show this help", 0, NULL, false};

static void defaults(cli_opts *o)
{
	o->nodecount = -1;
	o->nodefraction = 0.005;
	o->edgefraction = 0.001;
	o->unit = "minimum";
}

/* ---- value parsers ---- */

int cli_parse_string(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	(void)cmd;
	(void)opt;
	*(const char **)dest = arg;
	return 0;
}

int cli_parse_count(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	char *end;
	errno = 0;
	long n = strtol(arg, &end, 10);
	if (!*arg || *end || errno || n < 0 || n > INT_MAX) {
		return cli_error("--%s takes a whole number >= 0, not '%s'", opt->name, arg);
	}
	*(int *)dest = (int)n;
	return 0;
}

int cli_parse_count64(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	char *end;
	errno = 0;
	long long n = strtoll(arg, &end, 10);
	if (!*arg || *end || errno || n < 0) {
		return cli_error("--%s wants a count >= 0", opt->name);
	}
	*(int64_t *)dest = n;
	return 0;
}

int cli_parse_fraction(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	char *end;
	errno = 0;
	double d = strtod(arg, &end);
	if (!*arg || *end || errno || !(d >= 0 && d <= 1)) {
		return cli_error("--%s takes a fraction between 0 and 1, not '%s'", opt->name,
		          arg);
	}
	*(double *)dest = d;
	return 0;
}

int cli_parse_granularity(const hs_command *cmd, const cli_option *opt, const char *arg,
                          void *dest)
{
	(void)opt;
	int g = hs_granularity_parse(arg);
	if (g < 0) {
		return cli_error("unknown granularity '%s' (want functions, filefunctions, files, lines or "
		          "addresses)", arg);
	}
	*(int *)dest = g;
	return 0;
}

int cli_parse_format(const hs_command *cmd, const cli_option *opt, const char *arg, void *dest)
{
	(void)opt;
	const char *name;
	for (size_t i = 0; (name = out_formats_name(cmd->formats, i)) != NULL; i++)
		if (strcmp(name, arg) == 0) {
			*(const char **)dest = name;
			return 0;
		}
	char list[128];
	return cli_error("unsupported --format '%s' (supported: %s)", arg,
	          out_formats_list(cmd->formats, list, sizeof list));
}

/* ---- finding an option ---- */

/* Edit distance of a and b, or more than `most` (Levenshtein, capped). */
static size_t distance(const char *a, const char *b, size_t most)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return most + 1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The i-th option of cmd, --help after the table's own; NULL past it. */
static const cli_option *nth_option(const hs_command *cmd, size_t i)
{
	size_t n = 0;
	while (cmd->options && cmd->options[n].name)
		n++;
	return i < n ? &cmd->options[i] : i == n ? &help_option : NULL;
}

#define FOR_EACH_OPTION(cmd, o, i) for (size_t i = 0; ((o) = nth_option(cmd, i)) != NULL; i++)

/* The option `name` (len bytes, no dashes) names: exact, else the one
 * option it is a prefix of.  *ambiguous is set when several are. */
static const cli_option *find_long(const hs_command *cmd, const char *name, size_t len,
                                   bool *ambiguous)
{
	const cli_option *o, *hit = NULL;
	int nhit = 0;
	*ambiguous = false;
	FOR_EACH_OPTION(cmd, o, i) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		hit = o;
		nhit++;
	}
	*ambiguous = nhit > 1;
	return nhit == 1 ? hit : NULL;
}

static const cli_option *find_short(const hs_command *cmd, char c)
{
	const cli_option *o;
	FOR_EACH_OPTION(cmd, o, i)
		if (o->short_name == c)
			return o;
	return NULL;
}

/* The options that `name` (len bytes) is a prefix of, ", "-separated. */
static void prefix_list(const hs_command *cmd, const char *name, size_t len, char *buf,
                        size_t size)
{
	const cli_option *o;
	buf[0] = '\0';
	FOR_EACH_OPTION(cmd, o, i)
		if (strncmp(o->name, name, len) == 0) {
			size_t used = strlen(buf);
			snprintf(buf + used, size - used, "%s--%s", used ? ", " : "", o->name);
		}
}

/* The option closest to `name`, or NULL: one edit away, or two for
 * names of six letters or more (so "--bogus" suggests nothing). */
static const cli_option *nearest(const hs_command *cmd, const char *name, size_t len)
{
	char word[72];
	snprintf(word, sizeof word, "%.*s", (int)(len < 70 ? len : 70), name);
	const cli_option *o, *best = NULL;
	size_t most = strlen(word) >= 6 ? 2 : 1, best_d = most + 1;
	FOR_EACH_OPTION(cmd, o, i) {
		size_t d = distance(word, o->name, most);
		if (d < best_d) {
			best_d = d;
			best = o;
		}
	}
	return best;
}

static int unknown_option(const hs_command *cmd, const char *word, size_t len, bool ambiguous)
{
	if (!cmd->formats && strncmp(word, "--format", 8) == 0 && cmd->writes) {
		return cli_error("--format is not supported by this command (it writes %s only)", cmd->writes);
	}
	if (ambiguous) {
		char list[512];
		prefix_list(cmd, word + 2, len - 2, list, sizeof list);
		return cli_error("ambiguous option '%s' (could be %s)", word, list);
	}
	const cli_option *near = word[1] == '-' ? nearest(cmd, word + 2, len - 2) : NULL;
	if (near)
		cli_error("unknown option '%s', did you mean '--%s'? (see 'heapscope %s --help')", word,
		          near->name, cmd->name);
	else
		cli_error("unknown option '%s' (see 'heapscope %s --help')", word,
		          cmd->name);
	return HS_EXIT_USAGE;
}

/* ---- parsing ---- */

/* Apply opt with value arg (NULL for a flag). */
static int apply(const hs_command *cmd, const cli_option *opt, const char *arg, cli_opts *o)
{
	if (opt == &help_option) {
		cli_usage(cmd, stdout);
		return -1;
	}
	void *dest = (char *)o + opt->offset;
	if (!opt->arg) {
		*(bool *)dest = true;
		return 0;
	}
	return opt->parse(cmd, opt, arg, dest);
}

/* argv[*i] is an option: find it, take its value, apply it. */
static int one_option(const hs_command *cmd, int argc, char **argv, int *i, cli_opts *o)
{
	const char *word = argv[*i];
	const cli_option *opt;
	const char *val = NULL;
	size_t len;
	if (word[1] == '-') {
		const char *eq = strchr(word, '=');
		len = eq ? (size_t)(eq - word) : strlen(word);
		bool ambiguous;
		opt = find_long(cmd, word + 2, len - 2, &ambiguous);
		if (!opt)
			return unknown_option(cmd, word, len, ambiguous);
		if (eq && !opt->arg) {
			return cli_error("option '--%s' takes no value (see 'heapscope %s --help')",
			          opt->name, cmd->name);
		}
		val = eq ? eq + 1 : NULL;
	} else {
		len = 2;
		opt = find_short(cmd, word[1]);
		if (!opt)
			return unknown_option(cmd, word, 2, false);
		val = word[2] ? word + 2 : NULL;
	}
	if (opt->arg && !val) {
		if (*i + 1 >= argc)
			return cli_error("missing argument for option '%s' (see 'heapscope %s --help')",
			                 word, cmd->name);
		val = argv[++*i];
	}
	return apply(cmd, opt, val, o);
}

int cli_parse(const hs_command *cmd, int argc, char **argv, cli_opts *o)
{
	defaults(o);
	if (cmd->defaults)
		cmd->defaults(o);
	/* Files are gathered in place, in order, at the front of argv + 1. */
	int nfiles = 0;
	bool only_files = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_files || a[0] != '-' || a[1] == '\0') {
			argv[1 + nfiles++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_files = true;
			continue;
		}
		int rc = one_option(cmd, argc, argv, &i, o);
		if (rc)
			return rc;
	}
	if (!o->format && cmd->formats)
		o->format = out_formats_name(cmd->formats, 0);
	o->files = argv + 1;
	o->nfiles = nfiles;
	if (o->nfiles < cmd->min_files) {
		return cli_error("no input file (usage: heapscope %s [options] %s)", cmd->name,
		          cmd->args);
	}
	return 0;
}

int cli_run(const hs_command *cmd, int argc, char **argv)
{
	cli_opts *o = calloc(1, cmd->opts_size);
	if (!o) {
		return cli_error("out of memory");
	}
	cli_set_command(cmd->name);
	int rc = cli_parse(cmd, argc, argv, o);
	if (rc == 0 && cmd->dirs)
		rc = cli_expand_dirs(cmd, o);
	if (rc == 0)
		rc = cmd->run(cmd, o);
	cli_free_inputs(o);
	free(o);
	return rc < 0 ? HS_EXIT_OK : rc;
}

/* ---- help and completion ---- */

static void usage_line(FILE *to, const char *name, const char *arg, const char *help)
{
	char left[96];
	snprintf(left, sizeof left, "%s%s%s", name, arg ? " " : "", arg ? arg : "");
	fprintf(to, "  %-34s %s\n", left, help);
}

static bool is_format(const cli_option *opt)
{
	return opt->parse == cli_parse_format;
}

void cli_usage(const hs_command *cmd, FILE *to)
{
	fprintf(to, "usage: heapscope %s [options] %s\n\n%s\n\noptions:\n", cmd->name, cmd->args,
	        cmd->summary);
	const cli_option *opt;
	FOR_EACH_OPTION(cmd, opt, i) {
		char name[48];
		if (opt->short_name)
			snprintf(name, sizeof name, "-%c, --%s", opt->short_name, opt->name);
		else
			snprintf(name, sizeof name, "--%s", opt->name);
		char list[128];
		usage_line(to, name,
		           is_format(opt) ? out_formats_list(cmd->formats, list, sizeof list) : opt->arg,
		           opt->help);
	}
}

/* Print "=V" for each of the words of list separated by any of seps. */
static void print_values(FILE *to, const char *list, const char *seps)
{
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, seps);
		fprintf(to, "=%.*s\n", (int)len, p);
		p += len + (p[len] != '\0');
	}
}

int cli_complete(const hs_command *cmd, const char *opt, FILE *to)
{
	const cli_option *o;
	if (!opt) {
		FOR_EACH_OPTION(cmd, o, i) {
			fprintf(to, "--%s\n", o->name);
			if (o->short_name)
				fprintf(to, "-%c\n", o->short_name);
		}
		return HS_EXIT_OK;
	}
	o = NULL;
	if (opt[0] == '-' && opt[1] == '-') {
		bool ambiguous;
		o = find_long(cmd, opt + 2, strlen(opt + 2), &ambiguous);
	} else if (opt[0] == '-' && opt[1] && !opt[2]) {
		o = find_short(cmd, opt[1]);
	}
	if (!o)
		return HS_EXIT_USAGE;
	if (!o->arg)
		return HS_EXIT_OK;
	const char *name;
	if (is_format(o))
		for (size_t i = 0; (name = out_formats_name(cmd->formats, i)) != NULL; i++)
			fprintf(to, "=%s\n", name);
	else if (o->file_arg)
		fputs(":file\n", to);
	else if (strchr(o->arg, '|') && o->arg[0] >= 'a' && o->arg[0] <= 'z')
		print_values(to, o->arg, "|");
	else
		fputs(":any\n", to);
	return HS_EXIT_OK;
}
