/* The `#` lines of Go's ?debug=1 text profiles (heap, allocs, goroutine,
 * threadcreate, block, mutex): after each record's addresses the runtime
 * prints one line per frame,
 *
 *     #	0x4d84d6	main.sender+0x36	/src/app/goroutines.go:38
 *
 * the frame's pc (the return address less one, which is the address pprof
 * gives the location), function+offset, file:line; an inlined call gives
 * several lines with one pc, innermost first.  pprof does not read them,
 * so without the binary every frame is an address.  This pass gives each
 * location the functions and lines its pc has there, and drops from each
 * stack the frames the runtime left unlisted at either end (leaf side:
 * runtime.mallocgc, runtime.gopark..., as Go prints a record from its
 * first frame outside the runtime's internals; root side: runtime.goexit)
 * when the stack has a listed frame.  A text without
 * `#` lines is left as it is. */
#include <stdlib.h>
#include <string.h>

#include "../core/hashmap.h"
#include "heapscope/load.h"

typedef struct sym {
	uint64_t pc;
	uint32_t rec;              /* the record (run of # lines) it is in */
	hs_str fn, file;
	int64_t line;
} sym;

typedef struct symtab {
	sym *v;
	size_t n, cap;
} symtab;

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* The next tab-separated field of [*p, end): runs of tabs separate. */
static bool field(const char **p, const char *end, const char **s, size_t *n)
{
	while (*p < end && **p == '\t')
		(*p)++;
	*s = *p;
	while (*p < end && **p != '\t')
		(*p)++;
	*n = (size_t)(*p - *s);
	return *n > 0;
}

/* "#\t0xPC\tFUNC+0xOFF\tFILE:LINE" -> sym; false when the line is not one. */
static bool parse_line(hs_profile *p, const char *s, const char *end, sym *out)
{
	if (end - s < 4 || s[0] != '#' || s[1] != '\t' || s[2] != '0' || s[3] != 'x')
		return false;
	const char *q = s + 2, *a, *f, *fl;
	size_t an, fn, fln;
	if (!field(&q, end, &a, &an) || !field(&q, end, &f, &fn) || !field(&q, end, &fl, &fln))
		return false;
	uint64_t pc = 0;
	for (size_t i = 2; i < an; i++) {
		if (!is_hex(a[i]) || pc >> 60)
			return false;
		pc = pc << 4 | (uint64_t)(a[i] <= '9' ? a[i] - '0' : a[i] - 'a' + 10);
	}
	for (size_t i = fn; i-- > 0;)       /* cut "+0xOFF" */
		if (f[i] == '+') {
			fn = i;
			break;
		}
	size_t colon = fln;
	while (colon > 0 && fl[colon - 1] >= '0' && fl[colon - 1] <= '9')
		colon--;
	if (colon == 0 || colon == fln || fl[colon - 1] != ':' || fln - colon > 9)
		return false;
	int64_t line = 0;
	for (size_t i = colon; i < fln; i++)
		line = line * 10 + (fl[i] - '0');
	out->pc = pc;
	out->fn = hs_profile_intern(p, f, fn);
	out->file = hs_profile_intern(p, fl, colon - 1);
	out->line = line;
	return out->fn != HS_NONE && out->file != HS_NONE;
}

static bool collect(hs_profile *p, const uint8_t *data, size_t n, symtab *t)
{
	const char *s = (const char *)data, *end = s + n;
	uint32_t rec = 0;
	bool in_rec = false;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		sym y;
		if (parse_line(p, s, le, &y)) {
			rec += !in_rec;
			in_rec = true;
			y.rec = rec;
			if (t->n == t->cap) {
				size_t cap = t->cap ? t->cap * 2 : 256;
				sym *v = realloc(t->v, cap * sizeof *v);
				if (!v)
					return false;
				t->v = v;
				t->cap = cap;
			}
			t->v[t->n++] = y;
		} else {
			in_rec = false;
		}
		s = nl ? nl + 1 : end;
	}
	return true;
}

/* The function (name, file), added once. */
static uint32_t function_of(hs_profile *p, hs_idmap *fns, hs_str name, hs_str file)
{
	uint64_t key = (uint64_t)name << 32 | file;
	uint32_t fi = hs_idmap_get(fns, key);
	if (fi != UINT32_MAX)
		return fi;
	hs_function *f = hs_vec_push(&p->functions, 1);
	if (!f)
		return UINT32_MAX;
	fi = (uint32_t)(p->functions.len - 1);
	f->id = fi + 1u;
	f->name = f->system_name = name;
	f->filename = file;
	bool dup;
	return hs_idmap_put(fns, key, fi, &dup) ? fi : UINT32_MAX;
}

/* Give each location the lines of the first record that lists its pc. */
static bool attach(hs_profile *p, const symtab *t, unsigned char *listed)
{
	hs_idmap first, fns;
	if (!hs_idmap_init(&first, t->n) || !hs_idmap_init(&fns, 64)) {
		hs_idmap_release(&first);
		return false;
	}
	bool ok = true, dup;
	for (size_t i = 0; ok && i < t->n; i++)
		ok = hs_idmap_put(&first, t->v[i].pc, (uint32_t)i, &dup);
	for (size_t li = 0; ok && li < p->locations.len; li++) {
		hs_location *l = hs_location_at(p, (uint32_t)li);
		uint32_t i = l->nlines ? UINT32_MAX : hs_idmap_get(&first, l->address);
		if (i == UINT32_MAX)
			continue;
		l->line_start = (uint32_t)p->lines.len;
		for (size_t k = i; ok && k < t->n && t->v[k].pc == t->v[i].pc && t->v[k].rec == t->v[i].rec; k++) {
			uint32_t fi = function_of(p, &fns, t->v[k].fn, t->v[k].file);
			hs_line *ln = fi == UINT32_MAX ? NULL : hs_vec_push(&p->lines, 1);
			if (!(ok = ln != NULL))
				break;
			ln->function = fi;
			ln->line = t->v[k].line;
			l->nlines++;
		}
		listed[li] = 1;
	}
	hs_idmap_release(&first);
	hs_idmap_release(&fns);
	return ok;
}

/* Drop a stack's runs of unlisted frames at both ends when it has a
 * listed frame. */
static void listed_span(const uint32_t *locs, uint32_t n, size_t stack, uint32_t *from,
                        uint32_t *to, void *listed)
{
	const unsigned char *l = listed;
	(void)stack;
	uint32_t a = 0, b = n;
	while (a < b && !l[locs[a]])
		a++;
	if (a == b)
		return;        /* nothing listed: keep the addresses */
	while (!l[locs[b - 1]])
		b--;
	*from = a;
	*to = b;
}

hs_err hs_text_symbolize(hs_profile *p, const uint8_t *data, size_t n, hs_error *err)
{
	symtab t = {0};
	unsigned char *listed = NULL;
	hs_err rc = HS_OK;
	if (!collect(p, data, n, &t))
		rc = hs_fail(err, HS_E_NOMEM, "out of memory reading the # lines");
	else if (t.n && !(listed = calloc(p->locations.len + 1, 1)))
		rc = hs_fail(err, HS_E_NOMEM, "out of memory reading the # lines");
	else if (t.n && !attach(p, &t, listed))
		rc = hs_fail(err, HS_E_NOMEM, "out of memory reading the # lines");
	else if (t.n)
		hs_profile_rewrite_stacks(p, listed_span, listed);
	free(listed);
	free(t.v);
	return rc;
}
