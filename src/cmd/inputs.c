/* Inputs as ops hand them over: a directory given to a command that takes
 * many files stands for every file below it, walked recursively in name
 * order (byte order, so the same on every machine).  A symlink that leads
 * back into a directory being walked and anything that is not a regular
 * file (a FIFO, a socket, a device) is named on stderr and left out, so a
 * walk never hangs or loops.  Hidden entries (a name starting with '.':
 * an upload's ".complete" marker, a ".git") are not walked; an empty file
 * is named once as not used (nothing in it to read). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "heapscope/core.h"
#include "heapscope/gctrace.h"
#include "heapscope/heapdump.h"
#include "heapscope/load.h"
#include "heapscope/trace.h"

#include "cmd.h"

enum { MAX_DEPTH = 64 };

typedef struct walk {
	const hs_command *cmd;
	char **files;
	size_t n, cap;
	dev_t dev[MAX_DEPTH];      /* the directories being walked, outermost first */
	ino_t ino[MAX_DEPTH];
	int depth;
	bool oom;
} walk;

static bool push(walk *w, const char *path)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		char **f = realloc(w->files, cap * sizeof *f);
		if (!f)
			return !(w->oom = true);
		w->files = f;
		w->cap = cap;
	}
	if (!(w->files[w->n] = strdup(path)))
		return !(w->oom = true);
	w->n++;
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(walk *w, const char *dir, const struct stat *st);

/* One entry below a directory: a file is kept, a directory walked. */
static void walk_entry(walk *w, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		cli_file_fail(path, "%s (skipped)", strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode))
		walk_dir(w, path, &st);
	else if (S_ISREG(st.st_mode) && st.st_size == 0)
		cli_warn(path, "not used (empty)");
	else if (S_ISREG(st.st_mode))
		push(w, path);
	else
		cli_file_fail(path, "not a regular file (a FIFO, socket or device; skipped)");
}

static void walk_dir(walk *w, const char *dir, const struct stat *st)
{
	for (int i = 0; i < w->depth; i++)
		if (w->dev[i] == st->st_dev && w->ino[i] == st->st_ino) {
			cli_file_fail(dir, "a symlink loop (a directory already being walked; not followed)");
			return;
		}
	if (w->depth == MAX_DEPTH) {
		cli_file_fail(dir, "more than %d directories deep (skipped)", MAX_DEPTH);
		return;
	}
	DIR *d = opendir(dir);
	if (!d) {
		cli_file_fail(dir, "%s (skipped)", strerror(errno));
		return;
	}
	w->dev[w->depth] = st->st_dev;
	w->ino[w->depth] = st->st_ino;
	w->depth++;
	walk names = {0};
	names.cmd = w->cmd;
	for (struct dirent *e; (e = readdir(d)) != NULL && !names.oom;) {
		if (e->d_name[0] == '.')   /* ".", "..", and hidden entries */
			continue;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *path = malloc(len);
		if (!path) {
			names.oom = true;
			break;
		}
		snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
		push(&names, path);
		free(path);
	}
	closedir(d);
	w->oom |= names.oom;
	if (names.n)
		qsort(names.files, names.n, sizeof *names.files, by_name);
	for (size_t i = 0; i < names.n; i++) {
		if (!w->oom)
			walk_entry(w, names.files[i]);
		free(names.files[i]);
	}
	free(names.files);
	w->depth--;
}

int cli_expand_dirs(const hs_command *cmd, cli_opts *o)
{
	walk w = {.cmd = cmd};
	for (int i = 0; i < o->nfiles && !w.oom; i++) {
		struct stat st;
		const char *f = o->files[i];
		if (strcmp(f, "-") != 0 && stat(f, &st) == 0 && S_ISDIR(st.st_mode))
			walk_dir(&w, f, &st);
		else
			push(&w, f);     /* read errors come from the loader, by name */
	}
	if (w.oom) {
		for (size_t i = 0; i < w.n; i++)
			free(w.files[i]);
		free(w.files);
		return cli_error("out of memory listing the inputs");
	}
	if (w.n == 0) {
		free(w.files);
		return cli_error("no input file in the directories given");
	}
	o->files = w.files;
	o->nfiles = (int)w.n;
	o->owned_files = true;
	return 0;
}

void cli_free_inputs(cli_opts *o)
{
	if (!o->owned_files)
		return;
	for (int i = 0; i < o->nfiles; i++)
		free(o->files[i]);
	free(o->files);
	o->files = NULL;
	o->nfiles = 0;
	o->owned_files = false;
}

/* ---- the inventory ------------------------------------------------------- */

/* The count of Go text profiles one after another in in's bytes (head:
 * the first ones read); see cli_file_sniff. */
static size_t text_parts(hs_input *in, size_t head, bool gctrace)
{
	if (gctrace)
		return 0;
	if (hs_text_moments(in->data, head, NULL, 0) == 0)
		return 1;
	return hs_text_moments(in->data, hs_input_wait(in, SIZE_MAX), NULL, 0);
}

/* One open of `file` answers both, in left open on it (empty for stdin
 * and a file that cannot be opened).  A gctrace log is told by its first
 * 64 KiB (all hs_gctrace_detect reads), so a compressed log gets the
 * answer an uncompressed one gets, whatever the inflater has done.  The
 * heap dump reader (hd_stream) takes zstd only from the frame magic, not
 * behind a skippable frame as hs_input does: a zstd file asks it. */
static hs_input_kind open_kind(const char *file, hs_input *in, size_t *parts)
{
	memset(in, 0, sizeof *in);
	if (parts)
		*parts = 1;   /* stdin, a file that cannot be opened: loading it says why */
	if (strcmp(file, "-") == 0)
		return HS_IN_OTHER;
	hs_error e;
	hs_error_clear(&e);
	if (hs_input_open(in, file, 0, &e) != HS_OK) {
		memset(in, 0, sizeof *in);
		return HS_IN_UNREADABLE;
	}
	size_t n = hs_input_wait(in, 1 << 16);
	bool gctrace = hs_gctrace_detect(in->data, n);
	if (parts)
		*parts = text_parts(in, n, gctrace);
	bool dump = in->zstd ? hs_heapdump_sniff_file(file) : hs_heapdump_detect(in->data, n);
	return dump                          ? HS_IN_HEAPDUMP
	       : hs_trace_detect(in->data, n) ? HS_IN_TRACE
	       : hs_core_detect(in->data, n)  ? HS_IN_CORE
	       : gctrace                      ? HS_IN_GCTRACE
	                                      : HS_IN_OTHER;
}

hs_input_kind cli_file_sniff(const char *file, size_t *parts, hs_input *keep)
{
	hs_input in;
	hs_input_kind k = open_kind(file, &in, parts);
	if (keep && parts && *parts > 1)
		*keep = in;   /* read whole to count the parts: cli_load_parts reads this */
	else
		hs_input_release(&in);
	return k;
}

hs_input_kind cli_file_open(const char *file, hs_input *in)
{
	return open_kind(file, in, NULL);
}

hs_input_kind cli_file_kind(const char *file)
{
	return cli_file_sniff(file, NULL, NULL);
}

size_t cli_inventory_add(hs_inventory *inv, const char *file, const hs_profile *p)
{
	if (!inv)
		return SIZE_MAX;
	if (p)
		return hs_inventory_add_profile(inv, file, p);
	size_t i = hs_inventory_add_file(inv, file, cli_file_kind(file));
	hs_inventory_unuse(inv, i, HS_WHY_UNREADABLE);
	return i;
}

void cli_inventory_finish(hs_inventory *inv)
{
	if (!inv)
		return;
	hs_inventory_finish(inv, true);
	for (size_t i = 0; i < hs_inventory_n(inv); i++) {
		const hs_input_entry *e = hs_inventory_at(inv, i);
		if (e->why == HS_WHY_TWIN) {
			const char *used = hs_inventory_at(inv, e->other)->path;
			cli_error("'%s' and '%s' are one moment (twins): using '%s'", e->path, used, used);
		}
	}
}
