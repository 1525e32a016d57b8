/* Subcommands: one file each, all listed in src/main.c's table.
 * Only this layer prints diagnostics and chooses exit statuses:
 *   0 ok, 1 a check failed, 2 usage or input error. */
#ifndef HS_CMD_H
#define HS_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "heapscope/graph.h"
#include "heapscope/model.h"

enum { HS_EXIT_OK = 0, HS_EXIT_CHECK = 1, HS_EXIT_USAGE = 2 };

/* Options shared by the profile commands; a command names the ones it
 * accepts with a mask of these bits. */
enum {
	OPT_SAMPLE_INDEX = 1 << 0,
	OPT_NODECOUNT = 1 << 1,
	OPT_FILTERS = 1 << 2,      /* --focus --ignore --hide --show */
	OPT_GRANULARITY = 1 << 3,
	OPT_UNIT = 1 << 4,
	OPT_OUTPUT = 1 << 5,
	OPT_FORMAT = 1 << 6,
	OPT_CUM = 1 << 7,
	OPT_FRACTIONS = 1 << 8,    /* --nodefraction --edgefraction */
	OPT_GROUP_BY = 1 << 9,     /* --by (goroutines: stack, created-by, ...) */
	OPT_CHECK = 1 << 10,       /* --rules --base --junit (check) */
	OPT_GROWTH = 1 << 11,      /* --keep-order --limit --min-growth --interval --stacks (growth) */
	OPT_DIFF = 1 << 12,        /* --normalize --diff-base (diff) */
};

/* How a profile command loads its file: fn(ctx, p, file), printing any
 * error.  `trace --profile` hands top, dot and folded its own. */
typedef struct cli_loader {
	bool (*fn)(void *ctx, hs_profile *p, const char *file);
	void *ctx;
} cli_loader;

typedef struct cli_opts {
	const char *sample_index;
	int nodecount;             /* -1: the command's default */
	const char *focus, *ignore, *hide, *show;
	int granularity;
	const char *unit;
	const char *output;
	const char *format;
	bool cum;
	double nodefraction, edgefraction;
	const char *by;            /* --by as given, checked by the command; NULL: not set */
	const char *rules, *base, *junit;             /* check; NULL: not set */
	bool keep_order;                              /* growth */
	bool stacks;                                  /* growth: a row per stack */
	const char *limit, *min_growth, *interval;    /* growth, checked by it; NULL: not set */
	bool normalize, diff_base;                    /* diff */
	int nfiles;
	char **files;
	const cli_loader *load;    /* top, dot, folded; NULL: cli_load (cli_parse sets NULL) */
} cli_opts;

/* An option a command takes out of argv itself, before cli_parse: shown
 * by --help and `heapscope help CMD`, offered by __complete. */
typedef struct hs_extra_option {
	const char *name;          /* "--exe" */
	const char *arg;           /* "BINARY", a|b|c for fixed values, NULL: a flag */
	const char *help;
} hs_extra_option;

typedef struct hs_command {
	const char *name;
	int (*run)(int argc, char **argv);
	unsigned options;          /* OPT_* accepted */
	const char *formats;       /* comma-separated --format values, first is default */
	const char *args;          /* usage tail, e.g. "FILE..." */
	const char *summary;
	const hs_extra_option *extra; /* options it parses itself, {NULL} last; may be NULL */
} hs_command;

extern const hs_command hs_commands[];
const hs_command *hs_find_command(const char *name);

/* Parse argv for `cmd`; on error prints one line and returns 2, on --help
 * prints usage and returns -1, else 0. */
int cli_parse(const hs_command *cmd, int argc, char **argv, cli_opts *o);
void cli_usage(const hs_command *cmd, FILE *to);
/* The long options of a command, one per line (completion helper). */
void cli_print_options(const hs_command *cmd, FILE *to);

/* Report an error about `file` on stderr in the one-line form
 * "heapscope: cannot read 'F': what at byte N". */
void cli_file_error(const char *file, const hs_error *e);
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Load a profile or goroutine dump (any format sniff.c knows); prints
 * the error and returns false on failure. */
bool cli_load(hs_profile *p, const char *file);

/* Files loaded in order, each while the caller works on the one before:
 * a second thread keeps one load ahead (two cores: loading a series costs
 * about half), and at most one profile waits, so memory stays that of two.
 *   cli_loads l;  cli_loads_start(&l, files, n);
 *   while (cli_loads_next(&l, &p)) { ... hs_profile_release(&p); }
 *   cli_loads_end(&l);
 * cli_loads_next returns false at the end, and after printing the error
 * of a file that does not load (l.failed is then set). */
typedef struct cli_loads {
	const char *const *files;
	int n, next;             /* next: the file the background load is on */
	bool running, failed;
	void *bg;                /* private */
} cli_loads;
void cli_loads_start(cli_loads *l, const char *const *files, int n);
bool cli_loads_next(cli_loads *l, hs_profile *out);
void cli_loads_end(cli_loads *l);
/* Load with o->load when set, else as cli_load does. */
bool cli_load_opts(hs_profile *p, const char *file, const cli_opts *o);
/* Execution traces for commands that read profiles: is `file` one (not
 * stdin: it is read once), and load it as a profile, printing any error:
 * its waits on channels, sync, network and syscalls with their exact
 * durations (a block profile: contentions, delay), or the goroutines
 * alive at its end as a goroutine dump lists them. */
typedef enum cli_trace_as { CLI_TRACE_WAITS, CLI_TRACE_END } cli_trace_as;
bool cli_is_trace(const char *file);
bool cli_load_trace(hs_profile *p, const char *file, cli_trace_as as);
/* Commands that take many files of any kind (blocking, leaks): each file
 * in order, profiles and dumps loaded ahead as cli_loads does, a file for
 * which streams(file) is true (a trace, a heap dump) read by stream() in
 * its turn instead.  add() gets each loaded profile and fills a->e when it
 * fails, printed as "NAME: 'FILE': what"; stream() returns an exit status.
 * The first failure ends the walk. */
typedef struct cli_adder {
	const char *name;          /* the command */
	bool (*streams)(const char *file);
	int (*stream)(const struct cli_adder *a, const char *file);
	hs_err (*add)(const struct cli_adder *a, hs_profile *p, const char *file);
	void *ctx;                 /* the command's */
	hs_error *e;
} cli_adder;
/* The exit status: HS_EXIT_USAGE after printing a load or add() error. */
int cli_add_files(const cli_adder *a, const cli_opts *o);
/* For stream(): load trace `file` as `as` and pass it to add(). */
int cli_add_trace(const cli_adder *a, const char *file, cli_trace_as as);
/* Resolve --sample-index against p (pprof's rules); -1 after printing. */
int cli_sample_index(const hs_profile *p, const char *file, const cli_opts *o);
/* Build a view with the shared options; false after printing. */
bool cli_view(hs_view *v, const hs_profile *p, const char *file, const cli_opts *o);

/* Open -o FILE or stdout; cli_close reports write errors (false). */
FILE *cli_open_output(const cli_opts *o);
bool cli_close_output(FILE *f, const cli_opts *o);
/* Open -o, write data there with json() when --format is json, else with
 * text(), and close it: the exit status. */
int cli_write_output(const cli_opts *o, void (*text)(FILE *out, const void *data),
                     void (*json)(FILE *out, const void *data), const void *data);

int cmd_info(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_dot(int argc, char **argv);
int cmd_folded(int argc, char **argv);
/* The same, loading the profile with `load` (trace --profile). */
int cmd_top_with(int argc, char **argv, const cli_loader *load);
int cmd_dot_with(int argc, char **argv, const cli_loader *load);
int cmd_folded_with(int argc, char **argv, const cli_loader *load);
int cmd_check(int argc, char **argv);
int cmd_growth(int argc, char **argv);
int cmd_goroutines(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_blocking(int argc, char **argv);
int cmd_leaks(int argc, char **argv);
int cmd_heapdump(int argc, char **argv);
/* Heap dumps in diff: both files sniffed as dumps go to the heap dump
 * comparison (src/cmd/heapdump.c) instead of the profile diff. */
bool cli_is_heapdump(const char *file);
int cmd_heapdump_diff(const cli_opts *o, const char *exe);
int hd_take_exe(int *argc, char **argv, const char **exe);
/* Take `opt VALUE` (or opt=VALUE) out of argv, for an option a command
 * parses itself; the last one given wins.  2 after printing an error when
 * the value is missing ("wants `what`"). */
int cli_take_value(int *argc, char **argv, const char *opt, const char *what, const char **out);
struct hs_leaks;
/* leaks: a heap dump's roots and their retained bytes (an exit status);
 * exe (or NULL) names globals. */
int hd_leaks_add(struct hs_leaks *l, const char *file, const char *exe);
int cmd_trace(int argc, char **argv);
int cmd_gctrace(int argc, char **argv);

#endif
