/* Diagnostics: one line each on stderr, all of one form,
 *
 *     heapscope: CMD: 'FILE': what (where)
 *
 * CMD the command that runs (cli_run names it before parsing), 'FILE'
 * when a file is concerned ("<stdin>" for -), (where) when the error knows
 * a position: "at byte N", "at byte N of the decompressed data",
 * "line L:C".  The error functions return the exit status to return with
 * them, HS_EXIT_USAGE: `return cli_error(...)`. */
#include <stdarg.h>
#include <string.h>

#include "cmd.h"

/* The running command's name: set once by cli_run, before anything is
 * printed; the process runs one command. */
static const char *command;

void cli_set_command(const char *name)
{
	command = name;
}

static void head(const char *file)
{
	fputs("heapscope: ", stderr);
	if (command)
		fprintf(stderr, "%s: ", command);
	if (file)
		fprintf(stderr, "'%s': ", strcmp(file, "-") == 0 ? "<stdin>" : file);
}

static void line(const char *file, const char *fmt, va_list ap)
{
	head(file);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line(NULL, fmt, ap);
	va_end(ap);
	return HS_EXIT_USAGE;
}

int cli_file_fail(const char *file, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	line(file, fmt, ap);
	va_end(ap);
	return HS_EXIT_USAGE;
}

void cli_warn(const char *file, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	head(file);
	fputs("warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

int cli_file_error(const char *file, const hs_error *e)
{
	const char *what = e->detail[0] ? e->detail : hs_strerror(e->code);
	if (e->line)
		return cli_file_fail(file, "%s (line %u:%u)", what, e->line, e->col ? e->col : 1);
	if (e->has_offset)
		return cli_file_fail(file, "%s (at byte %llu%s)", what, (unsigned long long)e->offset,
		                     e->after_gunzip ? " of the decompressed data" : "");
	return cli_file_fail(file, "%s", what);
}
