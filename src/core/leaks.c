/* heapscope: leak candidates (leaks.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "leaks_hd.h"
#include "stacks.h"
#include "heapscope/filetime.h"
#include "heapscope/graph.h"
#include "heapscope/growth.h"
#include "heapscope/gctrace.h"
#include "heapscope/goroutines.h"
#include "heapscope/inventory.h"
#include "heapscope/idle.h"
#include "heapscope/instances.h"
#include "heapscope/leaks.h"

typedef struct lgroup {
	const char *culprit, *created_by, *state;   /* culprit: the user frame, its key */
	const char *shown;         /* the own frame, else culprit; at finish */
	hs_chain chain;
	uint32_t stack;            /* its first stack */
	hs_wait_kind kind;
	hs_idle_class idle;        /* the shape of its first stack (idle.h) */
	const char *file;          /* the file of its first stack */
	uint32_t cstack;           /* a trace's creation stack, UINT32_MAX none */
	const char *cfile;         /* the file that gave cstack */
	int64_t created, ended;    /* most its go statement started and saw
	                              return (traces), -1 unknown */
	int64_t max, wait, wait_min;   /* wait_min: -1 before the first goroutine */
	bool benign;
	bool quiet;        /* benign, as decided at finish */
	bool named;        /* a candidate names it */
} lgroup;

typedef struct lrec {
	uint32_t group;
	uint32_t snap;
	int64_t count;
	int64_t wait;              /* minutes */
} lrec;

/* A heap dump's root: (dump, root key, retained bytes). */
typedef struct hrec {
	uint32_t snap;
	const char *name;
	int64_t value;
} hrec;

/* A stack's in-use bytes in one heap snapshot: 24 bytes, one per live
 * stack of every heap profile; its site is l->site[stack]. */
typedef struct heaprec {
	uint32_t snap;
	uint32_t stack;            /* in l->stacks */
	int64_t value;
	int64_t samples;           /* raw samples behind value, thousandths (growth.h) */
} heaprec;

/* An allocation site's objects in use in one heap profile (a sample: a
 * stack and an object size), for the per-instance rule (instances.h). */
typedef struct objrec {
	const char *file;          /* the heap profile's name (l->heap_names) */
	const char *leaf_file;     /* the innermost frame's file and line */
	uint32_t stack;            /* in l->stacks */
	int32_t line;
	int64_t size, objects;
	int64_t rate;              /* the profile's sampling period (bytes) */
} objrec;

/* A goroutine snapshot: a file, or one "dump" label in it. */
typedef struct lsnap {
	const char *file;
	int64_t dump;
	int64_t goroutines;        /* every goroutine of the snapshot */
	uint32_t fi;               /* its file in files */
} lsnap;

/* An input file: its moment, its entry in the inventory (which decides
 * twins, inventory.h), and whether it is a twin left out. */
typedef struct lfile {
	const char *name;
	int64_t moment;
	uint8_t from;              /* hs_time_from of moment */
	bool heap, twin;
	size_t input;              /* its entry in l->inv */
} lfile;

HS_VEC_TYPED(lgroupvec, lgroup)
HS_VEC_TYPED(lrecvec, lrec)
HS_VEC_TYPED(hrecvec, hrec)
HS_VEC_TYPED(heaprecvec, heaprec)
HS_VEC_TYPED(objrecvec, objrec)
HS_VEC_TYPED(lsnapvec, lsnap)
HS_VEC_TYPED(leakvec, hs_leak)
HS_VEC_TYPED(lfilevec, lfile)

struct hs_leaks {
	hs_leak_opts o;
	hs_arena arena;
	hs_stacks stacks;
	lgroupvec groups;
	lrecvec recs;
	lsnapvec snaps;            /* per goroutine snapshot */
	heaprecvec heap;           /* (heap snapshot, stack, in-use bytes) */
	int64_t heap_rate;         /* the heap profiles' largest sampling period */
	objrecvec objs;            /* per heap sample: its objects in use */
	const char **site;         /* per stack of l->stacks: its heap site, at finish */
	hs_i64vec heap_times, heap_totals;
	hs_strvec heap_names;      /* per heap snapshot */
	hs_i64vec heap_files;      /* per heap snapshot: its file in files */
	lfilevec files;            /* per goroutine or heap file added */
	hrecvec retainers;         /* (heap dump, root key, retained) */
	hs_i64vec dump_reachable;
	hs_strvec dump_names;      /* per heap dump */
	hs_strmap index;           /* culprit+kind -> group */
	leakvec leaks;             /* ranked by finish */
	leaks_hd *hd;              /* heap dump suspects (leaks_heapdump.c) */
	hs_inventory *inv;         /* the files' inventory: the caller's or own */
	bool own_inv;
	const char *gctrace;       /* the last gctrace log added, and its last run */
	hs_gc_run gc;
};

leaks_hd **hs_leaks_hd_slot(hs_leaks *l)
{
	return &l->hd;
}

static const char *const leak_kind_names[HS_LEAK_NKINDS] = {
	"blocked goroutines", "goroutine pile-up", "growing goroutines",
	"created-by site", "heap growth", "growing retainer", "retention",
};

const char *hs_leak_kind_name(hs_leak_kind k)
{
	return (unsigned)k < HS_LEAK_NKINDS ? leak_kind_names[k] : "?";
}

bool hs_leak_kind_is_group(hs_leak_kind k)
{
	return k == HS_LEAK_BLOCKED || k == HS_LEAK_PILEUP || k == HS_LEAK_GROWING;
}

const char *hs_severity_name(hs_severity s)
{
	return s == HS_SEV_HIGH ? "high" : s == HS_SEV_MEDIUM ? "medium" : "low";
}

const char *hs_confidence_name(hs_confidence c)
{
	return c == HS_CONF_HIGH ? "high" : c == HS_CONF_MEDIUM ? "medium" : "low";
}

static const char *const mechanism_names[HS_MECH_NKINDS] = {
	"", "goroutine leak", "per instance", "retention", "lock contention",
};

const char *hs_mechanism_name(hs_mechanism m)
{
	return (unsigned)m < HS_MECH_NKINDS ? mechanism_names[m] : "";
}

hs_confidence hs_leak_confidence(const int64_t *s, size_t n, int64_t step, bool long_waits)
{
	size_t rises = 0;
	for (size_t i = 1; i < n; i++)
		rises += s[i] > s[i - 1];
	if (hs_series_grows(s, n, step))
		return n >= 3 && rises >= 2 ? HS_CONF_HIGH : HS_CONF_MEDIUM;
	return n >= 2 && long_waits ? HS_CONF_MEDIUM : HS_CONF_LOW;
}

void hs_leak_opts_default(hs_leak_opts *o)
{
	o->min_high = 100;
	o->min_medium = 10;
	o->min_wait_minutes = 10;
}

hs_leaks *hs_leaks_new(const hs_leak_opts *o, hs_error *err)
{
	hs_leaks *l = calloc(1, sizeof *l);
	if (l && !hs_stacks_init(&l->stacks)) {
		free(l);
		l = NULL;
	}
	if (!l || !hs_strmap_init(&l->index, 64)) {
		if (l)
			hs_stacks_release(&l->stacks);
		free(l);
		hs_fail(err, HS_E_NOMEM, "out of memory");
		return NULL;
	}
	if (o)
		l->o = *o;
	else
		hs_leak_opts_default(&l->o);
	hs_arena_init(&l->arena);
	lgroupvec_init(&l->groups);
	lrecvec_init(&l->recs);
	lsnapvec_init(&l->snaps);
	heaprecvec_init(&l->heap);
	objrecvec_init(&l->objs);
	hs_i64vec_init(&l->heap_times);
	hs_i64vec_init(&l->heap_totals);
	hs_strvec_init(&l->heap_names);
	hs_i64vec_init(&l->heap_files);
	lfilevec_init(&l->files);
	hrecvec_init(&l->retainers);
	hs_i64vec_init(&l->dump_reachable);
	hs_strvec_init(&l->dump_names);
	leakvec_init(&l->leaks);
	return l;
}

void hs_leaks_free(hs_leaks *l)
{
	if (!l)
		return;
	leakvec_release(&l->leaks);
	leaks_hd_free(l->hd);
	hrecvec_release(&l->retainers);
	hs_i64vec_release(&l->dump_reachable);
	hs_strvec_release(&l->dump_names);
	lgroupvec_release(&l->groups);
	lrecvec_release(&l->recs);
	lsnapvec_release(&l->snaps);
	heaprecvec_release(&l->heap);
	objrecvec_release(&l->objs);
	free(l->site);
	hs_i64vec_release(&l->heap_times);
	hs_i64vec_release(&l->heap_totals);
	hs_strvec_release(&l->heap_names);
	hs_i64vec_release(&l->heap_files);
	lfilevec_release(&l->files);
	hs_strmap_release(&l->index);
	hs_stacks_release(&l->stacks);
	hs_arena_release(&l->arena);
	if (l->own_inv)
		hs_inventory_free(l->inv);
	free(l);
}

hs_err hs_leaks_set_own(hs_leaks *l, const char *re, hs_error *err)
{
	return hs_owner_set_regex(l->stacks.owner, re, err);
}

void hs_leaks_summary(const hs_leaks *l, hs_leak_summary *s)
{
	memset(s, 0, sizeof *s);
	size_t ns = lsnapvec_len(&l->snaps);
	s->goroutine_snapshots = ns;
	for (size_t i = 0; i < ns; i++) {
		int64_t n = lsnapvec_at(&l->snaps, i)->goroutines;
		if (i == 0)
			s->goroutines_first = n;
		s->goroutines_last = n;
		if (n > s->goroutines_max)
			s->goroutines_max = n;
	}
	for (size_t i = 0; i < lgroupvec_len(&l->groups); i++) {
		const lgroup *g = lgroupvec_at(&l->groups, i);
		if (g->max > s->biggest_group) {
			s->biggest_group = g->max;
			s->biggest_culprit = g->shown ? g->shown : g->culprit;
			s->biggest_state = g->state;
			s->biggest_idle = g->quiet ? g->idle : HS_IDLE_NONE;
		}
	}
	s->goroutines_flat = ns > 0;
	for (size_t i = 0; i < ns; i++)
		s->goroutines_flat &= lsnapvec_at(&l->snaps, i)->goroutines == s->goroutines_first;
	size_t nh = hs_i64vec_len(&l->heap_totals);
	s->heap_snapshots = nh;
	size_t a = 0, b = nh ? nh - 1 : 0;      /* the earliest and the latest */
	for (size_t i = 0; i < nh; i++) {
		int64_t t = *hs_i64vec_at(&l->heap_times, i);
		if (t < *hs_i64vec_at(&l->heap_times, a))
			a = i;
		if (t > *hs_i64vec_at(&l->heap_times, b))
			b = i;
	}
	if (nh) {
		s->heap_first = *hs_i64vec_at(&l->heap_totals, a);
		s->heap_last = *hs_i64vec_at(&l->heap_totals, b);
		s->heap_span_ns = *hs_i64vec_at(&l->heap_times, b) - *hs_i64vec_at(&l->heap_times, a);
	}
	if ((s->gctrace = l->gctrace) != NULL) {
		s->gc_count = (int64_t)l->gc.n;
		s->gc_live_first = l->gc.live_first;
		s->gc_live_last = l->gc.live_last;
		s->gc_cpu_percent = l->gc.cpu_percent;
		s->gc_slope_per_min = l->gc.slope_per_min;
	}
}

size_t hs_leaks_n(const hs_leaks *l)
{
	return leakvec_len(&l->leaks);
}

const hs_leak *hs_leaks_at(const hs_leaks *l, size_t i)
{
	return leakvec_at(&l->leaks, i);
}

static const char *dup(hs_leaks *l, const char *s)
{
	return hs_arena_strndup(&l->arena, s, strlen(s));
}

/* A trace's creation stack (functions one per line, leaf first),
 * interned; UINT32_MAX on no memory. */
static uint32_t creation_stack(hs_leaks *l, const char *text)
{
	const char *funcs[32];
	char buf[4096];
	size_t n = 0;
	snprintf(buf, sizeof buf, "%s", text);
	for (char *p = buf, *e; p && n < 32; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (e)
			*e = '\0';
		funcs[n++] = p;
	}
	return hs_stacks_intern(&l->stacks, funcs, NULL, NULL, n);
}

/* The name of the file being added. */
static const char *last_file(const hs_leaks *l)
{
	return l->files.v.len ? lfilevec_at(&l->files, lfilevec_len(&l->files) - 1)->name : "";
}

/* The group of wi (sample s of p), a new one named after its stack. */
static lgroup *group(hs_leaks *l, const hs_wait_info *wi, const hs_profile *p, size_t s,
                     uint32_t *gi)
{
	char key[1024];
	int n = snprintf(key, sizeof key, "%d\x1f%s", (int)wi->kind, wi->culprit);
	size_t kl = n < 0 ? 0 : (size_t)n < sizeof key ? (size_t)n : sizeof key - 1;
	*gi = hs_strmap_get(&l->index, key, kl);
	if (*gi != UINT32_MAX) {
		lgroup *g = lgroupvec_at(&l->groups, *gi);
		if (!*g->created_by && *wi->created_by)
			g->created_by = dup(l, wi->created_by);
		if (!*g->state && *wi->state)
			g->state = dup(l, wi->state);
		if (wi->site_ended > g->ended)
			g->ended = wi->site_ended;
		if (wi->site_created > g->created)
			g->created = wi->site_created;
		if (g->cstack == UINT32_MAX && wi->created_stack) {
			g->cstack = creation_stack(l, wi->created_stack);
			g->cfile = last_file(l);
		}
		return g->created_by && g->state ? g : NULL;
	}
	uint32_t stack = hs_stacks_of_sample(&l->stacks, p, s);
	char *kc = stack != UINT32_MAX ? hs_arena_strndup(&l->arena, key, kl) : NULL;
	lgroup *g = kc ? lgroupvec_push(&l->groups) : NULL;
	*gi = (uint32_t)(lgroupvec_len(&l->groups) - 1);
	if (!g || hs_strmap_get_or_put(&l->index, kc, kl, *gi) == UINT32_MAX)
		return NULL;
	g->culprit = dup(l, wi->culprit);
	g->created_by = dup(l, wi->created_by);
	g->state = dup(l, wi->state);
	g->kind = wi->kind;
	g->stack = stack;
	g->file = g->cfile = last_file(l);
	g->benign = wi->runtime_only;
	g->wait_min = -1;
	g->ended = wi->site_ended;
	g->created = wi->site_created;
	g->cstack = wi->created_stack ? creation_stack(l, wi->created_stack) : UINT32_MAX;
	return g->culprit && g->created_by && g->state ? g : NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The distinct "dump" labels of label (one per sample), sorted: one
 * snapshot each; false on no memory. */
static bool dump_labels(const hs_i64vec *label, hs_i64vec *dumps)
{
	for (size_t s = 0; s < hs_i64vec_len(label); s++) {
		int64_t *d = hs_i64vec_push(dumps);
		if (!d)
			return false;
		*d = *hs_i64vec_at(label, s);
	}
	int64_t *d = hs_i64vec_data(dumps);
	size_t nd = 0;
	if (dumps->v.len)
		qsort(d, dumps->v.len, sizeof *d, cmp_i64);
	for (size_t i = 0; i < dumps->v.len; i++)
		if (i == 0 || d[i] != d[nd - 1])
			d[nd++] = d[i];
	dumps->v.len = nd;
	return true;
}

/* The index among dumps (sorted, distinct) of label d; nd when none. */
static size_t dump_index(const hs_i64vec *dumps, int64_t d)
{
	size_t nd = hs_i64vec_len(dumps);
	const int64_t *dp = nd ? bsearch(&d, hs_i64vec_data(dumps), nd, sizeof *dp, cmp_i64) : NULL;
	return dp ? (size_t)(dp - hs_i64vec_data(dumps)) : nd;
}

/* Name the snapshots a file adds: its dump labels, or the file alone. */
static bool add_snaps(hs_leaks *l, uint32_t fi, const hs_i64vec *dumps)
{
	const lfile *f = lfilevec_at(&l->files, fi);
	size_t nd = hs_i64vec_len(dumps);
	for (size_t i = 0; i < (nd ? nd : 1); i++) {
		lsnap *sn = lsnapvec_push(&l->snaps);
		if (!sn)
			return false;
		*sn = (lsnap){f->name, nd ? *hs_i64vec_at(dumps, i) : 0, 0, fi};
	}
	return true;
}

/* Each sample's wait (and with it its dump label) is read once: the
 * records first point at their sample, then at the snapshot of its label
 * once the labels have ordered the file's snapshots. */
static hs_err add_goroutines(hs_leaks *l, const hs_profile *p, uint32_t fi, hs_error *err)
{
	int vi = hs_profile_default_index(p);
	hs_i64vec label, dumps;   /* each sample's dump label; the distinct ones */
	hs_i64vec_init(&label);
	hs_i64vec_init(&dumps);
	size_t first = lsnapvec_len(&l->snaps), r0 = lrecvec_len(&l->recs);
	bool ok = true;
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		int64_t v = vi >= 0 ? hs_sample_values(p, s)[vi] : 1;
		hs_wait_info wi;
		hs_wait_info_of(p, s, &wi);
		int64_t *d = hs_i64vec_push(&label);
		if (!(ok = d != NULL))
			break;
		*d = wi.dump;
		if (v <= 0 || wi.kind == HS_WAIT_NONE)
			continue;
		uint32_t gi;
		lgroup *g = group(l, &wi, p, s, &gi);
		lrec *r = g ? lrecvec_push(&l->recs) : NULL;
		if (!(ok = r != NULL))
			break;
		*r = (lrec){gi, (uint32_t)s, v, wi.wait_minutes};
	}
	ok = ok && dump_labels(&label, &dumps) && add_snaps(l, fi, &dumps);
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		int64_t v = vi >= 0 ? hs_sample_values(p, s)[vi] : 1;
		size_t di = dump_index(&dumps, *hs_i64vec_at(&label, s));
		if (v > 0 && first + di < lsnapvec_len(&l->snaps))
			lsnapvec_at(&l->snaps, first + di)->goroutines += v;
	}
	for (size_t i = r0; ok && i < lrecvec_len(&l->recs); i++) {
		lrec *r = lrecvec_at(&l->recs, i);
		r->snap = (uint32_t)(first + dump_index(&dumps, *hs_i64vec_at(&label, r->snap)));
	}
	hs_i64vec_release(&label);
	hs_i64vec_release(&dumps);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

/* The names of view v's nodes as l->stacks keeps them, looked up once per
 * node: func[id] NULL until then. */
typedef struct node_names {
	const char **func, **file;
} node_names;

/* A stack of view v, its n frames ids/inl leaf first (as
 * hs_view_stack_frames gave them), interned; UINT32_MAX on no memory. */
static uint32_t view_stack(hs_leaks *l, const hs_view *v, node_names *nn, size_t n,
                           const uint32_t *ids, const bool *inl)
{
	const char *funcs[HS_STACKS_MAX_FRAMES], *files[HS_STACKS_MAX_FRAMES];
	bool leaf_inl[HS_STACKS_MAX_FRAMES], ok = true;
	size_t k = 0;
	/* root first: keep the innermost frames when the stack is deeper */
	for (size_t i = n; i-- > 0 && k < HS_STACKS_MAX_FRAMES; k++) {
		uint32_t id = ids[i];
		if (!nn->func[id]) {
			const hs_node_info *nd = hs_view_node(v, id);
			nn->func[id] = hs_stacks_string(&l->stacks, nd->name, &ok);
			nn->file[id] = *nd->file ? hs_stacks_string(&l->stacks, nd->file, &ok)
			                         : NULL;
			if (!ok)
				return UINT32_MAX;
		}
		funcs[k] = nn->func[id];
		files[k] = nn->file[id];
		leaf_inl[k] = inl[i];
	}
	return hs_stacks_intern_interned(&l->stacks, funcs, files, leaf_inl, k);
}

/* One record per stack with in-use bytes; the site is named at finish.
 * sid[st]: the id in l->stacks of the profile's stack st, UINT32_MAX for
 * a stack without one. */
static bool heap_stacks(hs_leaks *l, const hs_view *v, uint32_t snap, uint32_t *sid)
{
	size_t max = hs_view_max_frames(v) + 1, nnodes = v->nodes.len;
	uint32_t *ids = malloc(max * sizeof *ids);
	bool *inl = malloc(max * sizeof *inl);
	node_names nn = {calloc(nnodes + 1, sizeof *nn.func), calloc(nnodes + 1, sizeof *nn.file)};
	int64_t rate = hs_growth_rate(v->p);
	hs_error e;
	int64_t *raw = rate > 1 ? hs_growth_stack_samples(v, rate, &e) : NULL;
	bool ok = ids && inl && nn.func && nn.file && (rate <= 1 || raw);
	if (rate > l->heap_rate)
		l->heap_rate = rate;
	for (uint32_t st = 0; ok && st < v->p->nstacks; st++) {
		size_t n;
		sid[st] = UINT32_MAX;
		if (!v->stack_live[st] || !v->stack_value[st] ||
		    !(n = hs_view_stack_frames(v, st, ids, inl)))
			continue;
		uint32_t id = sid[st] = view_stack(l, v, &nn, n, ids, inl);
		heaprec *h = id != UINT32_MAX ? heaprecvec_push(&l->heap) : NULL;
		if ((ok = h != NULL))
			*h = (heaprec){snap, id, v->stack_value[st], raw ? raw[st] : 0};
	}
	free(raw);
	free(ids);
	free(inl);
	free(nn.func);
	free(nn.file);
	return ok;
}

/* One record per sample with objects in use (index oi): its stack, the
 * innermost frame's file and line, its object size (bytes at si over
 * objects), for the per-instance rule; false on no memory. */
static bool heap_objects(hs_leaks *l, const hs_profile *p, const char *file, int si, int oi,
                         const uint32_t *sid)
{
	bool ok = true;
	int64_t rate = hs_growth_rate(p);
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		const int64_t *val = hs_sample_values(p, s);
		uint32_t st = hs_sample_stack_id(p, s), n;
		const uint32_t *locs = hs_stack_at(p, st, &n);
		if (val[oi] <= 0 || sid[st] == UINT32_MAX || !n)
			continue;
		const hs_location *loc = hs_location_at(p, locs[0]);
		const hs_line *ln = loc->nlines ? hs_line_at(p, loc->line_start) : NULL;
		const hs_function *fn = ln && ln->function != HS_NONE ? hs_function_at(p, ln->function)
		                                                      : NULL;
		objrec *o = objrecvec_push(&l->objs);
		if (!(ok = o != NULL))
			break;
		*o = (objrec){file, fn ? hs_stacks_string(&l->stacks, hs_s(p, fn->filename), &ok) : "",
		              sid[st], ln && ln->line > 0 && ln->line <= INT32_MAX ? (int32_t)ln->line : 0,
		              val[si] / val[oi], val[oi], rate};
	}
	return ok;
}

static hs_err add_heap(hs_leaks *l, const hs_profile *p, uint32_t fi, int si, hs_error *err)
{
	hs_view v;
	hs_view_opts vo = {.sample_index = si, .granularity = HS_GRAN_FUNCTIONS};
	hs_err rc = hs_view_build(&v, p, &vo, err);
	if (rc)
		return rc;
	uint32_t snap = (uint32_t)hs_i64vec_len(&l->heap_times);
	int64_t *t = hs_i64vec_push(&l->heap_times), *tot = hs_i64vec_push(&l->heap_totals);
	int64_t *hf = hs_i64vec_push(&l->heap_files);
	const char **nm = hs_strvec_push(&l->heap_names);
	bool ok = t && tot && hf && nm;
	if (ok) {
		const lfile *f = lfilevec_at(&l->files, fi);
		*nm = f->name;
		*t = f->moment;
		*tot = v.total;
		*hf = fi;
	}
	uint32_t *sid = malloc((p->nstacks + 1) * sizeof *sid);
	int oi = hs_profile_type_index(p, "inuse_objects");
	ok = ok && sid && heap_stacks(l, &v, snap, sid);
	ok = ok && (oi < 0 || heap_objects(l, p, *nm, si, oi, sid));
	free(sid);
	hs_view_release(&v);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

/* A part of a file of several moments: its own name and moment. */
typedef struct lpart {
	const char *name;
	int64_t t;
	hs_time_from from;
} lpart;

/* Record file `input` of the inventory: its name and moment there, or
 * part's when not NULL; UINT32_MAX on no memory. */
static uint32_t add_file(hs_leaks *l, size_t input, bool heap, const lpart *part)
{
	const hs_input_entry *in = hs_inventory_at(l->inv, input);
	lfile *f = in ? lfilevec_push(&l->files) : NULL;
	if (!f)
		return UINT32_MAX;
	*f = (lfile){.name = dup(l, part ? part->name : in->path), .heap = heap,
	             .moment = part ? part->t : in->time,
	             .from = (uint8_t)(part ? part->from : in->time_from), .input = input};
	return f->name ? (uint32_t)(lfilevec_len(&l->files) - 1) : UINT32_MAX;
}

/* The evidence leaks reads: goroutine dumps and profiles, heap profiles
 * (the inuse_space index; -1 for goroutines). */
static bool leaks_uses(const hs_profile *p, int *si)
{
	hs_wait_source src = hs_wait_source_of(p);
	bool goroutines = src == HS_SRC_DUMP || src == HS_SRC_GOROUTINE;
	*si = goroutines ? -1 : hs_profile_type_index(p, "inuse_space");
	return goroutines || *si >= 0;
}

static hs_err add_input(hs_leaks *l, const hs_profile *p, hs_inventory *inv, size_t input,
                        const lpart *part, hs_error *err)
{
	int si;
	if (!leaks_uses(p, &si))
		return hs_fail(err, HS_E_USAGE, "not a goroutine dump, goroutine or heap profile");
	if (l->inv && l->inv != inv)
		return hs_fail(err, HS_E_USAGE, "files of two inventories");
	l->inv = inv;
	hs_err rc = hs_stacks_add_functions(&l->stacks, p, err);
	if (rc)
		return rc;
	uint32_t fi = add_file(l, input, si >= 0, part);
	if (fi == UINT32_MAX)
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	return si < 0 ? add_goroutines(l, p, fi, err) : add_heap(l, p, fi, si, err);
}

hs_err hs_leaks_add_input(hs_leaks *l, const hs_profile *p, hs_inventory *inv, size_t input,
                          hs_error *err)
{
	return add_input(l, p, inv, input, NULL, err);
}

hs_err hs_leaks_add_part(hs_leaks *l, const hs_profile *p, hs_inventory *inv, size_t input,
                         const char *name, int64_t t, hs_time_from from, hs_error *err)
{
	lpart part = {name, t, from};
	return add_input(l, p, inv, input, &part, err);
}

hs_err hs_leaks_add(hs_leaks *l, const hs_profile *p, const char *name, hs_error *err)
{
	return hs_leaks_add_kind(l, p, name, HS_IN_NKINDS, err);
}

hs_err hs_leaks_add_kind(hs_leaks *l, const hs_profile *p, const char *name, hs_input_kind kind,
                         hs_error *err)
{
	int si;
	if (!leaks_uses(p, &si))
		return hs_fail(err, HS_E_USAGE, "not a goroutine dump, goroutine or heap profile");
	if (!l->inv) {
		if (!(l->inv = hs_inventory_new(err)))
			return HS_E_NOMEM;
		l->own_inv = true;
	}
	if (!l->own_inv)
		return hs_fail(err, HS_E_USAGE, "files of two inventories");
	size_t input = hs_inventory_add_profile(l->inv, name, p);
	if (input == SIZE_MAX)
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	hs_inventory_set_kind(l->inv, input, kind);   /* HS_IN_NKINDS: the profile's */
	return hs_leaks_add_input(l, p, l->inv, input, err);
}

/* ---- moments and twins --------------------------------------------------- */

/* Twins are the inventory's (inventory.h): a file it left out for its
 * twin is left out here. */
static void mark_twins(hs_leaks *l)
{
	if (!l->inv)
		return;
	if (l->own_inv)
		hs_inventory_finish(l->inv, true);
	for (size_t i = 0; i < lfilevec_len(&l->files); i++) {
		lfile *f = lfilevec_at(&l->files, i);
		f->twin = hs_inventory_at(l->inv, f->input)->why == HS_WHY_TWIN;
	}
}

bool hs_leaks_twin(const hs_leaks *l, size_t i, const char **dropped, const char **used)
{
	if (i >= lfilevec_len(&l->files) || !lfilevec_at(&l->files, i)->twin)
		return false;
	const hs_input_entry *in = hs_inventory_at(l->inv, lfilevec_at(&l->files, i)->input);
	*dropped = in->path;
	*used = hs_inventory_at(l->inv, in->other)->path;
	return true;
}

size_t hs_leaks_nfiles(const hs_leaks *l)
{
	return lfilevec_len(&l->files);
}

/* A goroutine snapshot's place: moment, name, file as given, dump. */
typedef struct skey {
	int64_t moment;
	const char *name;
	uint32_t fi, si;
} skey;

static int cmp_skey(const void *pa, const void *pb)
{
	const skey *a = pa, *b = pb;
	int c = hs_moment_cmp(a->moment, a->name, b->moment, b->name);
	if (c)
		return c;
	return a->fi != b->fi ? (a->fi < b->fi ? -1 : 1) : (a->si > b->si) - (a->si < b->si);
}

/* Does file f hold only some of the goroutines (a trace's, alive at its
 * end; a heap dump's, no wait reasons)?  With a goroutine dump or profile
 * among the inputs such a file is no snapshot of the series: a trace of
 * the last requests would read as a drop (leaks.h); its creation stacks
 * still name creators. */
static bool partial_file(const hs_leaks *l, const lfile *f)
{
	return hs_inventory_partial(l->inv, f->input);
}

/* The kept snapshots' keys (twins left out, and partial files when a
 * whole goroutine snapshot is given); all in the order given when the
 * moments cannot order them (hs_moments_order). */
static size_t snap_keys(const hs_leaks *l, skey *k)
{
	size_t ns = lsnapvec_len(&l->snaps), nk = 0;
	const lfile *f = lfilevec_data(&l->files);
	bool whole = false;
	for (size_t i = 0; i < ns; i++) {
		const lfile *fi = &f[lsnapvec_at(&l->snaps, i)->fi];
		whole |= !fi->twin && !partial_file(l, fi);
	}
	unsigned seen = 0;
	for (size_t i = 0; i < ns; i++) {
		const lfile *fi = &f[lsnapvec_at(&l->snaps, i)->fi];
		if (!(whole && partial_file(l, fi)))
			seen |= 1u << fi->from;
	}
	bool timed = hs_moments_order(seen);
	for (size_t i = 0; i < ns; i++) {
		const lsnap *sn = lsnapvec_at(&l->snaps, i);
		if (!f[sn->fi].twin && !(whole && partial_file(l, &f[sn->fi])))
			k[nk++] = (skey){timed ? f[sn->fi].moment : 0, timed ? sn->file : "", sn->fi,
			                 (uint32_t)i};
	}
	qsort(k, nk, sizeof *k, cmp_skey);
	return nk;
}

/* Put the goroutine snapshots in time order, twins left out; the records
 * follow them.  False on no memory. */
static bool order_snaps(hs_leaks *l)
{
	size_t ns = lsnapvec_len(&l->snaps);
	skey *k = malloc((ns + 1) * sizeof *k);
	uint32_t *to = malloc((ns + 1) * sizeof *to);
	lsnap *old = malloc((ns + 1) * sizeof *old);
	bool ok = k && to && old;
	if (ok && ns) {
		size_t nk = snap_keys(l, k), nr = 0;
		memcpy(old, lsnapvec_data(&l->snaps), ns * sizeof *old);
		memset(to, 0xff, ns * sizeof *to);
		for (size_t q = 0; q < nk; q++) {
			to[k[q].si] = (uint32_t)q;
			*lsnapvec_at(&l->snaps, q) = old[k[q].si];
		}
		l->snaps.v.len = nk;
		for (size_t i = 0; i < lrecvec_len(&l->recs); i++) {
			lrec r = *lrecvec_at(&l->recs, i);
			if ((r.snap = to[r.snap]) != UINT32_MAX)
				*lrecvec_at(&l->recs, nr++) = r;
		}
		l->recs.v.len = nr;
	}
	free(k);
	free(to);
	free(old);
	return ok;
}

/* Leave the heap profiles that are twins out: their snapshots and records. */
static bool drop_heap_twins(hs_leaks *l)
{
	size_t n = hs_i64vec_len(&l->heap_files), kept = 0, nr = 0;
	uint32_t *to = malloc((n + 1) * sizeof *to);
	if (!to)
		return false;
	for (size_t i = 0; i < n; i++) {
		const lfile *f = lfilevec_at(&l->files, (size_t)*hs_i64vec_at(&l->heap_files, i));
		to[i] = !f->twin ? (uint32_t)kept++ : UINT32_MAX;
		if (to[i] == UINT32_MAX)
			continue;
		*hs_i64vec_at(&l->heap_times, to[i]) = *hs_i64vec_at(&l->heap_times, i);
		*hs_i64vec_at(&l->heap_totals, to[i]) = *hs_i64vec_at(&l->heap_totals, i);
		*hs_strvec_at(&l->heap_names, to[i]) = *hs_strvec_at(&l->heap_names, i);
	}
	l->heap_times.v.len = l->heap_totals.v.len = l->heap_names.v.len = kept;
	for (size_t i = 0; i < heaprecvec_len(&l->heap); i++) {
		heaprec h = *heaprecvec_at(&l->heap, i);
		if ((h.snap = to[h.snap]) != UINT32_MAX)
			*heaprecvec_at(&l->heap, nr++) = h;
	}
	l->heap.v.len = nr;
	free(to);
	return true;
}

/* ---- finish -------------------------------------------------------------- */

static hs_leak *new_leak(hs_leaks *l, hs_severity sev, hs_leak_kind kind, const char *culprit,
                         int64_t weight)
{
	hs_leak *k = leakvec_push(&l->leaks);
	if (!k)
		return NULL;
	*k = (hs_leak){.severity = sev, .kind = kind, .culprit = culprit, .weight = weight,
	               .state = "", .created_by = "", .confidence = HS_CONF_LOW,
	               .creators_file = "", .site_created = -1, .site_ended = -1};
	return k;
}

/* n points from the arena, zeroed; NULL on no memory. */
static hs_leak_point *new_points(hs_leaks *l, hs_leak *k, size_t n)
{
	hs_leak_point *pt = n ? hs_arena_alloc(&l->arena, n * sizeof *pt) : NULL;
	if (pt)
		memset(pt, 0, n * sizeof *pt);
	k->points = pt;
	k->npoints = pt ? n : 0;
	return pt;
}

static bool chan_like(hs_wait_kind k)
{
	return k == HS_WAIT_SELECT || k == HS_WAIT_CHAN_SEND || k == HS_WAIT_CHAN_RECV ||
	       k == HS_WAIT_NIL_CHAN || k == HS_WAIT_COND;
}

/* Idle waits while they stay idle (idle.h), runtime internals, a small
 * select. */
static bool benign(const hs_leaks *l, const lgroup *g, bool grows)
{
	if (g->benign || g->kind == HS_WAIT_NONE || hs_idle_stays(g->idle, g->max, grows, g->ended))
		return true;
	return g->kind == HS_WAIT_SELECT && g->max < l->o.min_medium;
}

static int cmp_leak(const void *pa, const void *pb)
{
	const hs_leak *a = pa, *b = pb;
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	if (!a->follows != !b->follows)
		return a->follows ? 1 : -1;   /* the cause before what follows from it */
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	int c = strcmp(a->culprit, b->culprit);
	return c ? c : strcmp(hs_leak_kind_name(a->kind), hs_leak_kind_name(b->kind));
}

/* The kind and severity of a group with series s (ns snapshots); false
 * when it is no candidate. */
static bool classify(const hs_leaks *l, const lgroup *g, bool grows, hs_leak_kind *kind,
                     hs_severity *sev)
{
	if (chan_like(g->kind)) {
		*kind = HS_LEAK_BLOCKED;
		if (g->max >= l->o.min_high)
			*sev = HS_SEV_HIGH;
		else if (g->max >= l->o.min_medium)
			*sev = HS_SEV_MEDIUM;
		else if (g->wait >= l->o.min_wait_minutes && l->o.min_wait_minutes > 0)
			*sev = HS_SEV_LOW;
		else
			return false;
		if (grows && *sev != HS_SEV_HIGH)
			*sev = (hs_severity)(*sev - 1);
		return true;
	}
	*sev = HS_SEV_MEDIUM;
	if (g->max >= l->o.min_high && g->kind != HS_WAIT_NETWORK)
		*kind = HS_LEAK_PILEUP;
	else if (grows)
		*kind = HS_LEAK_GROWING;
	else
		return false;
	return true;
}

/* Goroutines per minute from the first to the last snapshot, when every
 * file's moment comes from its content or name. */
static void group_rate(const hs_leaks *l, hs_leak *k, const int64_t *s, size_t ns)
{
	if (ns < 2)
		return;
	const lfile *a = lfilevec_at(&l->files, lsnapvec_at(&l->snaps, 0)->fi);
	const lfile *b = lfilevec_at(&l->files, lsnapvec_at(&l->snaps, ns - 1)->fi);
	for (size_t q = 0; q < ns; q++)
		if (lfilevec_at(&l->files, lsnapvec_at(&l->snaps, q)->fi)->from >= HS_TIME_MTIME)
			return;
	if (b->moment <= a->moment)
		return;
	k->has_rate = true;
	k->per_min = (double)(s[ns - 1] - s[0]) * 60e9 / (double)(b->moment - a->moment);
}

/* A candidate for group g with series s over ns snapshots. */
static bool group_leak(hs_leaks *l, lgroup *g, const int64_t *s, size_t ns)
{
	for (size_t k = 0; k < ns; k++)
		if (s[k] > g->max)
			g->max = s[k];
	/* growth: over the snapshots where the group could be seen */
	bool grows = hs_series_grows(s, ns, l->o.min_medium);
	hs_leak_kind kind;
	hs_severity sev;
	g->quiet = benign(l, g, grows);
	if (g->quiet || !classify(l, g, grows, &kind, &sev))
		return true;
	g->named = true;
	hs_leak *k = new_leak(l, sev, kind, g->shown, g->max);
	hs_leak_point *pt = k ? new_points(l, k, ns) : NULL;
	if (!pt)
		return false;
	k->chain = g->chain;
	k->wait = g->kind;
	k->state = g->state;
	k->created_by = g->created_by;
	k->goroutines = g->max;
	k->wait_min = g->wait_min < 0 ? 0 : g->wait_min;
	k->wait_max = g->wait;
	k->grows = grows;
	k->first = s[0];
	k->last = s[ns - 1];
	k->idle = g->idle;
	k->site_created = g->created;
	k->site_ended = g->ended;
	bool present = true;
	for (size_t q = 0; q < ns; q++) {
		const lsnap *sn = lsnapvec_at(&l->snaps, q);
		pt[q] = (hs_leak_point){sn->file, sn->dump, s[q], 0};
		present &= s[q] > 0;
	}
	bool long_waits = present && l->o.min_wait_minutes > 0 &&
	                  k->wait_min >= l->o.min_wait_minutes;
	k->confidence = hs_leak_confidence(s, ns, l->o.min_medium, long_waits);
	group_rate(l, k, s, ns);
	return true;
}

/* Creation sites with many live goroutines no candidate names; series:
 * each group's count per snapshot. */
static bool site_leaks(hs_leaks *l, const int64_t *series)
{
	size_t ns = lsnapvec_len(&l->snaps);
	size_t ng = lgroupvec_len(&l->groups);
	const lgroup *gs = lgroupvec_data(&l->groups);
	for (size_t gi = 0; gi < ng; gi++) {
		const lgroup *g = &gs[gi];
		if (!*g->created_by || g->named)
			continue;
		bool seen = false, covered = false;
		int64_t sum = 0;
		for (size_t j = 0; j < ng; j++) {
			const lgroup *h = &gs[j];
			if (strcmp(h->created_by, g->created_by) != 0)
				continue;
			if (j < gi)
				seen = true;
			covered |= h->named;
			if (!h->quiet)
				sum = hs_add(sum, h->max);
		}
		if (seen || covered || sum < l->o.min_high)
			continue;
		hs_leak *k = new_leak(l, HS_SEV_MEDIUM, HS_LEAK_CREATED_BY, g->created_by, sum);
		hs_leak_point *pt = k ? new_points(l, k, ns) : NULL;
		if (!pt && (!k || ns))
			return false;
		k->created_by = g->created_by;
		k->goroutines = sum;
		for (size_t q = 0; q < ns; q++) {
			const lsnap *sn = lsnapvec_at(&l->snaps, q);
			pt[q] = (hs_leak_point){sn->file, sn->dump, 0, 0};
			for (size_t j = gi; j < ng; j++)
				if (!gs[j].quiet && strcmp(gs[j].created_by, g->created_by) == 0)
					pt[q].value = hs_add(pt[q].value, series[j * ns + q]);
		}
		int64_t *vals = malloc((ns + 1) * sizeof *vals);
		if (!vals)
			return false;
		for (size_t q = 0; q < ns; q++)
			vals[q] = pt[q].value;
		k->confidence = hs_leak_confidence(vals, ns, l->o.min_medium, false);
		free(vals);
	}
	return true;
}

static hs_err finish_goroutines(hs_leaks *l, hs_error *err)
{
	size_t ng = lgroupvec_len(&l->groups), ns = lsnapvec_len(&l->snaps);
	if (ng == 0)
		return HS_OK;
	int64_t *series = calloc(ng * ns + 1, sizeof *series);
	if (!series)
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < lrecvec_len(&l->recs); i++) {
		const lrec *r = lrecvec_at(&l->recs, i);
		int64_t *c = &series[(size_t)r->group * ns + r->snap];
		*c = hs_add(*c, r->count);
		lgroup *g = lgroupvec_at(&l->groups, r->group);
		if (r->wait > g->wait)
			g->wait = r->wait;
		if (g->wait_min < 0 || r->wait < g->wait_min)
			g->wait_min = r->wait;
	}
	bool ok = true;
	for (size_t gi = 0; gi < ng; gi++) {
		lgroup *g = lgroupvec_at(&l->groups, gi);
		const char *own = hs_stacks_culprit(&l->stacks, g->stack, &g->chain);
		g->shown = own ? own : g->culprit;
		const hs_stack *st = hs_stacks_at(&l->stacks, g->stack);
		g->idle = hs_idle_classify(g->kind, (const char *const *)st->funcs, st->n);
	}
	for (size_t gi = 0; ok && gi < ng; gi++)
		ok = group_leak(l, lgroupvec_at(&l->groups, gi), series + gi * ns, ns);
	ok = ok && site_leaks(l, series);
	free(series);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

/* Feed the heap profiles to a growth series; `given` keeps their order, a
 * minute apart, for profiles without times.  *g is NULL on no memory. */
static hs_err heap_growth(hs_leaks *l, hs_growth **gp, bool given, hs_error *err)
{
	size_t n = hs_i64vec_len(&l->heap_times);
	hs_growth *g = *gp = hs_growth_new(n, err);
	if (!g)
		return HS_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		hs_growth_set_time(g, i, given ? (int64_t)i * 60000000000LL
		                               : *hs_i64vec_at(&l->heap_times, i));
		hs_growth_set_total(g, i, *hs_i64vec_at(&l->heap_totals, i));
	}
	hs_err rc = HS_OK;
	for (size_t i = 0; rc == HS_OK && i < heaprecvec_len(&l->heap); i++) {
		const heaprec *h = heaprecvec_at(&l->heap, i);
		rc = hs_growth_add_sampled(g, h->snap, l->site[h->stack], h->value, h->samples, err);
	}
	hs_growth_set_rate(g, l->heap_rate);
	hs_growth_opts go = {0};
	if (rc == HS_OK)
		rc = hs_growth_finish(g, &go, err);
	return rc;
}

/* Name the site of each heap record's stack: its innermost own frame,
 * else its leaf (the function whose flat bytes it was); false on no
 * memory. */
static bool heap_sites(hs_leaks *l)
{
	hs_chain ch;
	free(l->site);
	l->site = calloc(hs_stack_vec_len(&l->stacks.stacks) + 1, sizeof *l->site);
	if (!l->site)
		return false;
	for (size_t i = 0; i < heaprecvec_len(&l->heap); i++) {
		uint32_t st = heaprecvec_at(&l->heap, i)->stack;
		if (l->site[st])
			continue;
		const char *own = hs_stacks_culprit(&l->stacks, st, &ch);
		l->site[st] = own ? own : hs_stacks_at(&l->stacks, st)->funcs[0];
	}
	return true;
}

/* The heaviest stack of site `name` in one snapshot, UINT32_MAX none. */
static uint32_t heaviest_stack(const hs_leaks *l, const char *name)
{
	const heaprec *best = NULL;
	for (size_t i = 0; i < heaprecvec_len(&l->heap); i++) {
		const heaprec *h = heaprecvec_at(&l->heap, i);
		if ((!best || h->value > best->value) && strcmp(l->site[h->stack], name) == 0)
			best = h;
	}
	return best ? best->stack : UINT32_MAX;
}

/* The chain of site `name`: that of its heaviest stack. */
static void heap_chain(const hs_leaks *l, const char *name, hs_chain *chain)
{
	uint32_t st = heaviest_stack(l, name);
	*chain = (hs_chain){NULL, NULL, 0};
	if (st != UINT32_MAX)
		(void)hs_stacks_culprit(&l->stacks, st, chain);
}

/* Site `name`'s heaviest stack is Go's own code only: runtime and std
 * frames, no own or dependency frame (library heap, leaks.h). */
static bool go_library_only(const hs_leaks *l, const char *name)
{
	uint32_t st = heaviest_stack(l, name);
	if (st == UINT32_MAX)
		return false;
	const hs_stack *sk = hs_stacks_at(&l->stacks, st);
	for (size_t i = 0; i < sk->n; i++)
		if (hs_owner_classify(l->stacks.owner, sk->funcs[i], sk->files ? sk->files[i] : NULL) >
		    HS_FRAME_STD)
			return false;
	return true;
}

/* A sample of the candidate being explained, at its profile's position
 * in time order. */
typedef struct osite {
	const char *func, *file;
	int32_t line;
	int64_t size, objects, rate;
	size_t pos;
} osite;

static int cmp_osite(const void *pa, const void *pb)
{
	const osite *a = pa, *b = pb;
	int c = strcmp(a->func, b->func);
	if (!c)
		c = strcmp(a->file, b->file);
	if (!c)
		c = (a->line > b->line) - (a->line < b->line);
	return c ? c : (a->size > b->size) - (a->size < b->size);
}

/* k's samples (those whose site is k's culprit) as allocation sites with
 * their objects per profile in time order: the per-instance rule
 * (instances.h) sets k->instances; false on no memory. */
static bool heap_instances(hs_leaks *l, const hs_growth *g, hs_leak *k)
{
	size_t n = hs_growth_nsnap(g), m = 0, ns = 0;
	const size_t *order = hs_growth_order(g);
	osite *v = malloc((objrecvec_len(&l->objs) + 1) * sizeof *v);
	hs_alloc_site *sites = malloc((objrecvec_len(&l->objs) + 1) * sizeof *sites);
	bool ok = v && sites;
	for (size_t i = 0; ok && i < objrecvec_len(&l->objs); i++) {
		const objrec *o = objrecvec_at(&l->objs, i);
		size_t pos = 0;
		while (pos < n && *hs_strvec_at(&l->heap_names, order[pos]) != o->file)
			pos++;
		if (pos < n && l->site[o->stack] && strcmp(l->site[o->stack], k->culprit) == 0)
			v[m++] = (osite){hs_stacks_at(&l->stacks, o->stack)->funcs[0], o->leaf_file,
			                 o->line, o->size, o->objects, o->rate, pos};
	}
	if (ok && m)
		qsort(v, m, sizeof *v, cmp_osite);
	for (size_t i = 0; ok && i < m; i++) {
		if (!ns || cmp_osite(&v[i - 1], &v[i]) != 0) {
			int64_t *obj = hs_arena_alloc(&l->arena, n * sizeof *obj);
			if (!(ok = obj != NULL))
				break;
			memset(obj, 0, n * sizeof *obj);
			sites[ns++] = (hs_alloc_site){v[i].func, v[i].file, v[i].line, v[i].size, obj,
			                              v[i].rate};
		}
		if (v[i].rate > sites[ns - 1].rate)
			sites[ns - 1].rate = v[i].rate;
		int64_t *obj = (int64_t *)sites[ns - 1].objects;
		obj[v[i].pos] = hs_add(obj[v[i].pos], v[i].objects);
	}
	hs_instances in;
	hs_instances *keep = NULL;
	if (ok && hs_instances_find(sites, ns, n, k->last - k->first, &in)) {
		keep = hs_arena_alloc(&l->arena, sizeof *keep);
		if ((ok = keep != NULL))
			*keep = in;
	}
	k->instances = keep;
	free(v);
	free(sites);
	return ok;
}

static bool heap_leak(hs_leaks *l, const hs_growth *g, const hs_growth_row *r)
{
	size_t n = hs_growth_nsnap(g);
	const int64_t *totals = hs_growth_total(g)->values;
	hs_severity sev = (double)r->growth >= 0.1 * (double)totals[n - 1] ? HS_SEV_HIGH
	                                                                    : HS_SEV_MEDIUM;
	const char *nm = dup(l, r->name);
	hs_leak *k = nm ? new_leak(l, sev, HS_LEAK_HEAP_GROWTH, nm, r->growth) : NULL;
	hs_leak_point *pt = k ? new_points(l, k, n) : NULL;
	if (!pt)
		return false;
	heap_chain(l, r->name, &k->chain);
	k->first = r->values[0];
	k->last = r->values[n - 1];
	k->slope_per_min = r->slope_per_min;
	k->rising = r->rising;
	const size_t *order = hs_growth_order(g);
	for (size_t i = 0; i < n; i++)
		pt[i] = (hs_leak_point){*hs_strvec_at(&l->heap_names, order[i]), 0, r->values[i],
		                        totals[i]};
	/* growth.h saw it grow: medium at least */
	k->confidence = hs_leak_confidence(r->values, n, 1, false);
	if (k->confidence == HS_CONF_LOW)
		k->confidence = HS_CONF_MEDIUM;
	return heap_instances(l, g, k);
}

/* The steps of v[0..n) that rose: a site that rose once and then stayed
 * flat (a lazy init, one sampled allocation) is noise (leaks.h). */
static size_t heap_rises(const int64_t *v, size_t n)
{
	size_t rises = 0;
	for (size_t i = 1; i < n; i++)
		rises += v[i] > v[i - 1];
	return rises;
}

static hs_err finish_heap(hs_leaks *l, hs_error *err)
{
	if (hs_i64vec_len(&l->heap_times) < HS_GROWTH_MIN_SNAPSHOTS)
		return HS_OK;
	if (!heap_sites(l))
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	hs_growth *g;
	hs_err rc = heap_growth(l, &g, false, err);
	if (rc == HS_E_USAGE) {   /* no times: keep the given order, a minute apart */
		hs_growth_free(g);
		rc = heap_growth(l, &g, true, err);
	}
	for (size_t i = 0; rc == HS_OK && i < hs_growth_nrows(g); i++) {
		const hs_growth_row *r = hs_growth_row_at(g, i);
		if (r->candidate && heap_rises(r->values, hs_growth_nsnap(g)) >= HS_LEAK_HEAP_MIN_RISES
		    && !heap_leak(l, g, r))
			rc = hs_fail(err, HS_E_NOMEM, "out of memory");
	}
	hs_growth_free(g);
	return rc;
}

hs_err hs_leaks_add_retainers(hs_leaks *l, const char *name, const char *const *keys,
                              const uint64_t *retained, size_t n, uint64_t reachable,
                              hs_error *err)
{
	uint32_t snap = (uint32_t)hs_i64vec_len(&l->dump_reachable);
	int64_t *r = hs_i64vec_push(&l->dump_reachable);
	const char **nm = hs_strvec_push(&l->dump_names);
	if (!r || !nm || !(*nm = dup(l, name ? name : "")))
		return hs_fail(err, HS_E_NOMEM, NULL);
	*r = (int64_t)reachable;
	for (size_t i = 0; i < n; i++) {
		hrec *h = hrecvec_push(&l->retainers);
		if (!h || !(h->name = dup(l, keys[i])))
			return hs_fail(err, HS_E_NOMEM, NULL);
		h->snap = snap;
		h->value = (int64_t)retained[i];
	}
	return HS_OK;
}

static int cmp_hrec(const void *pa, const void *pb)
{
	const hrec *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->snap > b->snap) - (a->snap < b->snap);
}

/* The candidate for root r[0..n), one record per dump, shares first..last,
 * which rose in `rises` steps and never fell. */
static bool retainer_leak(hs_leaks *l, const hrec *r, size_t n, double first, double last,
                          size_t rises)
{
	hs_leak *k = new_leak(l, last - first >= 10 ? HS_SEV_HIGH : HS_SEV_MEDIUM,
	                      HS_LEAK_RETAINER, r[0].name, r[n - 1].value - r[0].value);
	hs_leak_point *pt = k ? new_points(l, k, n) : NULL;
	if (!pt)
		return false;
	k->first = r[0].value;
	k->last = r[n - 1].value;
	k->share_first = first;
	k->share_last = last;
	/* it never fell and rose by 2 points (finish_retainers): medium at least */
	k->confidence = n >= 3 && rises >= 2 ? HS_CONF_HIGH : HS_CONF_MEDIUM;
	for (size_t i = 0; i < n; i++)
		pt[i] = (hs_leak_point){*hs_strvec_at(&l->dump_names, r[i].snap), 0, r[i].value,
		                        *hs_i64vec_at(&l->dump_reachable, r[i].snap)};
	return true;
}

/* A root whose share of the reachable heap rises in every dump. */
static hs_err finish_retainers(hs_leaks *l, hs_error *err)
{
	size_t nd = hs_i64vec_len(&l->dump_reachable), n = hrecvec_len(&l->retainers);
	if (nd < 2 || n == 0)
		return HS_OK;
	hrec *r = hrecvec_data(&l->retainers);
	qsort(r, n, sizeof *r, cmp_hrec);
	const int64_t *tot = hs_i64vec_data(&l->dump_reachable);
	for (size_t i = 0, j; i < n; i = j) {
		double first = 0, prev = -1, share = 0;
		bool rising = true;
		size_t rises = 0;
		for (j = i; j < n && strcmp(r[j].name, r[i].name) == 0; j++) {
			share = tot[r[j].snap] ? 100.0 * (double)r[j].value / (double)tot[r[j].snap] : 0;
			rising &= share >= prev && (j == i || r[j].snap == r[j - 1].snap + 1);
			rises += j > i && share > prev;
			first = j == i ? share : first;
			prev = share;
		}
		if (j - i != nd || !rising || share < 10 || share - first < 2)
			continue;
		if (!retainer_leak(l, r + i, j - i, first, share, rises))
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	return HS_OK;
}

/* ---- gctrace logs ------------------------------------------------------- */

hs_err hs_leaks_add_gctrace(hs_leaks *l, const char *name, const hs_gc_run *run, hs_error *err)
{
	if (!(l->gctrace = dup(l, name ? name : "")))
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	l->gc = *run;
	return HS_OK;
}

/* With no heap profile, a gctrace log whose live heap grows is the heap
 * growth signal (hs_leaks_add_gctrace). */
static hs_err gctrace_leak(hs_leaks *l, hs_error *err)
{
	if (!l->gctrace || !l->gc.leak_suspect || hs_i64vec_len(&l->heap_totals))
		return HS_OK;
	hs_leak *k = new_leak(l, HS_SEV_MEDIUM, HS_LEAK_HEAP_GROWTH, "live heap (gctrace)",
	                      l->gc.live_last - l->gc.live_first);
	hs_leak_point *pt = k ? new_points(l, k, 2) : NULL;
	if (!pt)
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	k->first = l->gc.live_first;
	k->last = l->gc.live_last;
	k->slope_per_min = l->gc.slope_per_min;
	k->rising = l->gc.monotonic;
	k->gcs = (int64_t)l->gc.n;
	k->confidence = HS_CONF_MEDIUM;   /* heap growth: medium at least (leaks.h) */
	pt[0] = (hs_leak_point){.file = l->gctrace, .value = k->first};
	pt[1] = (hs_leak_point){.file = l->gctrace, .value = k->last};
	return HS_OK;
}

/* ---- where groups come from, and the mechanism ---------------------- */

/* Stack st holds f with a caller: the own frames calling it (outermost
 * first, f last) into k, from file `file`; false when it does not. */
static bool callers_in(hs_leaks *l, hs_leak *k, uint32_t st, const char *f, const char *file)
{
	enum { MAX_CALLERS = 16 };
	const hs_stack *sk = hs_stacks_at(&l->stacks, st);
	size_t i = 0;
	while (i + 1 < sk->n && strcmp(sk->funcs[i], f) != 0)
		i++;
	if (i + 1 >= sk->n)
		return false;
	size_t j = i + 1;
	while (j < sk->n && j - i < MAX_CALLERS &&
	       hs_owner_classify(l->stacks.owner, sk->funcs[j], sk->files ? sk->files[j] : NULL) ==
	               HS_FRAME_OWN)
		j++;
	/* a net/http frame above: one per request, own callers or not (a
	 * handler called straight from a net/http frame) */
	for (size_t q = j; q < sk->n; q++)
		k->per_request |= hs_frame_import_path(sk->funcs[q]) == 8 &&
		                  strncmp(sk->funcs[q], "net/http", 8) == 0;
	if (j == i + 1)
		return false;   /* no own caller: nothing to add to `created by` */
	k->creators = (hs_chain){(const char *const *)sk->funcs + i, sk->inl + i, j - i};
	k->creators_file = file;
	return true;
}

/* Who calls k's creator: a trace's creation stacks, the heap profiles'
 * stacks, then the groups'. */
static void find_creators(hs_leaks *l, hs_leak *k)
{
	const char *f = k->created_by;
	if (!f || !*f)
		return;
	for (size_t i = 0; i < lgroupvec_len(&l->groups); i++) {
		const lgroup *g = lgroupvec_at(&l->groups, i);
		if (g->cstack != UINT32_MAX && callers_in(l, k, g->cstack, f, g->cfile))
			return;
	}
	for (size_t i = 0; i < heaprecvec_len(&l->heap); i++) {
		const heaprec *h = heaprecvec_at(&l->heap, i);
		if (callers_in(l, k, h->stack, f, *hs_strvec_at(&l->heap_names, h->snap)))
			return;
	}
	for (size_t i = 0; i < lgroupvec_len(&l->groups); i++) {
		const lgroup *g = lgroupvec_at(&l->groups, i);
		if (callers_in(l, k, g->stack, f, g->file))
			return;
	}
}

static hs_mechanism mechanism(const hs_leak *k)
{
	bool started = *k->created_by && strcmp(k->created_by, "main.main") != 0;
	switch (k->kind) {
	case HS_LEAK_HEAP_GROWTH:
		return k->instances ? HS_MECH_PER_INSTANCE : HS_MECH_RETENTION;
	case HS_LEAK_RETAINER:
	case HS_LEAK_RETENTION:
		return HS_MECH_RETENTION;
	case HS_LEAK_CREATED_BY:
		return k->per_request ? HS_MECH_GOROUTINE_LEAK
		                      : started ? HS_MECH_PER_INSTANCE : HS_MECH_NONE;
	default:
		break;
	}
	if (k->wait == HS_WAIT_MUTEX || k->wait == HS_WAIT_RWMUTEX)
		return HS_MECH_LOCK_CONTENTION;
	return chan_like(k->wait) || k->kind == HS_LEAK_GROWING ? HS_MECH_GOROUTINE_LEAK
	                                                        : HS_MECH_NONE;
}

/* Heap growth at the function a goroutine group candidate runs in is
 * those goroutines' own memory (a ticker or buffer each keeps): one leak,
 * listed once, as the group (leaks.h). */
static void fold_group_heap(hs_leaks *l)
{
	size_t nl = leakvec_len(&l->leaks), keep = 0;
	hs_leak *v = leakvec_data(&l->leaks);
	for (size_t i = 0; i < nl; i++) {
		bool own = false;
		for (size_t j = 0; v[i].kind == HS_LEAK_HEAP_GROWTH && !own && j < nl; j++)
			own = hs_leak_kind_is_group(v[j].kind) && strcmp(v[j].culprit, v[i].culprit) == 0;
		if (!own)
			v[keep++] = v[i];
	}
	l->leaks.v.len = keep;
}

/* Library heap (leaks.h): heap growth whose heaviest stack holds only
 * runtime and std frames folds into the growing goroutine group with the most
 * goroutines, else falls to low. */
static bool library_heap(const hs_leaks *l, const hs_leak *k)
{
	return k->kind == HS_LEAK_HEAP_GROWTH && k->chain.n == 0 && !k->gcs &&
	       go_library_only(l, k->culprit);
}

static void fold_library_heap(hs_leaks *l)
{
	size_t nl = leakvec_len(&l->leaks), keep = 0;
	hs_leak *v = leakvec_data(&l->leaks), *grp = NULL;
	for (size_t j = 0; j < nl; j++)
		if (hs_leak_kind_is_group(v[j].kind) && v[j].grows &&
		    (!grp || v[j].goroutines > grp->goroutines))
			grp = &v[j];
	int64_t most = 0;
	for (size_t i = 0; i < nl; i++) {
		const hs_leak *k = &v[i];
		if (!library_heap(l, k))
			continue;
		if (!grp) {
			v[i].severity = HS_SEV_LOW;
			continue;
		}
		if (!grp->lib_heap_site || k->weight > most) {
			grp->lib_heap_site = k->culprit;
			most = k->weight;
		}
		grp->lib_heap_first += k->first;
		grp->lib_heap_last += k->last;
		grp->lib_heap_sites++;
	}
	for (size_t i = 0; grp && i < nl; i++)
		if (!library_heap(l, &v[i]))
			v[keep++] = v[i];
	if (grp)
		l->leaks.v.len = keep;
}

/* Every candidate's creators and mechanism; heap growth learns the
 * goroutine count beside it. */
static void explain(hs_leaks *l)
{
	size_t ns = lsnapvec_len(&l->snaps);
	int64_t lo = 0, hi = 0;
	for (size_t q = 0; q < ns; q++) {
		int64_t n = lsnapvec_at(&l->snaps, q)->goroutines;
		lo = q == 0 || n < lo ? n : lo;
		hi = q == 0 || n > hi ? n : hi;
	}
	size_t nl = leakvec_len(&l->leaks);
	for (size_t i = 0; i < nl; i++) {
		hs_leak *k = leakvec_at(&l->leaks, i);
		for (size_t j = 0; k->kind == HS_LEAK_HEAP_GROWTH && j < nl; j++) {
			const hs_leak *g = leakvec_at(&l->leaks, j);
			if (hs_leak_kind_is_group(g->kind) && strcmp(g->created_by, k->culprit) == 0)
				k->follows = g->culprit;
		}
		find_creators(l, k);
		k->mechanism = mechanism(k);
		if (k->kind == HS_LEAK_HEAP_GROWTH && ns) {
			k->goroutine_snapshots = ns;
			k->goroutines_first = lsnapvec_at(&l->snaps, 0)->goroutines;
			k->goroutines_last = lsnapvec_at(&l->snaps, ns - 1)->goroutines;
			k->goroutines_flat = hi - lo < l->o.min_medium;
		}
	}
}

/* Group g's goroutines are started by a call of f: f is g's `created by`
 * function or one of the own frames the inputs' stacks show calling it
 * (g->creators, leaks.h). */
static bool started_by(const hs_leak *g, const char *f)
{
	if (strcmp(g->created_by, f) == 0)
		return true;
	for (size_t i = 1; i < g->creators.n; i++)
		if (strcmp(g->creators.funcs[i], f) == 0)
			return true;
	return false;
}

/* A constructor's per-instance heap growth joins the goroutine leak it
 * starts (leaks.h): the group with the most goroutines among those a call
 * of the heap candidate's culprit starts takes it as `builds` (a copy),
 * the higher severity of the two, and the heap candidate leaves the list;
 * false on no memory. */
static bool join_builds(hs_leaks *l)
{
	size_t nl = leakvec_len(&l->leaks), keep = 0;
	hs_leak *v = leakvec_data(&l->leaks);
	bool *joined = calloc(nl + 1, sizeof *joined);
	if (!joined)
		return false;
	for (size_t i = 0; i < nl; i++) {
		hs_leak *g = NULL;
		for (size_t j = 0; v[i].instances && j < nl; j++)
			if (hs_leak_kind_is_group(v[j].kind) && v[j].mechanism == HS_MECH_GOROUTINE_LEAK &&
			    !v[j].builds && started_by(&v[j], v[i].culprit) &&
			    (!g || v[j].goroutines > g->goroutines))
				g = &v[j];
		hs_leak *b = g ? hs_arena_alloc(&l->arena, sizeof *b) : NULL;
		if (g && !b) {
			free(joined);
			return false;
		}
		if (g) {
			*b = v[i];
			g->builds = b;
			if (b->severity < g->severity)
				g->severity = b->severity;
			joined[i] = true;
		}
	}
	for (size_t i = 0; i < nl; i++)
		if (!joined[i])
			v[keep++] = v[i];
	l->leaks.v.len = keep;
	free(joined);
	return true;
}

hs_err hs_leaks_finish(hs_leaks *l, hs_error *err)
{
	mark_twins(l);
	if (hs_owner_finish(l->stacks.owner) != HS_OK || !order_snaps(l) || !drop_heap_twins(l))
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	hs_err rc = finish_goroutines(l, err);
	if (rc == HS_OK)
		rc = finish_heap(l, err);
	if (rc == HS_OK)
		rc = finish_retainers(l, err);
	const hs_leak *hd;
	size_t nhd = 0;
	if (rc == HS_OK)
		rc = leaks_hd_finish(l->hd, &hd, &nhd, err);
	for (size_t i = 0; rc == HS_OK && i < nhd; i++) {
		hs_leak *k = leakvec_push(&l->leaks);
		if (!k)
			rc = hs_fail(err, HS_E_NOMEM, "out of memory");
		else
			*k = hd[i];
	}
	if (rc == HS_OK)
		rc = gctrace_leak(l, err);
	if (rc == HS_OK) {
		fold_group_heap(l);
		fold_library_heap(l);
		explain(l);
		if (!join_builds(l))
			rc = hs_fail(err, HS_E_NOMEM, "out of memory");
	}
	if (rc == HS_OK && leakvec_len(&l->leaks))
		qsort(leakvec_data(&l->leaks), leakvec_len(&l->leaks), sizeof(hs_leak), cmp_leak);
	return rc;
}
