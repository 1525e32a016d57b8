/* Subcommands: one file each, all listed in src/main.c's table.
 * Only this layer prints diagnostics and chooses exit statuses:
 *   0 ok, 1 a check failed, 2 usage or input error. */
#ifndef HS_CMD_H
#define HS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "heapscope/graph.h"
#include "heapscope/inventory.h"
#include "heapscope/load.h"
#include "heapscope/model.h"

#include "../output/formats.h"

enum { HS_EXIT_OK = 0, HS_EXIT_CHECK = 1, HS_EXIT_USAGE = 2 };

/* How a profile command loads its file: fn(ctx, p, file), printing any
 * error.  `trace --profile` hands top, dot and folded its own. */
typedef struct cli_loader {
	bool (*fn)(void *ctx, hs_profile *p, const char *file);
	void *ctx;
} cli_loader;

/* What every command's options struct starts with (its first member, so
 * a command's own struct and this one share an address).  Report commands
 * use the report fields; the others leave them at their defaults. */
typedef struct cli_opts {
	const char *sample_index;
	int nodecount;             /* -1: the command's default */
	const char *focus, *ignore, *hide, *show;
	int granularity;
	const char *unit;
	const char *output;
	const char *format;        /* never NULL after parsing a command with formats */
	bool cum;
	double nodefraction, edgefraction;
	int nfiles;
	char **files;
	bool owned_files;          /* files were listed from directories (cli_expand_dirs) */
	bool addresses;            /* --addresses: debug=1 text read by address, as pprof */
	const cli_loader *load;    /* top, dot, folded; NULL: cli_load */
	const char *exe;           /* --exe of goroutines, blocking, leaks: a core's executable */
	bool core_heap;            /* top, dot, folded, flame, merge: a core is read as its heap */
} cli_opts;

struct hs_command;

/* One option of a command, as git's parse-options declares them: the
 * command's table of these is its whole command line.  The parser stores
 * the value at `offset` in the command's options struct, through parse()
 * (NULL: a flag, a bool set to true).  parse() returns 0, or prints one
 * line and returns HS_EXIT_USAGE. */
typedef struct cli_option cli_option;
struct cli_option {
	const char *name;          /* long name without dashes: "nodecount" */
	char short_name;           /* 'o', or 0 */
	const char *arg;           /* NULL: a flag; "a|b|c": the fixed values; else a word for help */
	const char *help;
	size_t offset;             /* of the destination in the options struct */
	int (*parse)(const struct hs_command *cmd, const cli_option *opt, const char *arg, void *dest);
	bool file_arg;             /* the value names a file (completion) */
};

/* The parsers a table may name. */
int cli_parse_string(const struct hs_command *, const cli_option *, const char *, void *);
int cli_parse_count(const struct hs_command *, const cli_option *, const char *, void *);   /* int >= 0 */
int cli_parse_count64(const struct hs_command *, const cli_option *, const char *, void *); /* int64_t >= 0 */
int cli_parse_fraction(const struct hs_command *, const cli_option *, const char *, void *);
int cli_parse_granularity(const struct hs_command *, const cli_option *, const char *, void *);
int cli_parse_format(const struct hs_command *, const cli_option *, const char *, void *);

#define CLI_OFF(field) offsetof(cli_opts, field)
/* The options the profile commands share, in the order help lists them. */
#define CLI_OPT_SAMPLE_INDEX                                                                   \
	{"sample-index", 0, "NAME|N", "sample type to report (default: the profile's default, else the last)", \
	 CLI_OFF(sample_index), cli_parse_string, false}
#define CLI_OPT_NODECOUNT                                                                      \
	{"nodecount", 0, "N", "show at most N nodes (0: all)", CLI_OFF(nodecount), cli_parse_count, false}
#define CLI_OPT_FRACTIONS                                                                      \
	{"nodefraction", 0, "F", "drop nodes whose cum is below F of the total (default 0.005)",  \
	 CLI_OFF(nodefraction), cli_parse_fraction, false},                                    \
	{"edgefraction", 0, "F", "drop edges below F of the total (default 0.001)",               \
	 CLI_OFF(edgefraction), cli_parse_fraction, false}
#define CLI_OPT_FILTERS                                                                        \
	{"focus", 0, "REGEX", "keep only samples with a frame matching REGEX", CLI_OFF(focus),    \
	 cli_parse_string, false},                                                             \
	{"ignore", 0, "REGEX", "drop samples with a frame matching REGEX", CLI_OFF(ignore),       \
	 cli_parse_string, false},                                                             \
	{"hide", 0, "REGEX", "remove frames matching REGEX from stacks", CLI_OFF(hide),           \
	 cli_parse_string, false},                                                             \
	{"show", 0, "REGEX", "keep only frames matching REGEX in stacks", CLI_OFF(show),          \
	 cli_parse_string, false}
#define CLI_OPT_GRANULARITY                                                                    \
	{"granularity", 0, "functions|filefunctions|files|lines|addresses",                       \
	 "aggregate frames at this level", CLI_OFF(granularity), cli_parse_granularity, false}
#define CLI_OPT_UNIT                                                                           \
	{"unit", 0, "UNIT", "show values in UNIT (B, kB, MB, ns, ms, s...; default: minimum)",    \
	 CLI_OFF(unit), cli_parse_string, false}
#define CLI_OPT_CUM {"cum", 0, NULL, "sort by cumulative value", CLI_OFF(cum), NULL, false}
/* --format's values are the names of the command's writer table
 * (hs_command.formats). */
#define CLI_OPT_FORMAT {"format", 0, "FMT", "output format", CLI_OFF(format), cli_parse_format, false}
#define CLI_OPT_OUTPUT                                                                         \
	{"output", 'o', "FILE", "write the result to FILE instead of stdout", CLI_OFF(output),    \
	 cli_parse_string, true}
#define CLI_OPT_ADDRESSES                                                                      \
	{"addresses", 0, NULL,                                                                 \
	 "read ?debug=1 text profiles by address only, as go tool pprof (no # lines)",         \
	 CLI_OFF(addresses), NULL, false}
/* goroutines, blocking, info: the executable of ELF cores (src/formats/core.c), whose
 * goroutines they read; top, dot, folded, flame, merge read a core's heap profile */
#define CLI_OPT_CORE_EXE                                                                       \
	{"exe", 0, "BINARY", "cores: the executable that wrote them (its DWARF and pclntab)",     \
	 CLI_OFF(exe), cli_parse_string, true}
#define CLI_OPT_END {NULL, 0, NULL, NULL, 0, NULL, false}
/* The report options of go tool pprof (top, dot, diff, trace). */
#define CLI_OPTS_REPORT                                                                        \
	CLI_OPT_SAMPLE_INDEX, CLI_OPT_NODECOUNT, CLI_OPT_FRACTIONS, CLI_OPT_FILTERS,           \
		CLI_OPT_GRANULARITY, CLI_OPT_UNIT

/* A command: its name, its options and how it runs.  run() gets the
 * descriptor and the options struct the parser filled (opts_size bytes,
 * starting with cli_opts; defaults() set it up before parsing). */
typedef struct hs_command {
	const char *name;
	int (*run)(const struct hs_command *self, cli_opts *o);
	const cli_option *options; /* CLI_OPT_END last; --help is implicit */
	size_t opts_size;          /* sizeof the command's options struct */
	void (*defaults)(cli_opts *o); /* NULL: cli_opts defaults only */
	const out_formats *formats; /* --format's writers (src/output/), the first the default */
	const char *args;          /* usage tail, e.g. "FILE..." */
	const char *summary;
	const char *writes;        /* what it writes when it has no --format, for the error */
	int min_files;             /* fewer: "no input file" */
	bool dirs;                 /* a directory stands for the files below it */
} hs_command;

/* The fields of a command's descriptor: {CLI_COMMAND(...), .defaults = ...}. */
#define CLI_COMMAND(name_, run_, options_, opts_type, formats_, args_, summary_)               \
	.name = (name_), .run = (run_), .options = (options_), .opts_size = sizeof(opts_type),  \
	.formats = (formats_), .args = (args_), .summary = (summary_), .min_files = 1

extern const hs_command *const hs_commands[];
const hs_command *hs_find_command(const char *name);

/* Parse argv (argv[0] is the command's name) into o, a zeroed struct of
 * cmd->opts_size bytes: options anywhere until "--", --opt=value and
 * --opt value, unambiguous abbreviations of any long option.  Returns 0,
 * -1 after printing --help, or HS_EXIT_USAGE after printing one line. */
int cli_parse(const hs_command *cmd, int argc, char **argv, cli_opts *o);
/* Replace each directory among o->files by the regular files below it,
 * recursively, in name order; symlink loops, FIFOs and other special
 * files are named on stderr and left out.  0, or HS_EXIT_USAGE after
 * printing. */
int cli_expand_dirs(const hs_command *cmd, cli_opts *o);
void cli_free_inputs(cli_opts *o);
/* The inventory of inputs (include/heapscope/inventory.h), kept by the
 * commands that analyze many files for their JSON "inputs":
 * cli_file_kind sniffs a file that is no profile (heap dump, trace,
 * gctrace log, else other; unreadable when it cannot be opened);
 * cli_inventory_add lists a loaded profile, or with p NULL a file that
 * could not be read, as the kind it looks like (inv NULL: nothing,
 * SIZE_MAX); cli_inventory_finish
 * decides twins and snapshots and names each twin left out on stderr. */
hs_input_kind cli_file_kind(const char *file);
/* cli_file_kind's answer and, when parts is not NULL, from the same look
 * at the file (a command sniffs each file once) *parts: how many Go text
 * profiles it holds one after another (hs_text_moments, a loop of `curl .../heap?debug=1 >>
 * log`); 0 for a gctrace log; 1 for any other file (and one that cannot
 * be opened: loading it says why).  With keep, the bytes of a file of
 * several parts, read whole to count them, stay open there for
 * cli_load_parts (one read; hs_input_release what is not loaded). */
hs_input_kind cli_file_sniff(const char *file, size_t *parts, hs_input *keep);
/* cli_file_kind's answer, with `in` left open on the file for the
 * loader that reads it (hs_input_release it; nothing open for stdin or
 * a file that cannot be opened). */
hs_input_kind cli_file_open(const char *file, hs_input *in);
size_t cli_inventory_add(hs_inventory *inv, const char *file, const hs_profile *p);
void cli_inventory_finish(hs_inventory *inv);
/* Allocate the options, parse and run: the command's exit status. */
int cli_run(const hs_command *cmd, int argc, char **argv);
void cli_usage(const hs_command *cmd, FILE *to);
/* Completion helper: the options of a command, one per line; with opt,
 * what its value is: "=V" lines for fixed values, ":file" or ":any".
 * HS_EXIT_USAGE when opt is not an option of cmd. */
int cli_complete(const hs_command *cmd, const char *opt, FILE *to);

/* Diagnostics (src/cmd/diag.c), one line on stderr each, of one form:
 *   heapscope: CMD: 'FILE': what (where)
 * The errors return HS_EXIT_USAGE: `return cli_error(...)`. */
void cli_set_command(const char *name);
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ... about `file` ("<stdin>" for -) */
int cli_file_fail(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ... from a loader's error: its what, and where when it knows */
int cli_file_error(const char *file, const hs_error *e);
/* "heapscope: CMD: ['FILE': ]warning: ..." (file may be NULL) */
void cli_warn(const char *file, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Load a profile or goroutine dump (any format sniff.c knows) as o's
 * options say (o may be NULL: the defaults); prints the error and
 * returns false on failure. */
bool cli_load(hs_profile *p, const char *file, const cli_opts *o);
/* ... from `in`, open on file (cli_file_open), or the file when in is NULL */
bool cli_load_input(hs_profile *p, const char *file, hs_input *in, const cli_opts *o);

/* Files loaded in order, each while the caller works on the one before:
 * a second thread keeps one load ahead (two cores: loading a series costs
 * about half), and at most one profile waits, so memory stays that of two.
 *   cli_loads l;  cli_loads_start(&l, files, n);
 *   while (cli_loads_next(&l, &p)) { ... hs_profile_release(&p); }
 *   cli_loads_end(&l);
 * cli_loads_next returns false at the end, and after printing the error
 * of a file that does not load. */
typedef struct cli_loads {
	const char *const *files;
	int n, next;             /* next: the file the background load is on */
	bool running;
	bool by_address;         /* o->addresses */
	const char *exe;         /* o->exe */
	bool quiet_other;        /* set by the caller: a file that is no profile at all is */
	bool other;              /* ... not printed, only flagged here */
	void *bg;                /* private */
} cli_loads;
void cli_loads_start(cli_loads *l, const char *const *files, int n, const cli_opts *o);
bool cli_loads_next(cli_loads *l, hs_profile *out);
void cli_loads_end(cli_loads *l);
/* Load with o->load when set, else as cli_load does. */
bool cli_load_opts(hs_profile *p, const char *file, const cli_opts *o);
/* Execution traces for commands that read profiles (a file cli_file_sniff
 * calls a trace): load it as a profile, printing any error: its waits on channels, sync, network and syscalls with their exact
 * durations (a block profile: contentions, delay), or the goroutines
 * alive at its end as a goroutine dump lists them. */
typedef enum cli_trace_as { CLI_TRACE_WAITS, CLI_TRACE_END } cli_trace_as;
bool cli_load_trace(hs_profile *p, const char *file, cli_trace_as as);
/* Commands that take many files of any kind (blocking, leaks): each file
 * in order, profiles and dumps loaded ahead as cli_loads does, a file for
 * whose kind (cli_file_sniff, once per file) streams(kind) is true (a
 * trace, a heap dump) read by stream() in its turn instead.  add() gets each loaded profile and fills a->e when it
 * fails, printed as "NAME: 'FILE': what"; stream() returns an exit status.
 * A bad file does not end the walk: see cli_add_files. */
/* Each of the nparts profiles of a file of several (cli_file_sniff),
 * loaded by itself (by address with by_address), is passed to fn with
 * its name FILE#K (fn owns it), its moment (hs_file_moment: its own LastGC, else the file's)
 * and the file's entry in inv, added once with the first part.  Stops at
 * the first failure (printed, the file named with its part); an exit
 * status.  held: the file's bytes kept by cli_file_sniff (taken over and
 * released), or NULL or empty: the file is read. */
typedef int (*cli_part_fn)(void *ctx, hs_profile *p, char *name, size_t input, int64_t t,
                           hs_time_from from);
int cli_load_parts(const char *file, hs_input *held, size_t nparts, bool by_address,
                   hs_inventory *inv, cli_part_fn fn, void *ctx);

/* The part of a file of several moments add() gets, when it is one:
 * FILE#K and its moment; name NULL for a whole file. */
typedef struct cli_part {
	const char *name;
	int64_t time;
	hs_time_from from;
} cli_part;

typedef struct cli_adder {
	const char *name;          /* the command */
	bool (*streams)(hs_input_kind kind);
	int (*stream)(const struct cli_adder *a, const char *file);
	hs_err (*add)(const struct cli_adder *a, hs_profile *p, const char *file);
	void *ctx;                 /* the command's */
	hs_error *e;
	hs_inventory *inv;         /* every file is listed here (not NULL) */
	size_t input;              /* the file add() or stream() gets: its entry */
	hs_input_kind kind;        /* ... and its kind (cli_file_sniff) */
	bool parts;                /* a file of several moments: each to add() (cli_file_sniff) */
	cli_part part;             /* while add() gets such a part */
} cli_adder;
/* Every file is read and listed in a->inv, a bad one does not stop the
 * rest; the inventory is finished (cli_inventory_finish) at the end, before
 * the caller finishes its analysis.  The exit status
 * is HS_EXIT_USAGE when one could not be read or added (each printed).
 * A profile add() has no use for (HS_E_USAGE: another kind) is no error;
 * such files are counted and named once on stderr ("not used: ..."). */
int cli_add_files(const cli_adder *a, const cli_opts *o);
/* The files a command had no use for, counted by kind (hs_profile_kind),
 * printed once: "not used: 2 files (1 cpu profile, 1 other file)". */
typedef struct cli_unused {
	const char *kind[8];
	int count[8], n;
	int other;                 /* files that are no profile the command reads */
} cli_unused;
void cli_unused_add(cli_unused *u, const char *kind);
void cli_unused_report(const cli_unused *u);
/* For stream(): load trace `file` as `as` and pass it to add(). */
int cli_add_trace(const cli_adder *a, const char *file, cli_trace_as as);
/* For stream(): heap dump `file`'s goroutines as a goroutine dump
 * (hs_heapdump_goroutine_profile; exe, or NULL, names their creators),
 * passed to add(). */
int cli_add_heapdump_goroutines(const cli_adder *a, const char *file, const char *exe);
/* Load heap dump `file`'s goroutines into p; false after printing why. */
bool hd_load_goroutines(hs_profile *p, const char *file, const char *exe);
/* Resolve --sample-index against p (pprof's rules); -1 after printing. */
int cli_sample_index(const hs_profile *p, const char *file, const cli_opts *o);
/* Build a view with the shared options; false after printing. */
bool cli_view(hs_view *v, const hs_profile *p, const char *file, const cli_opts *o);

/* Open -o FILE or stdout; cli_close reports write errors (false). */
FILE *cli_open_output(const cli_opts *o);
bool cli_close_output(FILE *f, const cli_opts *o);
/* Open -o, write data there with write() (which picks the writer of
 * o->format from its table), and close it: the exit status. */
int cli_write_output(const cli_opts *o,
                     void (*write)(FILE *out, const cli_opts *o, const void *data),
                     const void *data);

/* The commands, one file each. */
extern const hs_command cmd_info, cmd_top, cmd_dot, cmd_folded, cmd_flame, cmd_goroutines, cmd_check,
	cmd_growth, cmd_diff, cmd_merge, cmd_blocking, cmd_leaks, cmd_heapdump, cmd_trace,
	cmd_gctrace, cmd_triage;
/* Heap dumps in diff: both files sniffed (cli_file_kind) as dumps, or
 * given their executable exe as cores (whose heap is read as a dump's),
 * go to the heap dump comparison (src/cmd/heapdump.c) instead of the
 * profile diff. */
bool cli_is_heap_input(hs_input_kind kind, const char *exe);
int cmd_heapdump_diff(const cli_opts *o, const char *exe, const hs_input_kind kind[2]);
/* --exe BINARY, as heapdump, diff, leaks and triage declare it: a const char *
 * member `field` of the command's options struct T. */
#define CLI_OPT_EXE(T, field)                                                                  \
	{"exe", 0, "BINARY",                                                                   \
	 "heap dumps: name globals from the executable's symbol table; cores: the executable "  \
	 "that wrote them", offsetof(T, field), cli_parse_string, true}
/* leaks, blocking: which functions are the program's own code. */
#define CLI_OPT_OWN(T, field)                                                                  \
	{"own", 0, "REGEX", "own code: functions matching REGEX (default: the main module, inferred)", \
	 offsetof(T, field), cli_parse_string, false}
struct hs_leaks;
/* leaks: a heap dump's roots and their retained bytes and its goroutines
 * (an exit status); exe (or NULL) names globals.  Given exe, a core (as
 * sniffed) is read as one: its heap (hd_load_any) and its goroutines, one
 * entry of inv. */
int hd_leaks_add(struct hs_leaks *l, const char *file, bool core, const char *exe,
                 hs_inventory *inv, size_t input);

#endif
