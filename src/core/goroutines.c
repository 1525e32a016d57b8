/* Goroutines in groups: see include/heapscope/goroutines.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/blocking.h"
#include "heapscope/goroutines.h"
#include "hashmap.h"
#include "sort.h"

static const char *const by_names[] = {"stack", "created-by", "top-frame", "state"};

int hs_group_by_parse(const char *s)
{
	if (!s)
		return HS_BY_STACK;
	for (int i = 0; i < (int)(sizeof by_names / sizeof by_names[0]); i++)
		if (strcmp(s, by_names[i]) == 0)
			return i;
	return -1;
}

const char *hs_group_by_name(hs_group_by by)
{
	return (unsigned)by < sizeof by_names / sizeof by_names[0] ? by_names[by] : "?";
}

/* Per loaded file: each distinct stack's frames and key bytes, made once. */
typedef struct stack_cache {
	const hs_gframe **frames;
	uint32_t *nframes;
	const char **state;        /* what the stack waits on (hs_wait_state_of) */
	const char **key;
	size_t *keylen;
} stack_cache;

/* ---- loading ------------------------------------------------------------ */

typedef struct gwait {
	uint32_t fine;
	uint32_t lset;            /* label set (lsets) */
	int64_t minutes, weight;
} gwait;

/* A distinct label set, its pairs in the arena; key: its index key. */
typedef struct glset {
	hs_glabels l;
	const char *key;
	size_t keylen;
} glset;

HS_VEC_TYPED(gfine_vec, hs_gfine)
HS_VEC_TYPED(glset_vec, glset)
HS_VEC_TYPED(gwait_vec, gwait)
HS_VEC_TYPED(ggroup_vec, hs_ggroup)

struct hs_goroutines {
	/* Two arenas: hs_arena_strndup packs strings without keeping the
	 * arena aligned, so frames and counts come from one of their own. */
	hs_arena arena;           /* frames, per-file counts */
	hs_arena strs;            /* names and keys */
	hs_strmap index;          /* fine group keys */
	gfine_vec fines;
	gwait_vec waits;
	ggroup_vec groups;        /* sorted by hs_goroutines_finish */
	hs_vec key;               /* char scratch */
	hs_strmap lindex;         /* label set keys -> lsets */
	glset_vec lsets;          /* 0: no labels */
	hs_vec pairs;             /* const char * scratch: key, value... */
	hs_group_by by;
	int nfiles;
	int64_t total;            /* signed: a delta profile has negative counts */
	int64_t abs_total;        /* the base of shares, as pprof's report total */
	bool negative;
	int64_t *file_totals;
};

static const char *arena_str(hs_goroutines *g, const char *s)
{
	return hs_arena_strndup(&g->strs, s, strlen(s));
}

bool hs_gkey_add(hs_vec *k, const char *s, size_t n)
{
	char *d = hs_vec_push(k, n + 1);
	if (!d)
		return false;
	memcpy(d, s, n);
	d[n] = '\x1f';   /* unit separator: never in a name, keeps fields apart */
	return true;
}

/* Frames of one stack, leaf first, inlined lines expanded (profiles). */
/* The wait a stack shows, for a profile that names no state: the one
 * reading blocking uses too (hs_wait_kind_from_frames). */
static const char *stack_state(const hs_gframe *fr, size_t n)
{
	const char *funcs[64];
	size_t k = n < 64 ? n : 64;
	for (size_t i = 0; i < k; i++)
		funcs[i] = fr[i].func;
	return hs_wait_state_of(hs_wait_kind_from_frames(funcs, k));
}

static bool cache_stack(hs_goroutines *g, const hs_profile *p, stack_cache *c, uint32_t id)
{
	uint32_t n;
	const uint32_t *st = hs_stack_at(p, id, &n);
	size_t nf = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t nl = hs_location_at(p, st[i])->nlines;
		nf += nl ? nl : 1;
	}
	hs_gframe *fr = hs_arena_alloc(&g->arena, (nf ? nf : 1) * sizeof *fr);
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
			fr[k] = (hs_gframe){arena_str(g, addr), "", 0};
			if (!fr[k++].func || !hs_gkey_add(&g->key, addr, strlen(addr)) ||
			    !hs_gkey_add(&g->key, "", 0) || !hs_gkey_add(&g->key, "0", 1))
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
			if (!fr[k].func || !fr[k].file || !hs_gkey_add(&g->key, fn, strlen(fn)) ||
			    !hs_gkey_add(&g->key, file, strlen(file)) || !hs_gkey_add(&g->key, num, (size_t)nn))
				return false;
		}
	}
	char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
	if (!key)
		return false;
	c->frames[id] = fr;
	c->state[id] = stack_state(fr, k);
	c->nframes[id] = (uint32_t)nf;
	c->key[id] = key;
	c->keylen[id] = g->key.len;
	return true;
}

/* The frame a goroutine waits in, as people name it: the first one
 * outside package runtime (a profile's stacks start in runtime.gopark) and
 * not one of the runtime's entry points linked into other packages
 * (sync.runtime_Semacquire, internal/poll.runtime_pollWait); else the leaf. */
static const char *top_frame(const hs_gframe *fr, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		const char *f = fr[i].func, *dot = strrchr(f, '.');
		if (strncmp(f, "runtime.", 8) != 0 && !(dot && strncmp(dot, ".runtime_", 9) == 0))
			return f;
	}
	return n ? fr[0].func : "";
}

const char *const hs_dump_keys[HS_DK_N] = {
	"state", "wait_minutes", "dump", "created_by", "created_by_loc",
	"locked", "elided", "truncated", "ancestors",
	"created_stack", "site_created", "site_ended",
};

hs_dump_key hs_dump_key_of(const char *k)
{
	int i = 0;
	while (i < HS_DK_N && strcmp(k, hs_dump_keys[i]) != 0)
		i++;
	return (hs_dump_key)i;
}

void hs_dump_labels_read(const hs_profile *p, size_t s, hs_dump_labels *dl)
{
	uint32_t nl;
	const hs_label *l = hs_sample_labels(p, s, &nl);
	dl->created_stack = NULL;
	dl->site_created = dl->site_ended = -1;
	for (uint32_t i = 0; i < nl; i++) {
		hs_dump_key k = hs_dump_key_of(hs_s(p, l[i].key));
		const char *str = hs_s(p, l[i].str);
		/* a number only from a numeric label */
		int64_t *num = k == HS_DK_WAIT_MINUTES ? &dl->wait_minutes
		             : k == HS_DK_DUMP         ? &dl->dump
		             : k == HS_DK_SITE_CREATED ? &dl->site_created
		             : k == HS_DK_SITE_ENDED   ? &dl->site_ended : NULL;
		if (num && !l[i].str)
			*num = l[i].num;
		else if (k == HS_DK_STATE)
			dl->state = str;
		else if (k == HS_DK_CREATED_BY)
			dl->created_by = str;
		else if (k == HS_DK_CREATED_LOC)
			dl->created_loc = str;
		else if (k == HS_DK_CREATED_STACK)
			dl->created_stack = str;
	}
}

/* The string labels a dump's loader sets itself: the dump's facts, not
 * the program's pprof labels. */
static bool dump_own_label(const char *k)
{
	hs_dump_key d = hs_dump_key_of(k);
	return d != HS_DK_N && !(HS_DK_NUMBERS >> d & 1);
}

static int cmp_pairs(const void *pa, const void *pb)
{
	const char *const *a = pa, *const *b = pb;
	int c = strcmp(a[0], b[0]);
	return c ? c : strcmp(a[1], b[1]);
}

/* The label set of sample s: its string labels but a dump's own, by key;
 * UINT32_MAX on no memory. */
static uint32_t sample_lset(hs_goroutines *g, const hs_profile *p, size_t s, bool dump)
{
	uint32_t nl;
	const hs_label *l = hs_sample_labels(p, s, &nl);
	g->pairs.len = 0;
	for (uint32_t i = 0; i < nl; i++) {
		const char *k = hs_s(p, l[i].key);
		if (!l[i].str || (dump && dump_own_label(k)))
			continue;
		const char **d = hs_vec_push(&g->pairs, 2);
		if (!d)
			return UINT32_MAX;
		d[0] = k;
		d[1] = hs_s(p, l[i].str);
	}
	size_t np = g->pairs.len / 2;
	const char **pr = g->pairs.data;
	if (np == 0)
		return 0;
	qsort(pr, np, 2 * sizeof *pr, cmp_pairs);
	g->key.len = 0;
	for (size_t i = 0; i < 2 * np; i++)
		if (!hs_gkey_add(&g->key, pr[i], strlen(pr[i])))
			return UINT32_MAX;
	uint32_t id = hs_strmap_get(&g->lindex, g->key.data, g->key.len);
	if (id != UINT32_MAX)
		return id;
	char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
	const char **kv = hs_arena_alloc(&g->arena, 2 * np * sizeof *kv);
	if (!key || !kv)
		return UINT32_MAX;
	for (size_t i = 0; i < 2 * np; i++)
		if (!(kv[i] = arena_str(g, pr[i])))
			return UINT32_MAX;
	glset *ls = glset_vec_push(&g->lsets);
	if (!ls)
		return UINT32_MAX;
	*ls = (glset){{kv, (uint32_t)np, 0}, key, g->key.len};
	id = (uint32_t)(glset_vec_len(&g->lsets) - 1);
	return hs_strmap_get_or_put(&g->lindex, key, g->key.len, id) == UINT32_MAX ? UINT32_MAX : id;
}

static hs_gfine *find_fine(hs_goroutines *g, const hs_dump_labels *si, const stack_cache *c,
                           uint32_t id, uint32_t *fi)
{
	g->key.len = 0;
	if (!hs_gkey_add(&g->key, si->state, strlen(si->state)) ||
	    !hs_gkey_add(&g->key, si->created_by, strlen(si->created_by)) ||
	    !hs_gkey_add(&g->key, si->created_loc, strlen(si->created_loc)))
		return NULL;
	char *d = hs_vec_push(&g->key, c->keylen[id]);
	if (!d)
		return NULL;
	memcpy(d, c->key[id], c->keylen[id]);
	*fi = hs_strmap_get(&g->index, g->key.data, g->key.len);
	if (*fi != UINT32_MAX)
		return gfine_vec_at(&g->fines, *fi);
	char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
	int64_t *pf = hs_arena_alloc(&g->arena, (size_t)g->nfiles * sizeof *pf);
	hs_gfine *f = key && pf ? gfine_vec_push(&g->fines) : NULL;
	if (!f)
		return NULL;
	memset(pf, 0, (size_t)g->nfiles * sizeof *pf);
	*fi = (uint32_t)(gfine_vec_len(&g->fines) - 1);
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
	    hs_strmap_get_or_put(&g->index, key, f->keylen, *fi) == UINT32_MAX)
		return NULL;
	return f;
}

static bool add_samples(hs_goroutines *g, const hs_profile *p, int vi, int file, int64_t only)
{
	bool dump = p->format == HS_FMT_GOROUTINE_DUMP;
	stack_cache c;
	size_t ns = p->nstacks ? p->nstacks : 1;
	c.frames = calloc(ns, sizeof *c.frames);
	c.state = calloc(ns, sizeof *c.state);
	c.nframes = calloc(ns, sizeof *c.nframes);
	c.key = calloc(ns, sizeof *c.key);
	c.keylen = calloc(ns, sizeof *c.keylen);
	bool ok = c.frames && c.state && c.nframes && c.key && c.keylen;
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		int64_t v = hs_sample_values(p, s)[vi];
		if (v == 0)
			continue;
		hs_dump_labels si = {.state = "", .created_by = "", .created_loc = ""};
		if (dump)   /* a profile's labels are the program's own */
			hs_dump_labels_read(p, s, &si);
		if (only >= 0 && si.dump != only)
			continue;
		uint32_t ls = sample_lset(g, p, s, dump);
		if (!(ok = ls != UINT32_MAX))
			break;
		uint32_t id = hs_sample_stack_id(p, s), fi;
		if (!c.key[id] && !(ok = cache_stack(g, p, &c, id)))
			break;
		if (!*si.state)
			si.state = c.state[id];
		hs_gfine *f = find_fine(g, &si, &c, id, &fi);
		gwait *w = f ? gwait_vec_push(&g->waits) : NULL;
		if (!(ok = w != NULL))
			break;
		f->from_dump |= dump;
		f->count = hs_add(f->count, v);
		f->per_file[file] = hs_add(f->per_file[file], v);
		g->total = hs_add(g->total, v);
		g->abs_total = hs_add(g->abs_total, hs_abs(v));
		g->negative |= v < 0;
		g->file_totals[file] = hs_add(g->file_totals[file], v);
		*w = (gwait){fi, ls, si.wait_minutes, v};
	}
	free(c.frames);
	free(c.state);
	free(c.nframes);
	free(c.key);
	free(c.keylen);
	return ok;
}

/* ---- grouping ----------------------------------------------------------- */

static bool group_key(hs_goroutines *g, const hs_gfine *f)
{
	g->key.len = 0;
	switch (g->by) {
	case HS_BY_CREATED_BY:
		return hs_gkey_add(&g->key, f->created_by, strlen(f->created_by)) &&
		       hs_gkey_add(&g->key, f->created_loc, strlen(f->created_loc));
	case HS_BY_TOP_FRAME: return hs_gkey_add(&g->key, f->top, strlen(f->top));
	case HS_BY_STATE: return hs_gkey_add(&g->key, f->state, strlen(f->state));
	default: return hs_gkey_add(&g->key, f->key, f->keylen);
	}
}

int hs_gkey_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* Biggest first; equal counts in key order, so the output is stable. */
static int cmp_groups(const void *pa, const void *pb)
{
	const hs_ggroup *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return hs_gkey_cmp(a->key, a->keylen, b->key, b->keylen);
}

/* By group, then wait time (ctx: the hs_goroutines). */
static int cmp_waits(const void *pa, const void *pb, void *ctx)
{
	const gwait *a = pa, *b = pb;
	const hs_gfine *fines = gfine_vec_data(&((const hs_goroutines *)ctx)->fines);
	uint32_t ga = fines[a->fine].group, gb = fines[b->fine].group;
	if (ga != gb)
		return ga < gb ? -1 : 1;
	return (a->minutes > b->minutes) - (a->minutes < b->minutes);
}

/* min, the weighted lower median and max of each group's wait times. */
static void wait_stats(hs_goroutines *g)
{
	size_t nw = gwait_vec_len(&g->waits);
	hs_sort(gwait_vec_data(&g->waits), nw, sizeof(gwait), cmp_waits, g);
	const gwait *w = gwait_vec_data(&g->waits);
	const hs_gfine *fines = gfine_vec_data(&g->fines);
	for (size_t i = 0; i < nw;) {
		uint32_t gi = fines[w[i].fine].group;
		hs_ggroup *gp = ggroup_vec_at(&g->groups, gi);
		size_t j = i;
		int64_t half = gp->count / 2 + gp->count % 2, seen = 0;
		bool median_set = false;
		for (; j < nw && fines[w[j].fine].group == gi; j++) {
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

static int cmp_lset(const void *pa, const void *pb)
{
	const gwait *a = pa, *b = pb;
	return (a->lset > b->lset) - (a->lset < b->lset);
}

/* Most first; equal counts by their keys and values (ctx unused). */
static int cmp_labels(const void *pa, const void *pb, void *ctx)
{
	const hs_glabels *a = pa, *b = pb;
	(void)ctx;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	for (uint32_t i = 0; i < 2 * a->n && i < 2 * b->n; i++) {
		int c = strcmp(a->kv[i], b->kv[i]);
		if (c)
			return c;
	}
	return (a->n > b->n) - (a->n < b->n);
}

/* Each group's label sets with their counts, from the waits (sorted by
 * group by wait_stats; re-sorted here by label set within each group). */
static bool label_stats(hs_goroutines *g)
{
	if (glset_vec_len(&g->lsets) < 2)   /* no goroutine has a label */
		return true;
	size_t nw = gwait_vec_len(&g->waits);
	gwait *w = gwait_vec_data(&g->waits);
	const hs_gfine *fines = gfine_vec_data(&g->fines);
	const glset *sets = glset_vec_data(&g->lsets);
	for (size_t i = 0; i < nw;) {
		uint32_t gi = fines[w[i].fine].group;
		size_t j = i;
		bool any = false;
		while (j < nw && fines[w[j].fine].group == gi)
			any |= w[j++].lset != 0;
		if (!any) {
			i = j;
			continue;
		}
		qsort(w + i, j - i, sizeof *w, cmp_lset);
		size_t n = 0;
		for (size_t k = i; k < j; k++)
			n += k == i || w[k].lset != w[k - 1].lset;
		hs_glabels *out = hs_arena_alloc(&g->arena, n * sizeof *out);
		if (!out)
			return false;
		n = 0;
		for (size_t k = i; k < j; k++) {
			if (k == i || w[k].lset != w[k - 1].lset)
				out[n++] = sets[w[k].lset].l;
			out[n - 1].count = hs_add(out[n - 1].count, w[k].weight);
		}
		hs_sort(out, n, sizeof *out, cmp_labels, NULL);
		hs_ggroup *gp = ggroup_vec_at(&g->groups, gi);
		gp->labels = out;
		gp->nlabels = n;
		i = j;
	}
	return true;
}

/* Count a fine group's state in its group's distinct states. */
static bool count_state(hs_goroutines *g, hs_strmap *states, const hs_gfine *f, hs_ggroup *gp)
{
	char num[16];
	int n = snprintf(num, sizeof num, "%u", f->group);
	g->key.len = 0;
	if (!hs_gkey_add(&g->key, num, (size_t)n) || !hs_gkey_add(&g->key, f->state, strlen(f->state)))
		return false;
	if (hs_strmap_get(states, g->key.data, g->key.len) != UINT32_MAX)
		return true;
	char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
	if (!key)
		return false;
	gp->nstates++;
	return hs_strmap_get_or_put(states, key, g->key.len, 0) != UINT32_MAX;
}

static bool build_groups(hs_goroutines *g)
{
	hs_strmap index, states;
	size_t nf = gfine_vec_len(&g->fines);
	if (!hs_strmap_init(&index, nf + 16))
		return false;
	bool ok = hs_strmap_init(&states, nf + 16);
	for (size_t i = 0; ok && i < nf; i++) {
		hs_gfine *f = gfine_vec_at(&g->fines, i);
		if (!(ok = group_key(g, f)))
			break;
		uint32_t gi = hs_strmap_get(&index, g->key.data, g->key.len);
		if (gi == UINT32_MAX) {
			char *key = hs_arena_strndup(&g->strs, g->key.data, g->key.len);
			int64_t *pf = hs_arena_alloc(&g->arena, (size_t)g->nfiles * sizeof *pf);
			hs_ggroup *gp = key && pf ? ggroup_vec_push(&g->groups) : NULL;
			if (!(ok = gp != NULL))
				break;
			memset(pf, 0, (size_t)g->nfiles * sizeof *pf);
			gp->key = key;
			gp->keylen = g->key.len;
			gp->per_file = pf;
			gi = (uint32_t)(ggroup_vec_len(&g->groups) - 1);
			ok = hs_strmap_get_or_put(&index, key, gp->keylen, gi) != UINT32_MAX;
		}
		hs_ggroup *gp = ggroup_vec_at(&g->groups, gi);
		gp->count = hs_add(gp->count, f->count);
		for (int k = 0; k < g->nfiles; k++)
			gp->per_file[k] = hs_add(gp->per_file[k], f->per_file[k]);
		if (!gp->rep || f->count > gp->rep->count ||
		    (f->count == gp->rep->count &&
		     hs_gkey_cmp(f->key, f->keylen, gp->rep->key, gp->rep->keylen) < 0))
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
	if (!label_stats(g))
		return false;
	/* Fine groups point at groups by index: sort only once they are done. */
	if (ggroup_vec_len(&g->groups))
		qsort(ggroup_vec_data(&g->groups), ggroup_vec_len(&g->groups), sizeof(hs_ggroup),
		      cmp_groups);
	return true;
}

hs_goroutines *hs_goroutines_new(hs_group_by by, int nfiles, hs_error *err)
{
	hs_goroutines *g = calloc(1, sizeof *g);
	if (!g || !hs_strmap_init(&g->index, 1024)) {
		free(g);
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	if (!hs_strmap_init(&g->lindex, 16)) {
		hs_strmap_release(&g->index);
		free(g);
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	g->by = by;
	g->nfiles = nfiles;
	hs_arena_init(&g->arena);
	hs_arena_init(&g->strs);
	gfine_vec_init(&g->fines);
	gwait_vec_init(&g->waits);
	ggroup_vec_init(&g->groups);
	glset_vec_init(&g->lsets);
	hs_vec_init(&g->pairs, sizeof(const char *));
	hs_vec_init(&g->key, 1);
	g->file_totals = calloc((size_t)(nfiles > 0 ? nfiles : 1), sizeof *g->file_totals);
	glset *none = glset_vec_push(&g->lsets);   /* label set 0: none */
	if (none)
		*none = (glset){{NULL, 0, 0}, "", 0};
	if (!g->file_totals || !none) {
		hs_goroutines_free(g);
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	return g;
}

void hs_goroutines_free(hs_goroutines *g)
{
	if (!g)
		return;
	hs_strmap_release(&g->index);
	gfine_vec_release(&g->fines);
	gwait_vec_release(&g->waits);
	ggroup_vec_release(&g->groups);
	hs_strmap_release(&g->lindex);
	glset_vec_release(&g->lsets);
	hs_vec_release(&g->pairs);
	hs_vec_release(&g->key);
	hs_arena_release(&g->arena);
	hs_arena_release(&g->strs);
	free(g->file_totals);
	free(g);
}

hs_group_by hs_goroutines_by(const hs_goroutines *g) { return g->by; }
int hs_goroutines_nfiles(const hs_goroutines *g) { return g->nfiles; }
int64_t hs_goroutines_total(const hs_goroutines *g) { return g->total; }
int64_t hs_goroutines_abs_total(const hs_goroutines *g) { return g->abs_total; }
bool hs_goroutines_negative(const hs_goroutines *g) { return g->negative; }
size_t hs_goroutines_ngroups(const hs_goroutines *g) { return ggroup_vec_len(&g->groups); }
size_t hs_goroutines_nfines(const hs_goroutines *g) { return gfine_vec_len(&g->fines); }

int64_t hs_goroutines_file_total(const hs_goroutines *g, int file)
{
	return file >= 0 && file < g->nfiles ? g->file_totals[file] : 0;
}

const hs_ggroup *hs_goroutines_groups(const hs_goroutines *g)
{
	return ggroup_vec_data(&g->groups);
}

const hs_gfine *hs_goroutines_fines(const hs_goroutines *g)
{
	return gfine_vec_data(&g->fines);
}

int64_t hs_goroutines_ndumps(const hs_profile *p)
{
	if (p->format != HS_FMT_GOROUTINE_DUMP)
		return 1;
	int64_t n = 1;
	for (size_t s = 0; s < p->nsamples; s++) {
		hs_dump_labels dl = {.state = "", .created_by = "", .created_loc = ""};
		hs_dump_labels_read(p, s, &dl);
		if (dl.dump >= n)
			n = dl.dump + 1;
	}
	return n;
}

hs_err hs_goroutines_add(hs_goroutines *g, const hs_profile *p, int file, hs_error *err)
{
	return hs_goroutines_add_dump(g, p, -1, file, err);
}

hs_err hs_goroutines_add_dump(hs_goroutines *g, const hs_profile *p, int64_t dump, int file,
                              hs_error *err)
{
	int vi = hs_profile_find_index(p, "goroutine");
	if (vi < 0)
		return hs_fail(err, HS_E_USAGE,
		               "not a goroutine dump or goroutine profile (no sample type 'goroutine')");
	if (file < 0 || file >= g->nfiles)
		return hs_fail(err, HS_E_USAGE, "file number %d out of range", file);
	return add_samples(g, p, vi, file, dump) ? HS_OK
	                                   : hs_fail(err, HS_E_NOMEM, "out of memory grouping goroutines");
}

hs_err hs_goroutines_finish(hs_goroutines *g, hs_error *err)
{
	return build_groups(g) ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory grouping goroutines");
}
