/* Views: profile locations mapped to call-graph nodes at a granularity,
 * after pprof's name filters (FilterSamplesByName).  See graph.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/graph.h"
#include "heapscope/regex.h"
#include "hashmap.h"

enum { LF_FOCUS = 1, LF_IGNORE = 2, LF_HIDDEN = 4 };

static const char *const gran_names[] = {"functions", "filefunctions", "files", "lines",
                                         "addresses"};

int hs_granularity_parse(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(s, gran_names[i]) == 0)
			return i;
	return -1;
}

const char *hs_granularity_name(hs_granularity g)
{
	return (unsigned)g < 5 ? gran_names[g] : "?";
}

/* Go's filepath.Clean, for the file names pprof shows. */
static char *clean_path(hs_arena *a, const char *path)
{
	size_t n = strlen(path);
	char *out = hs_arena_alloc(a, n + 2);
	if (!out)
		return NULL;
	bool rooted = path[0] == '/';
	size_t r = 0, w = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = 1;
		dotdot = 1;
	}
	while (r < n) {
		if (path[r] == '/') {
			r++;
		} else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/')) {
			r++;
		} else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && path[r] != '/'; r++)
				out[w++] = path[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	out[w] = '\0';
	return out;
}

/* pprof's trimPath with no configured prefixes. */
static const char *trim_path(const char *f)
{
	static const char *const pre[] = {"/proc/self/cwd/./", "/proc/self/cwd/"};
	for (int i = 0; i < 2; i++)
		if (strncmp(f, pre[i], strlen(pre[i])) == 0)
			return f + strlen(pre[i]);
	return f;
}

static const char *base_name(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	const char *s = p + n;
	while (s > p && s[-1] != '/')
		s--;
	return s;
}

/* PrintableName: address, function, file[:line] or [objfile] or <unknown>. */
static char *printable(hs_arena *a, const hs_node_info *ni)
{
	char addr[20] = "", tail[64] = "";
	const char *objbase = ni->objfile[0] ? base_name(ni->objfile) : "";
	if (ni->address)
		snprintf(addr, sizeof addr, "%016" PRIx64, ni->address);
	const char *third = "";
	if (ni->lineno) {
		snprintf(tail, sizeof tail, ":%" PRId64, ni->lineno);
		third = ni->file;
	} else if (ni->file[0]) {
		third = ni->file;
	} else if (ni->func[0]) {
		third = NULL;
	} else if (objbase[0]) {
		third = objbase;
	} else {
		third = "<unknown>";
	}
	size_t cap = strlen(addr) + strlen(ni->func) + (third ? strlen(third) : 0) +
	             strlen(tail) + 8;
	char *out = hs_arena_alloc(a, cap);
	if (!out)
		return NULL;
	size_t w = 0;
	const char *parts[3] = {addr, ni->func, NULL};
	for (int i = 0; i < 2; i++) {
		if (!parts[i][0])
			continue;
		w += (size_t)snprintf(out + w, cap - w, "%s%s", w ? " " : "", parts[i]);
	}
	if (third) {
		bool bracket = !ni->lineno && !ni->file[0] && !ni->func[0] && objbase[0];
		w += (size_t)snprintf(out + w, cap - w, "%s%s%s%s%s", w ? " " : "",
		                      bracket ? "[" : "", third, bracket ? "]" : "", tail);
	}
	return out;
}

typedef struct builder {
	hs_view *v;
	hs_strmap ids;
	char *key;
	size_t keycap;
	/* At functions granularity a line's node is its function's name
	 * alone: per function index, its node + 1 (0: not looked up yet). */
	uint32_t *fn_node;
	hs_error *err;
} builder;

/* Node identity is the whole NodeInfo, as in pprof: two nodes may print
 * the same name yet differ (e.g. files granularity keeps start lines). */
static uint32_t intern_node(builder *b, hs_node_info *ni)
{
	const char *fields[3] = {ni->func, ni->file, ni->objfile};
	size_t need = 64;
	for (int i = 0; i < 3; i++)
		need += strlen(fields[i]) + 1;
	if (need > b->keycap) {
		char *k = realloc(b->key, need * 2);
		if (!k)
			return HS_NONE;
		b->key = k;
		b->keycap = need * 2;
	}
	size_t w = 0;
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(fields[i]);
		memcpy(b->key + w, fields[i], n + 1);
		w += n + 1;
	}
	memcpy(b->key + w, &ni->lineno, 8);
	memcpy(b->key + w + 8, &ni->address, 8);
	memcpy(b->key + w + 16, &ni->start_line, 8);
	w += 24;
	uint32_t next = (uint32_t)b->v->nodes.len;
	uint32_t found = hs_strmap_get(&b->ids, b->key, w);
	if (found != UINT32_MAX)
		return found;
	char *k = hs_arena_strndup(&b->v->arena, b->key, w);
	hs_node_info *slot = k ? hs_vec_push(&b->v->nodes, 1) : NULL;
	if (!slot)
		return HS_NONE;
	*slot = *ni;
	slot->name = printable(&b->v->arena, ni);
	if (!slot->name || hs_strmap_get_or_put(&b->ids, k, w, next) == UINT32_MAX)
		return HS_NONE;
	return next;
}

static uint32_t node_for(builder *b, const hs_location *l, const hs_line *ln)
{
	const hs_profile *p = b->v->p;
	hs_granularity g = b->v->granularity;
	hs_node_info ni = {.func = "", .file = "", .objfile = ""};
	const char *obj = l->mapping != HS_NONE ? hs_s(p, hs_mapping_at(p, l->mapping)->file) : "";
	if (g == HS_GRAN_ADDRESSES)
		ni.address = l->address;
	if (!ln) {
		ni.objfile = obj;
		return intern_node(b, &ni);
	}
	const hs_function *f = hs_function_at(p, ln->function);
	uint32_t *cached = g == HS_GRAN_FUNCTIONS && b->fn_node && ln->function < p->functions.len
	                   ? &b->fn_node[ln->function] : NULL;
	if (cached && *cached)
		return *cached - 1;
	if (g != HS_GRAN_FILES)
		ni.func = hs_s(p, f->name);
	if (g != HS_GRAN_FUNCTIONS && *hs_s(p, f->filename)) {
		ni.file = clean_path(&b->v->arena, trim_path(hs_s(p, f->filename)));
		if (!ni.file)
			return HS_NONE;
	}
	if (g == HS_GRAN_LINES || g == HS_GRAN_ADDRESSES)
		ni.lineno = ln->line;
	if (!ni.func[0]) {
		ni.objfile = obj;
		ni.start_line = f->start_line;
		return intern_node(b, &ni);   /* the mapping counts too: not cached */
	}
	uint32_t id = intern_node(b, &ni);
	if (cached && id != HS_NONE)
		*cached = id + 1;
	return id;
}

/* pprof's Location.matchesName: any line's function or file name, or the
 * mapping's file. */
static bool line_matches(const hs_profile *p, hs_regex *re, const hs_line *ln)
{
	const hs_function *f = hs_function_at(p, ln->function);
	const hs_string *name = &HS_VEC_AT(&p->strings, hs_string, f->name);
	const hs_string *file = &HS_VEC_AT(&p->strings, hs_string, f->filename);
	return hs_regex_match(re, name->s, name->len) || hs_regex_match(re, file->s, file->len);
}

static bool mapping_matches(const hs_profile *p, hs_regex *re, const hs_location *l)
{
	if (l->mapping == HS_NONE)
		return false;
	const hs_string *f = &HS_VEC_AT(&p->strings, hs_string, hs_mapping_at(p, l->mapping)->file);
	return hs_regex_match(re, f->s, f->len);
}

static bool loc_matches(const hs_profile *p, hs_regex *re, const hs_location *l)
{
	for (uint32_t k = 0; k < l->nlines; k++)
		if (line_matches(p, re, hs_line_at(p, l->line_start + k)))
			return true;
	return mapping_matches(p, re, l);
}

typedef struct filters {
	hs_regex *focus, *ignore, *hide, *show;
} filters;

/* Nodes of one location after hide/show; marks focus/ignore/hidden. */
static hs_err map_location(builder *b, filters *fl, uint32_t li, size_t *w)
{
	hs_view *v = b->v;
	const hs_profile *p = v->p;
	const hs_location *l = hs_location_at(p, li);
	uint8_t flags = 0;
	if (fl->ignore && loc_matches(p, fl->ignore, l)) {
		flags |= LF_IGNORE;
		v->ignore_matched = true;
	} else if (!fl->focus || loc_matches(p, fl->focus, l)) {
		flags |= LF_FOCUS;
		v->focus_matched = true;
	}
	bool hiding = fl->hide && loc_matches(p, fl->hide, l);
	if (hiding)
		v->hide_matched = true;
	/* pprof's unmatchedLines/matchedLines: a matching mapping file hides,
	 * or shows, every line of the location. */
	bool hide_all = hiding && mapping_matches(p, fl->hide, l);
	bool show_all = fl->show && mapping_matches(p, fl->show, l);
	v->loc_off[li] = (uint32_t)*w;
	for (uint32_t k = 0; k < (l->nlines ? l->nlines : 1); k++) {
		const hs_line *ln = l->nlines ? hs_line_at(p, l->line_start + k) : NULL;
		if (hide_all || (hiding && ln && line_matches(p, fl->hide, ln)))
			continue;
		if (fl->show && (!ln || (!show_all && !line_matches(p, fl->show, ln))))
			continue;
		if (hiding && !ln)
			continue;
		uint32_t id = node_for(b, l, ln);
		if (id == HS_NONE)
			return hs_fail(b->err, HS_E_NOMEM, NULL);
		v->loc_nodes[(*w)++] = id;
	}
	if (*w == v->loc_off[li] && (hiding || fl->show))
		flags |= LF_HIDDEN;
	else if (fl->show && *w > v->loc_off[li])
		v->show_matched = true;
	v->loc_flags[li] = flags;
	return HS_OK;
}

static hs_err compile_filters(filters *fl, const hs_view_opts *o, hs_error *err)
{
	const char *pats[4] = {o->focus, o->ignore, o->hide, o->show};
	hs_regex **res[4] = {&fl->focus, &fl->ignore, &fl->hide, &fl->show};
	for (int i = 0; i < 4; i++)
		*res[i] = NULL;
	for (int i = 0; i < 4; i++) {
		if (pats[i] && *pats[i]) {
			hs_err rc = hs_regex_compile(res[i], pats[i], err);
			if (rc)
				return rc;
		}
	}
	return HS_OK;
}

static void free_filters(filters *fl)
{
	hs_regex_free(fl->focus);
	hs_regex_free(fl->ignore);
	hs_regex_free(fl->hide);
	hs_regex_free(fl->show);
}

/* pprof's focusedAndNotIgnored, plus "a stack left empty by hiding";
 * then the value at the sample index summed per kept stack.  Every
 * analysis is linear in sample values, so a stack walked once with its
 * sum counts exactly as its samples walked one by one. */
static void mark_stacks_into(const hs_view *v, const hs_profile *p, uint8_t *live,
                             int64_t *value)
{
	/* No filter marks any location (focused, none ignored or hidden):
	 * a stack passes if it has a frame. */
	bool plain = true;
	for (size_t l = 0; l < p->locations.len && plain; l++)
		plain = v->loc_flags[l] == LF_FOCUS;
	const uint32_t *off = p->stack_off.data;
	for (uint32_t id = 0; id < p->nstacks && plain; id++)
		live[id] = off[id + 1] != off[id];
	for (uint32_t id = 0; id < p->nstacks && !plain; id++) {
		uint32_t n;
		const uint32_t *st = hs_stack_at(p, id, &n);
		bool focused = false, ignored = false, visible = false;
		for (uint32_t k = 0; k < n; k++) {
			uint8_t f = v->loc_flags[st[k]];
			ignored |= (f & LF_IGNORE) != 0;
			focused |= (f & LF_FOCUS) != 0;
			visible |= !(f & LF_HIDDEN);
		}
		live[id] = focused && !ignored && visible ? 1 : 0;
	}
	size_t nt = hs_ntypes(p);
	const int64_t *vals = p->values.data;
	for (size_t s = 0; s < p->nsamples; s++) {
		int64_t val = vals[s * nt + (size_t)v->sample_index];
		uint32_t id = hs_sample_stack_id(p, s);
		if (val == 0 || !live[id])
			continue;
		value[id] = hs_add(value[id], val);
		live[id] = 2;   /* has a sample with a value */
	}
	for (uint32_t id = 0; id < p->nstacks; id++)
		live[id] = live[id] == 2;
}

static void mark_stacks(hs_view *v)
{
	mark_stacks_into(v, v->p, v->stack_live, v->stack_value);
}

hs_err hs_view_revalue(const hs_view *v, const hs_profile *p, hs_view *out, hs_error *err)
{
	*out = *v;
	out->p = p;
	out->stack_live = calloc(p->nstacks + 1, 1);
	out->stack_value = calloc(p->nstacks + 1, sizeof *out->stack_value);
	if (!out->stack_live || !out->stack_value) {
		hs_view_revalue_release(out);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	mark_stacks_into(v, p, out->stack_live, out->stack_value);
	out->total = hs_profile_total(p, v->sample_index);
	return HS_OK;
}

void hs_view_revalue_release(hs_view *v)
{
	free(v->stack_live);
	free(v->stack_value);
	memset(v, 0, sizeof *v);
}

hs_err hs_view_build(hs_view *v, const hs_profile *p, const hs_view_opts *o, hs_error *err)
{
	memset(v, 0, sizeof *v);
	v->p = p;
	v->sample_index = o->sample_index;
	v->granularity = o->granularity;
	hs_arena_init(&v->arena);
	hs_vec_init(&v->nodes, sizeof(hs_node_info));
	size_t nloc = p->locations.len, cap = p->lines.len + nloc;
	filters fl;
	builder b = {.v = v, .err = err};
	hs_err rc = compile_filters(&fl, o, err);
	if (rc)
		goto out;
	v->loc_off = malloc((nloc + 1) * sizeof *v->loc_off);
	v->loc_nodes = malloc((cap ? cap : 1) * sizeof *v->loc_nodes);
	v->loc_flags = malloc(nloc ? nloc : 1);
	v->stack_live = calloc(p->nstacks + 1, 1);
	v->stack_value = calloc(p->nstacks + 1, sizeof *v->stack_value);
	if (!v->loc_off || !v->loc_nodes || !v->loc_flags || !v->stack_live || !v->stack_value ||
	    !hs_strmap_init(&b.ids, nloc + 16) ||
	    (v->granularity == HS_GRAN_FUNCTIONS &&
	     !(b.fn_node = calloc(p->functions.len + 1, sizeof *b.fn_node)))) {
		rc = hs_fail(err, HS_E_NOMEM, NULL);
		goto out;
	}
	size_t w = 0;
	for (uint32_t li = 0; li < nloc && rc == HS_OK; li++)
		rc = map_location(&b, &fl, li, &w);
	v->loc_off[nloc] = (uint32_t)w;
	if (rc == HS_OK) {
		mark_stacks(v);
		v->total = hs_profile_total(p, o->sample_index);
	}
out:
	free_filters(&fl);
	hs_strmap_release(&b.ids);
	free(b.key);
	free(b.fn_node);
	if (rc)
		hs_view_release(v);
	return rc;
}

void hs_view_release(hs_view *v)
{
	free(v->loc_off);
	free(v->loc_nodes);
	free(v->loc_flags);
	free(v->stack_live);
	free(v->stack_value);
	hs_vec_release(&v->nodes);
	hs_arena_release(&v->arena);
	memset(v, 0, sizeof *v);
}

size_t hs_view_max_frames(const hs_view *v)
{
	const hs_profile *p = v->p;
	size_t best = 0;
	for (uint32_t id = 0; id < p->nstacks; id++) {
		uint32_t n;
		const uint32_t *st = hs_stack_at(p, id, &n);
		size_t c = 0;
		for (uint32_t k = 0; k < n; k++)
			c += v->loc_off[st[k] + 1] - v->loc_off[st[k]];
		if (c > best)
			best = c;
	}
	return best;
}

size_t hs_view_sample_frames(const hs_view *v, size_t s, uint32_t *out, bool *inl)
{
	return hs_view_stack_frames(v, hs_sample_stack_id(v->p, s), out, inl);
}

size_t hs_view_stack_frames(const hs_view *v, uint32_t stack, uint32_t *out, bool *inl)
{
	uint32_t n;
	const uint32_t *st = hs_stack_at(v->p, stack, &n);
	size_t w = 0;
	for (uint32_t k = n; k-- > 0;) {
		uint32_t a = v->loc_off[st[k]], b = v->loc_off[st[k] + 1];
		for (uint32_t j = b; j-- > a;) {
			if (inl)
				inl[w] = j != b - 1;
			out[w++] = v->loc_nodes[j];
		}
	}
	return w;
}
