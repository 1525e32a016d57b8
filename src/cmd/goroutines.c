/* heapscope goroutines: the goroutines of dumps (or goroutine profiles)
 * in groups, biggest first, so the culprit of a leak or a pile-up is the
 * first line.
 *
 * Goroutines fall first into fine groups: same stack (function, file and
 * line of every frame), same state, same creation site.  --by then merges
 * fine groups by their stack (no merging), creation site, top frame or
 * state; a merged group shows its biggest fine group's stack.  Groups keep
 * their strings in the command's arena, so each file's model is released
 * before the next is loaded. */
#include <stdlib.h>
#include <string.h>

#include "../output/folded_name.h"
#include "../core/hashmap.h"
#include "../output/json.h"
#include "heapscope/load.h"
#include "cmd.h"

enum { BY_STACK, BY_CREATED_BY, BY_TOP_FRAME, BY_STATE };
static const char *const by_names[] = {"stack", "created-by", "top-frame", "state"};

/* DOT draws this many groups; the rest are summed in the title. */
#define DOT_GROUPS 10

typedef struct frame {
	const char *func, *file;
	int64_t line;
} frame;

typedef struct fine {
	const char *key;
	size_t keylen;
	const char *state, *created_by, *created_loc;
	const frame *frames;      /* leaf first */
	uint32_t nframes;
	const char *top;          /* first frame outside package runtime */
	int64_t count;
	int64_t *per_file;
	uint32_t group;
	bool from_dump;           /* state and wait time are known */
} fine;

typedef struct group {
	const char *key;
	size_t keylen;
	const fine *rep;          /* its biggest fine group */
	size_t nfine;
	size_t nstates;           /* distinct states among its goroutines */
	bool from_dump;           /* some of its goroutines come from a dump */
	int64_t count;
	int64_t *per_file;
	int64_t wait[3];          /* minutes: min, median, max */
} group;

typedef struct wait_rec {
	uint32_t fine;
	int64_t minutes, weight;
} wait_rec;

typedef struct gr {
	/* Two arenas: hs_arena_strndup packs strings without keeping the
	 * arena aligned, so frames and counts come from one of their own. */
	hs_arena arena;           /* frames, per-file counts */
	hs_arena strs;            /* names and keys */
	hs_strmap fine_index;
	hs_vec fines;             /* fine */
	hs_vec waits;             /* wait_rec */
	hs_vec groups;            /* group, sorted once built */
	hs_vec key;               /* char scratch */
	int by;
	int nfiles;
	char **files;
	int64_t total;            /* signed: a delta profile has negative counts */
	int64_t abs_total;        /* the base of shares, as pprof's report total */
	bool negative;
	int64_t *file_totals;
} gr;

/* Per loaded file: each distinct stack's frames and key bytes, made once. */
typedef struct stack_cache {
	const frame **frames;
	uint32_t *nframes;
	const char **key;
	size_t *keylen;
} stack_cache;

/* ---- loading ------------------------------------------------------------ */

static const char *arena_str(gr *g, const char *s)
{
	return hs_arena_strndup(&g->strs, s, strlen(s));
}

static bool key_add(hs_vec *k, const char *s, size_t n)
{
	char *d = hs_vec_push(k, n + 1);
	if (!d)
		return false;
	memcpy(d, s, n);
	d[n] = '\x1f';   /* unit separator: never in a name, keeps fields apart */
	return true;
}

/* Frames of one stack, leaf first, inlined lines expanded (profiles). */
static bool cache_stack(gr *g, const hs_profile *p, stack_cache *c, uint32_t id)
{
	uint32_t n;
	const uint32_t *st = hs_stack_at(p, id, &n);
	size_t nf = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t nl = hs_location_at(p, st[i])->nlines;
		nf += nl ? nl : 1;
	}
	frame *fr = hs_arena_alloc(&g->arena, (nf ? nf : 1) * sizeof *fr);
	if (!fr)
		return false;
	g->key.len = 0;
	size_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		const hs_location *l = hs_location_at(p, st[i]);
		if (l->nlines == 0) {
			/* Unsymbolized: the address stands for the function. */
			char addr[24];
			snprintf(addr, sizeof addr, "0x%llx", (unsigned long long)l->address);
			fr[k] = (frame){arena_str(g, addr), "", 0};
			if (!fr[k++].func || !key_add(&g->key, addr, strlen(addr)) ||
			    !key_add(&g->key, "", 0) || !key_add(&g->key, "0", 1))
				return false;
		}
		for (uint32_t j = 0; j < l->nlines; j++, k++) {
			const hs_line *ln = hs_line_at(p, l->line_start + j);
			const hs_function *f = ln->function < p->functions.len
			                           ? hs_function_at(p, ln->function) : NULL;
			const char *fn = f ? hs_s(p, f->name) : "", *file = f ? hs_s(p, f->filename) : "";
			char num[24];
			int nn = snprintf(num, sizeof num, "%lld", (long long)ln->line);
			fr[k].func = arena_str(g, fn);
			fr[k].file = arena_str(g, file);
			fr[k].line = ln->line;
			if (!fr[k].func || !fr[k].file || !key_add(&g->key, fn, strlen(fn)) ||
			    !key_add(&g->key, file, strlen(file)) || !key_add(&g->key, num, (size_t)nn))
				return false;
		}
	}
	char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
	if (!key)
		return false;
	c->frames[id] = fr;
	c->nframes[id] = (uint32_t)nf;
	c->key[id] = key;
	c->keylen[id] = g->key.len;
	return true;
}

/* The frame a goroutine waits in, as people name it: the first one
 * outside package runtime (a profile's stacks start in runtime.gopark) and
 * not one of the runtime's entry points linked into other packages
 * (sync.runtime_Semacquire, internal/poll.runtime_pollWait); else the leaf. */
static const char *top_frame(const frame *fr, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		const char *f = fr[i].func, *dot = strrchr(f, '.');
		if (strncmp(f, "runtime.", 8) != 0 && !(dot && strncmp(dot, ".runtime_", 9) == 0))
			return f;
	}
	return n ? fr[0].func : "";
}

typedef struct sample_info {
	const char *state, *created_by, *created_loc;
	int64_t wait;
} sample_info;

static void read_labels(const hs_profile *p, size_t s, bool dump, sample_info *si)
{
	si->state = "unknown";
	si->created_by = si->created_loc = "";
	si->wait = 0;
	if (!dump)
		return;   /* a profile's labels are the program's own */
	uint32_t nl;
	const hs_label *l = hs_sample_labels(p, s, &nl);
	for (uint32_t i = 0; i < nl; i++) {
		const char *k = hs_s(p, l[i].key);
		if (strcmp(k, "state") == 0)
			si->state = hs_s(p, l[i].str);
		else if (strcmp(k, "created_by") == 0)
			si->created_by = hs_s(p, l[i].str);
		else if (strcmp(k, "created_by_loc") == 0)
			si->created_loc = hs_s(p, l[i].str);
		else if (strcmp(k, "wait_minutes") == 0 && !l[i].str)
			si->wait = l[i].num;
	}
}

static fine *find_fine(gr *g, const sample_info *si, const stack_cache *c, uint32_t id,
                       uint32_t *fi)
{
	g->key.len = 0;
	if (!key_add(&g->key, si->state, strlen(si->state)) ||
	    !key_add(&g->key, si->created_by, strlen(si->created_by)) ||
	    !key_add(&g->key, si->created_loc, strlen(si->created_loc)))
		return NULL;
	char *d = hs_vec_push(&g->key, c->keylen[id]);
	if (!d)
		return NULL;
	memcpy(d, c->key[id], c->keylen[id]);
	*fi = hs_strmap_get(&g->fine_index, g->key.data, g->key.len);
	if (*fi != UINT32_MAX)
		return &HS_VEC_AT(&g->fines, fine, *fi);
	char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
	int64_t *pf = hs_arena_alloc(&g->arena, (size_t)g->nfiles * sizeof *pf);
	fine *f = key && pf ? hs_vec_push(&g->fines, 1) : NULL;
	if (!f)
		return NULL;
	memset(pf, 0, (size_t)g->nfiles * sizeof *pf);
	*fi = (uint32_t)(g->fines.len - 1);
	f->key = key;
	f->keylen = g->key.len;
	f->state = arena_str(g, si->state);
	f->created_by = arena_str(g, si->created_by);
	f->created_loc = arena_str(g, si->created_loc);
	f->frames = c->frames[id];
	f->nframes = c->nframes[id];
	f->top = top_frame(f->frames, f->nframes);
	f->per_file = pf;
	if (!f->state || !f->created_by || !f->created_loc ||
	    hs_strmap_get_or_put(&g->fine_index, key, f->keylen, *fi) == UINT32_MAX)
		return NULL;
	return f;
}

static bool add_samples(gr *g, const hs_profile *p, int vi, int file)
{
	bool dump = p->format == HS_FMT_GOROUTINE_DUMP;
	stack_cache c;
	size_t ns = p->nstacks ? p->nstacks : 1;
	c.frames = calloc(ns, sizeof *c.frames);
	c.nframes = calloc(ns, sizeof *c.nframes);
	c.key = calloc(ns, sizeof *c.key);
	c.keylen = calloc(ns, sizeof *c.keylen);
	bool ok = c.frames && c.nframes && c.key && c.keylen;
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		int64_t v = hs_sample_values(p, s)[vi];
		if (v == 0)
			continue;
		uint32_t id = hs_sample_stack_id(p, s), fi;
		if (!c.key[id] && !(ok = cache_stack(g, p, &c, id)))
			break;
		sample_info si;
		read_labels(p, s, dump, &si);
		fine *f = find_fine(g, &si, &c, id, &fi);
		wait_rec *w = f ? hs_vec_push(&g->waits, 1) : NULL;
		if (!(ok = w != NULL))
			break;
		f->from_dump |= dump;
		f->count = hs_add(f->count, v);
		f->per_file[file] = hs_add(f->per_file[file], v);
		g->total = hs_add(g->total, v);
		g->abs_total = hs_add(g->abs_total, hs_abs(v));
		g->negative |= v < 0;
		g->file_totals[file] = hs_add(g->file_totals[file], v);
		*w = (wait_rec){fi, si.wait, v};
	}
	free(c.frames);
	free(c.nframes);
	free(c.key);
	free(c.keylen);
	return ok;
}

/* ---- grouping ----------------------------------------------------------- */

static bool group_key(gr *g, const fine *f)
{
	g->key.len = 0;
	switch (g->by) {
	case BY_CREATED_BY:
		return key_add(&g->key, f->created_by, strlen(f->created_by)) &&
		       key_add(&g->key, f->created_loc, strlen(f->created_loc));
	case BY_TOP_FRAME: return key_add(&g->key, f->top, strlen(f->top));
	case BY_STATE: return key_add(&g->key, f->state, strlen(f->state));
	default: return key_add(&g->key, f->key, f->keylen);
	}
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* Biggest first; equal counts in key order, so the output is stable. */
static int cmp_groups(const void *pa, const void *pb)
{
	const group *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return cmp_bytes(a->key, a->keylen, b->key, b->keylen);
}

static const gr *wait_ctx;

static int cmp_waits(const void *pa, const void *pb)
{
	const wait_rec *a = pa, *b = pb;
	const fine *fines = wait_ctx->fines.data;
	uint32_t ga = fines[a->fine].group, gb = fines[b->fine].group;
	if (ga != gb)
		return ga < gb ? -1 : 1;
	return (a->minutes > b->minutes) - (a->minutes < b->minutes);
}

/* min, the weighted lower median and max of each group's wait times. */
static void wait_stats(gr *g)
{
	wait_ctx = g;
	if (g->waits.len)
		qsort(g->waits.data, g->waits.len, sizeof(wait_rec), cmp_waits);
	wait_ctx = NULL;
	const wait_rec *w = g->waits.data;
	const fine *fines = g->fines.data;
	for (size_t i = 0; i < g->waits.len;) {
		uint32_t gi = fines[w[i].fine].group;
		group *gp = &HS_VEC_AT(&g->groups, group, gi);
		size_t j = i;
		int64_t half = gp->count / 2 + gp->count % 2, seen = 0;
		bool median_set = false;
		for (; j < g->waits.len && fines[w[j].fine].group == gi; j++) {
			seen = hs_add(seen, w[j].weight);
			if (!median_set && seen >= half) {
				gp->wait[1] = w[j].minutes;
				median_set = true;
			}
		}
		gp->wait[0] = w[i].minutes;
		gp->wait[2] = w[j - 1].minutes;
		i = j;
	}
}

/* Count a fine group's state in its group's distinct states. */
static bool count_state(gr *g, hs_strmap *states, const fine *f, group *gp)
{
	char num[16];
	int n = snprintf(num, sizeof num, "%u", f->group);
	g->key.len = 0;
	if (!key_add(&g->key, num, (size_t)n) || !key_add(&g->key, f->state, strlen(f->state)))
		return false;
	if (hs_strmap_get(states, g->key.data, g->key.len) != UINT32_MAX)
		return true;
	char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
	if (!key)
		return false;
	gp->nstates++;
	return hs_strmap_get_or_put(states, key, g->key.len, 0) != UINT32_MAX;
}

static bool build_groups(gr *g)
{
	hs_strmap index, states;
	if (!hs_strmap_init(&index, g->fines.len + 16))
		return false;
	bool ok = hs_strmap_init(&states, g->fines.len + 16);
	for (size_t i = 0; ok && i < g->fines.len; i++) {
		fine *f = &HS_VEC_AT(&g->fines, fine, i);
		if (!(ok = group_key(g, f)))
			break;
		uint32_t gi = hs_strmap_get(&index, g->key.data, g->key.len);
		if (gi == UINT32_MAX) {
			char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
			int64_t *pf = hs_arena_alloc(&g->arena, (size_t)g->nfiles * sizeof *pf);
			group *gp = key && pf ? hs_vec_push(&g->groups, 1) : NULL;
			if (!(ok = gp != NULL))
				break;
			memset(pf, 0, (size_t)g->nfiles * sizeof *pf);
			gp->key = key;
			gp->keylen = g->key.len;
			gp->per_file = pf;
			gi = (uint32_t)(g->groups.len - 1);
			ok = hs_strmap_get_or_put(&index, key, gp->keylen, gi) != UINT32_MAX;
		}
		group *gp = &HS_VEC_AT(&g->groups, group, gi);
		gp->count = hs_add(gp->count, f->count);
		for (int k = 0; k < g->nfiles; k++)
			gp->per_file[k] = hs_add(gp->per_file[k], f->per_file[k]);
		if (!gp->rep || f->count > gp->rep->count ||
		    (f->count == gp->rep->count &&
		     cmp_bytes(f->key, f->keylen, gp->rep->key, gp->rep->keylen) < 0))
			gp->rep = f;
		gp->nfine++;
		gp->from_dump |= f->from_dump;
		f->group = gi;
		ok = count_state(g, &states, f, gp);
	}
	hs_strmap_release(&index);
	hs_strmap_release(&states);
	if (!ok)
		return false;
	wait_stats(g);
	/* Fine groups point at groups by index: sort only once they are done. */
	if (g->groups.len)
		qsort(g->groups.data, g->groups.len, sizeof(group), cmp_groups);
	return true;
}

/* ---- text --------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/'), *b = strrchr(path, '\\');
	if (b && (!s || b > s))
		s = b;
	return s ? s + 1 : path;
}

/* "main.f (file.go:12)", or "" when the goroutine's creator is unknown. */
static void creator_text(const fine *f, char *buf, size_t size)
{
	if (!*f->created_by)
		snprintf(buf, size, "%s", "");
	else if (*f->created_loc)
		snprintf(buf, size, "%s (%s)", f->created_by, base_name(f->created_loc));
	else
		snprintf(buf, size, "%s", f->created_by);
}

/* The state of a group's biggest stack, "+N" when it holds N other states. */
static void state_text(const group *gp, char *buf, size_t size)
{
	if (gp->nstates > 1)
		snprintf(buf, size, "%s +%zu", gp->rep->state, gp->nstates - 1);
	else
		snprintf(buf, size, "%s", gp->rep->state);
}

static void wait_text(const group *gp, char *buf, size_t size)
{
	if (!gp->from_dump)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld/%lld/%lld", (long long)gp->wait[0], (long long)gp->wait[1],
		         (long long)gp->wait[2]);
}

static int width_of(const char *s, int min)
{
	/* Columns count characters, not bytes: UTF-8 continuation bytes are
	 * not one. */
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += (*p & 0xc0) != 0x80;
	return w > min ? w : min;
}

static void pad(FILE *out, const char *s, int width)
{
	fputs(s, out);
	for (int k = width_of(s, 0); k < width; k++)
		putc(' ', out);
}

static void print_stack(FILE *out, const fine *f)
{
	for (uint32_t i = 0; i < f->nframes; i++) {
		fprintf(out, "  %s\n", f->frames[i].func);
		if (*f->frames[i].file || f->frames[i].line)
			fprintf(out, "        %s:%lld\n", f->frames[i].file, (long long)f->frames[i].line);
	}
	if (*f->created_by)
		fprintf(out, "  created by %s\n", f->created_by);
	if (*f->created_loc)
		fprintf(out, "        %s\n", f->created_loc);
}

typedef struct text_widths {
	int count, state, wait, top;
} text_widths;

static void table_header(FILE *out, const gr *g, const text_widths *w)
{
	char buf[32];
	fprintf(out, "\n%*s  %6s  ", w->count, "COUNT", "SHARE");
	for (int k = 0; g->nfiles > 1 && k < g->nfiles; k++) {
		snprintf(buf, sizeof buf, "#%d", k + 1);
		fprintf(out, "%*s  ", w->count, buf);
	}
	if (g->by != BY_STACK)
		fprintf(out, "%6s  ", "STACKS");
	pad(out, "STATE", w->state + 2);
	pad(out, "MINUTES min/med/max", w->wait + 2);
	pad(out, "TOP FRAME", w->top + 2);
	fprintf(out, "CREATED BY\n");
}

static void table_row(FILE *out, const gr *g, const text_widths *w, const group *gp)
{
	char buf[300];
	double share = g->abs_total ? 100.0 * (double)gp->count / (double)g->abs_total : 0;
	fprintf(out, "%*lld  %5.1f%%  ", w->count, (long long)gp->count, share);
	for (int k = 0; g->nfiles > 1 && k < g->nfiles; k++)
		fprintf(out, "%*lld  ", w->count, (long long)gp->per_file[k]);
	if (g->by != BY_STACK)
		fprintf(out, "%6zu  ", gp->nfine);
	state_text(gp, buf, sizeof buf);
	pad(out, buf, w->state + 2);
	wait_text(gp, buf, sizeof buf);
	pad(out, buf, w->wait + 2);
	char created[512];
	creator_text(gp->rep, created, sizeof created);
	const char *top = *gp->rep->top ? gp->rep->top : "-";
	if (*created)
		pad(out, top, w->top + 2);   /* no trailing blanks on a line */
	else
		fputs(top, out);
	fprintf(out, "%s\n", created);
}

static void biggest(FILE *out, const group *top)
{
	char buf[64];
	wait_text(top, buf, sizeof buf);
	fprintf(out, "\nBiggest group: %lld goroutine%s, %s", (long long)top->count,
	        top->count == 1 ? "" : "s", top->rep->state);
	if (top->nstates > 1)
		fprintf(out, " and %zu other state%s", top->nstates - 1, top->nstates > 2 ? "s" : "");
	if (top->from_dump)
		fprintf(out, ", waiting %s minutes (min/median/max)", buf);
	if (top->nfine > 1)
		fprintf(out, "; its biggest of %zu stacks", top->nfine);
	fprintf(out, ":\n");
	print_stack(out, top->rep);
}

static void write_text(FILE *out, const gr *g)
{
	size_t ng = g->groups.len;
	const group *gs = g->groups.data;
	text_widths w = {5, 5, 21, 9};
	char buf[300];
	for (size_t i = 0; i < ng; i++) {
		snprintf(buf, sizeof buf, "%lld", (long long)gs[i].count);
		w.count = width_of(buf, w.count);
		state_text(&gs[i], buf, sizeof buf);
		w.state = width_of(buf, w.state);
		wait_text(&gs[i], buf, sizeof buf);
		w.wait = width_of(buf, w.wait);
		w.top = width_of(gs[i].rep->top, w.top);
	}
	fprintf(out, "%lld goroutine%s in %zu group%s (by %s)\n", (long long)g->total,
	        g->total == 1 ? "" : "s", ng, ng == 1 ? "" : "s", by_names[g->by]);
	if (g->negative)
		fprintf(out, "(a delta profile: negative counts are goroutines that went away)\n");
	for (int k = 0; g->nfiles > 1 && k < g->nfiles; k++)
		fprintf(out, "  #%d %s: %lld\n", k + 1, g->files[k], (long long)g->file_totals[k]);
	table_header(out, g, &w);
	for (size_t i = 0; i < ng; i++)
		table_row(out, g, &w, &gs[i]);
	if (ng)
		biggest(out, &gs[0]);
}

/* ---- folded ------------------------------------------------------------- */

typedef struct folded_line {
	const fine *f;
	int64_t count;
} folded_line;

static const char *fold_key(hs_vec *k, const fine *f, size_t *len)
{
	k->len = 0;
	for (uint32_t i = f->nframes; i-- > 0;)
		if (!key_add(k, f->frames[i].func, strlen(f->frames[i].func)))
			return NULL;
	if (!key_add(k, f->state, strlen(f->state)))
		return NULL;
	*len = k->len;
	return k->data;
}

static int cmp_folded(const void *pa, const void *pb)
{
	const folded_line *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return cmp_bytes(a->f->key, a->f->keylen, b->f->key, b->f->keylen);
}

/* One line per distinct (function names, state): fine groups that differ
 * only in lines or creators fold into one. */
static bool write_folded(FILE *out, gr *g)
{
	hs_strmap index;
	hs_vec lines;
	hs_vec_init(&lines, sizeof(folded_line));
	bool ok = hs_strmap_init(&index, g->fines.len + 16);
	for (size_t i = 0; ok && i < g->fines.len; i++) {
		const fine *f = &HS_VEC_AT(&g->fines, fine, i);
		size_t len;
		const char *k = fold_key(&g->key, f, &len);
		char *copy = k ? hs_arena_strndup(&g->strs, k, len) : NULL;
		if (!(ok = copy != NULL))
			break;
		uint32_t li = hs_strmap_get_or_put(&index, copy, len, (uint32_t)lines.len);
		if (li == lines.len) {
			folded_line *fl = hs_vec_push(&lines, 1);
			if (!(ok = fl != NULL))
				break;
			fl->f = f;
		}
		ok = li != UINT32_MAX;
		if (ok) {
			folded_line *fl = &HS_VEC_AT(&lines, folded_line, li);
			fl->count = hs_add(fl->count, f->count);
		}
	}
	if (ok && lines.len)
		qsort(lines.data, lines.len, sizeof(folded_line), cmp_folded);
	for (size_t i = 0; ok && i < lines.len; i++) {
		const folded_line *fl = &HS_VEC_AT(&lines, folded_line, i);
		for (uint32_t k = fl->f->nframes; k-- > 0;) {
			folded_name_put(out, fl->f->frames[k].func, false);
			putc(';', out);
		}
		char state[300];
		snprintf(state, sizeof state, "[%s]", fl->f->state);
		folded_name_put(out, state, true);
		fprintf(out, " %lld\n", (long long)fl->count);
	}
	hs_strmap_release(&index);
	hs_vec_release(&lines);
	return ok;
}

/* ---- json --------------------------------------------------------------- */

static void write_json(FILE *out, const gr *g)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "total");
	json_int(&w, g->total);
	if (g->nfiles > 1) {
		json_key(&w, "files");
		json_begin_array(&w);
		for (int k = 0; k < g->nfiles; k++)
			json_string(&w, g->files[k]);
		json_end_array(&w);
		json_key(&w, "per_file");
		json_begin_array(&w);
		for (int k = 0; k < g->nfiles; k++)
			json_int(&w, g->file_totals[k]);
		json_end_array(&w);
	}
	json_key(&w, "groups");
	json_begin_array(&w);
	for (size_t i = 0; i < g->groups.len; i++) {
		const group *gp = &HS_VEC_AT(&g->groups, group, i);
		json_begin_object(&w);
		json_key(&w, "count");
		json_int(&w, gp->count);
		if (g->nfiles > 1) {
			json_key(&w, "per_file");
			json_begin_array(&w);
			for (int k = 0; k < g->nfiles; k++)
				json_int(&w, gp->per_file[k]);
			json_end_array(&w);
		}
		json_key(&w, "state");
		json_string(&w, gp->rep->state);
		json_key(&w, "wait_minutes");
		json_begin_array(&w);
		for (int k = 0; k < 3; k++)
			json_int(&w, gp->wait[k]);
		json_end_array(&w);
		json_key(&w, "created_by");
		json_string(&w, gp->rep->created_by);
		json_key(&w, "stack");
		json_begin_array(&w);
		for (uint32_t k = 0; k < gp->rep->nframes; k++)
			json_string(&w, gp->rep->frames[k].func);
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

/* ---- dot ---------------------------------------------------------------- */

static void dot_str(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', out);
		if (*s == '\n' || *s == '\r')
			fputs("\\n", out);
		else
			putc(*s, out);
	}
	putc('"', out);
}

typedef struct dot_edge {
	uint32_t from, to;
	int64_t weight;
	bool created;
} dot_edge;

/* Node ids: frames by function name, from 1; group boxes are G<i>. */
static bool dot_node(hs_strmap *names, hs_vec *order, const char *name, uint32_t *id)
{
	uint32_t n = (uint32_t)order->len;
	*id = hs_strmap_get_or_put(names, name, strlen(name), n);
	if (*id == UINT32_MAX)
		return false;
	if (*id == n) {
		const char **slot = hs_vec_push(order, 1);
		if (!slot)
			return false;
		*slot = name;
	}
	return true;
}

static bool dot_link(hs_idmap *index, hs_vec *edges, uint32_t from, uint32_t to, int64_t w,
                     bool created)
{
	uint64_t k = (uint64_t)from << 32 | to;
	uint32_t e = hs_idmap_get(index, k);
	if (e == UINT32_MAX) {
		dot_edge *de = hs_vec_push(edges, 1);
		if (!de || !hs_idmap_put(index, k, (uint32_t)(edges->len - 1), NULL))
			return false;
		*de = (dot_edge){from, to, 0, created};
		e = (uint32_t)(edges->len - 1);
	}
	dot_edge *de = &HS_VEC_AT(edges, dot_edge, e);
	de->weight = hs_add(de->weight, w);
	return true;
}

typedef struct dot_graph {
	hs_strmap names;          /* function name -> node index */
	hs_idmap index;           /* (from, to) -> edge */
	hs_vec order;             /* const char *: node names by index */
	hs_vec edges;             /* dot_edge */
} dot_graph;

#define DOT_GROUP_ID 0x80000000u   /* edge targets from here on are group boxes */

/* Edges run caller -> callee, from the creator to the root (dashed), and
 * from the leaf into its group's box. */
static bool dot_collect(dot_graph *d, const group *gs, size_t ng)
{
	bool ok = true;
	for (size_t i = 0; ok && i < ng; i++) {
		const fine *f = gs[i].rep;
		uint32_t prev = UINT32_MAX, id;
		if (*f->created_by && f->nframes)
			ok = dot_node(&d->names, &d->order, f->created_by, &prev);
		for (uint32_t k = f->nframes; ok && k-- > 0;) {
			ok = dot_node(&d->names, &d->order, f->frames[k].func, &id);
			if (ok && prev != UINT32_MAX)
				ok = dot_link(&d->index, &d->edges, prev, id, gs[i].count,
				              k == f->nframes - 1 && *f->created_by);
			prev = id;
		}
		if (ok && prev != UINT32_MAX)
			ok = dot_link(&d->index, &d->edges, prev, DOT_GROUP_ID + (uint32_t)i, gs[i].count,
			              false);
	}
	return ok;
}

static void dot_print(FILE *out, const gr *g, const dot_graph *d, size_t ng)
{
	const group *gs = g->groups.data;
	int64_t shown = 0;
	for (size_t i = 0; i < ng; i++)
		shown = hs_add(shown, gs[i].count);
	fprintf(out, "digraph \"goroutines\" {\n");
	fprintf(out, "label=\"%lld goroutines in %zu groups (by %s); the %zu biggest, %lld "
	             "goroutines, are drawn\" labelloc=t fontsize=16\n",
	        (long long)g->total, g->groups.len, by_names[g->by], ng, (long long)shown);
	fprintf(out, "node [shape=box style=filled fillcolor=\"#f8f8f8\" fontsize=10]\n");
	for (size_t i = 0; i < d->order.len; i++) {
		fprintf(out, "F%zu [label=", i + 1);
		dot_str(out, HS_VEC_AT(&d->order, const char *, i));
		fprintf(out, "]\n");
	}
	for (size_t i = 0; i < ng; i++) {
		char label[600], wait[64];
		wait_text(&gs[i], wait, sizeof wait);
		snprintf(label, sizeof label, "%lld goroutine%s\n[%s]%s%s", (long long)gs[i].count,
		         gs[i].count == 1 ? "" : "s", gs[i].rep->state,
		         gs[i].from_dump ? "\nwait " : "", gs[i].from_dump ? wait : "");
		fprintf(out, "G%zu [label=", i + 1);
		dot_str(out, label);
		fprintf(out, " shape=box3d fillcolor=\"%s\" fontsize=%d]\n",
		        i == 0 ? "#edd8d5" : "#f0e6d2", i == 0 ? 16 : 12);
	}
	int64_t max = ng ? hs_abs(gs[0].count) : 1;
	for (size_t i = 0; i < d->edges.len; i++) {
		const dot_edge *e = &HS_VEC_AT(&d->edges, dot_edge, i);
		int pen = max > 0 ? 1 + (int)(5 * (double)hs_abs(e->weight) / (double)max) : 1;
		if (pen > 6)
			pen = 6;
		if (e->to >= DOT_GROUP_ID)
			fprintf(out, "F%u -> G%u", e->from + 1, e->to - DOT_GROUP_ID + 1);
		else
			fprintf(out, "F%u -> F%u", e->from + 1, e->to + 1);
		fprintf(out, " [label=\" %lld\" penwidth=%d%s]\n", (long long)e->weight, pen,
		        e->created ? " style=dashed" : "");
	}
	fprintf(out, "}\n");
}

static bool write_dot(FILE *out, gr *g)
{
	size_t ng = g->groups.len < DOT_GROUPS ? g->groups.len : DOT_GROUPS;
	dot_graph d;
	memset(&d, 0, sizeof d);
	hs_vec_init(&d.order, sizeof(const char *));
	hs_vec_init(&d.edges, sizeof(dot_edge));
	bool ok = hs_strmap_init(&d.names, 64) && hs_idmap_init(&d.index, 64) &&
	          dot_collect(&d, g->groups.data, ng);
	if (ok)
		dot_print(out, g, &d, ng);
	hs_strmap_release(&d.names);
	hs_idmap_release(&d.index);
	hs_vec_release(&d.order);
	hs_vec_release(&d.edges);
	return ok;
}

/* ---- the command -------------------------------------------------------- */

static bool write_text_ok(FILE *out, gr *g) { write_text(out, g); return true; }
static bool write_json_ok(FILE *out, gr *g) { write_json(out, g); return true; }

static const struct {
	const char *name;
	bool (*write)(FILE *out, gr *g);   /* false: out of memory */
} formats[] = {
	{"text", write_text_ok},
	{"folded", write_folded},
	{"json", write_json_ok},
	{"dot", write_dot},
};

static int parse_by(const char *s)
{
	if (!s)
		return BY_STACK;
	for (int i = 0; i < (int)(sizeof by_names / sizeof by_names[0]); i++)
		if (strcmp(s, by_names[i]) == 0)
			return i;
	return -1;
}

/* Load each file and add its goroutines; false after printing why. */
static bool gather(gr *g)
{
	for (int k = 0; k < g->nfiles; k++) {
		const char *file = g->files[k];
		hs_profile p;
		hs_profile_init(&p);
		bool ok = cli_load(&p, file);
		int vi = ok ? hs_profile_find_index(&p, "goroutine") : -1;
		if (ok && vi < 0) {
			cli_error("'%s': not a goroutine dump or goroutine profile (no sample type "
			          "'goroutine')", strcmp(file, "-") == 0 ? "<stdin>" : file);
			ok = false;
		}
		if (ok && !add_samples(g, &p, vi, k)) {
			cli_error("out of memory grouping goroutines");
			ok = false;
		}
		hs_profile_release(&p);
		if (!ok)
			return false;
	}
	return true;
}

static void gr_release(gr *g)
{
	hs_strmap_release(&g->fine_index);
	hs_vec_release(&g->fines);
	hs_vec_release(&g->waits);
	hs_vec_release(&g->groups);
	hs_vec_release(&g->key);
	hs_arena_release(&g->arena);
	hs_arena_release(&g->strs);
	free(g->file_totals);
}

int cmd_goroutines(int argc, char **argv)
{
	cli_opts o;
	const hs_command *cmd = hs_find_command("goroutines");
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? HS_EXIT_OK : rc;
	gr g;
	memset(&g, 0, sizeof g);
	if ((g.by = parse_by(o.by)) < 0) {
		cli_error("goroutines: unknown --by '%s' (want stack, created-by, top-frame or state)",
		          o.by);
		return HS_EXIT_USAGE;
	}
	g.nfiles = o.nfiles;
	g.files = o.files;
	hs_arena_init(&g.arena);
	hs_arena_init(&g.strs);
	hs_vec_init(&g.fines, sizeof(fine));
	hs_vec_init(&g.waits, sizeof(wait_rec));
	hs_vec_init(&g.groups, sizeof(group));
	hs_vec_init(&g.key, 1);
	g.file_totals = calloc((size_t)o.nfiles, sizeof *g.file_totals);
	rc = HS_EXIT_USAGE;
	if (!g.file_totals || !hs_strmap_init(&g.fine_index, 1024)) {
		cli_error("out of memory");
		goto out;
	}
	if (!gather(&g))
		goto out;
	if (!build_groups(&g)) {
		cli_error("out of memory grouping goroutines");
		goto out;
	}
	FILE *out = cli_open_output(&o);
	if (!out)
		goto out;
	rc = HS_EXIT_OK;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(o.format, formats[i].name) == 0 && !formats[i].write(out, &g)) {
			cli_error("out of memory writing %s output", o.format);
			rc = HS_EXIT_USAGE;
		}
	if (!cli_close_output(out, &o))
		rc = HS_EXIT_USAGE;
out:
	gr_release(&g);
	return rc;
}
