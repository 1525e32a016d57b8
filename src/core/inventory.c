/* heapscope: the inventory of input files, their twins and snapshots
 * (inventory.h). */
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "heapscope/arena.h"
#include "heapscope/goroutines.h"
#include "heapscope/inventory.h"

HS_VEC_TYPED(entryvec, hs_input_entry)

struct hs_inventory {
	hs_arena arena;            /* the paths */
	entryvec entries;
	size_t nsnapshots;
};

static const char *const kind_names[HS_IN_NKINDS] = {
	"heap", "heap_text", "allocs", "goroutine_dump", "goroutine", "goroutine_text", "cpu",
	"contention", "threadcreate", "profile", "trace", "gctrace", "heapdump", "core", "other",
	"unreadable",
};

const char *hs_input_kind_name(hs_input_kind k)
{
	return (unsigned)k < HS_IN_NKINDS ? kind_names[k] : "?";
}

bool hs_input_kind_partial(hs_input_kind k)
{
	return k == HS_IN_TRACE || k == HS_IN_HEAPDUMP;
}

bool hs_input_kind_whole(hs_input_kind k)
{
	return k == HS_IN_GOROUTINE_DUMP || k == HS_IN_GOROUTINE || k == HS_IN_GOROUTINE_TEXT ||
	       k == HS_IN_CORE;
}

hs_input_kind hs_input_kind_of(const hs_profile *p)
{
	if (p->from_core)
		return HS_IN_CORE;
	if (p->format == HS_FMT_GOROUTINE_DUMP)
		return HS_IN_GOROUTINE_DUMP;
	const char *k = hs_profile_kind(p);
	bool pb = p->format == HS_FMT_PPROF;
	if (strcmp(k, "heap") == 0) {
		/* Go writes /debug/pprof/allocs as the heap profile with
		 * alloc_space as its default: the same moment's twin */
		int d = p->default_sample_type;
		if (pb && d >= 0 && (size_t)d < p->sample_types.len &&
		    strcmp(hs_s(p, hs_sample_type(p, (size_t)d)->type), "alloc_space") == 0)
			return HS_IN_ALLOCS;
		return pb ? HS_IN_HEAP : HS_IN_HEAP_TEXT;
	}
	if (strcmp(k, "goroutine") == 0)
		return pb ? HS_IN_GOROUTINE : HS_IN_GOROUTINE_TEXT;
	if (strcmp(k, "allocs") == 0)
		return HS_IN_ALLOCS;
	if (strcmp(k, "cpu") == 0)
		return HS_IN_CPU;
	if (strcmp(k, "threadcreate") == 0)
		return HS_IN_THREADCREATE;
	if (strncmp(k, "contention", 10) == 0)
		return HS_IN_CONTENTION;
	return HS_IN_PROFILE;
}

hs_inventory *hs_inventory_new(hs_error *err)
{
	hs_inventory *inv = calloc(1, sizeof *inv);
	if (!inv) {
		hs_fail(err, HS_E_NOMEM, "out of memory");
		return NULL;
	}
	hs_arena_init(&inv->arena);
	entryvec_init(&inv->entries);
	return inv;
}

void hs_inventory_free(hs_inventory *inv)
{
	if (!inv)
		return;
	entryvec_release(&inv->entries);
	hs_arena_release(&inv->arena);
	free(inv);
}

size_t hs_inventory_add(hs_inventory *inv, const char *path, hs_input_kind kind,
                        hs_time_from from, int64_t time, uint32_t moments)
{
	if (!inv)
		return SIZE_MAX;
	const char *name = path ? path : "";
	char *copy = hs_arena_strndup(&inv->arena, name, strlen(name));
	hs_input_entry *e = copy ? entryvec_push(&inv->entries) : NULL;
	if (!e)
		return SIZE_MAX;
	bool ok = kind != HS_IN_UNREADABLE;
	*e = (hs_input_entry){.path = copy, .kind = kind, .time_from = from,
	                      .time = from == HS_TIME_NONE ? 0 : time, .moments = moments ? moments : 1,
	                      .used = ok, .why = ok ? HS_WHY_USED : HS_WHY_UNREADABLE,
	                      .snapshot = -1};
	e->has_stamp = *copy && hs_time_from_name(copy, &e->stamp);
	return entryvec_len(&inv->entries) - 1;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The distinct "dump" labels of a goroutine dump (a log of several dumps
 * holds one per dump); 1 for any other profile or on no memory. */
static uint32_t dump_moments(const hs_profile *p)
{
	if (p->format != HS_FMT_GOROUTINE_DUMP || p->nsamples < 2)
		return 1;
	int64_t *d = malloc(p->nsamples * sizeof *d);
	if (!d)
		return 1;
	for (size_t s = 0; s < p->nsamples; s++) {
		hs_dump_labels dl = {.state = "", .created_by = "", .created_loc = ""};
		hs_dump_labels_read(p, s, &dl);
		d[s] = dl.dump;
	}
	qsort(d, p->nsamples, sizeof *d, cmp_i64);
	uint32_t n = 1;
	for (size_t s = 1; s < p->nsamples; s++)
		n += d[s] != d[s - 1];
	free(d);
	return n;
}

size_t hs_inventory_add_profile(hs_inventory *inv, const char *path, const hs_profile *p)
{
	int64_t t;
	hs_time_from from = hs_file_moment(path, p, &t);
	return hs_inventory_add(inv, path, hs_input_kind_of(p), from, t, dump_moments(p));
}

size_t hs_inventory_add_file(hs_inventory *inv, const char *path, hs_input_kind kind)
{
	int64_t t;
	hs_time_from from = hs_file_moment(path, NULL, &t);
	return hs_inventory_add(inv, path, kind, from, t, 1);
}

void hs_inventory_set_kind(hs_inventory *inv, size_t i, hs_input_kind k)
{
	if (inv && i < entryvec_len(&inv->entries) && k < HS_IN_NKINDS)
		entryvec_at(&inv->entries, i)->kind = k;
}

void hs_inventory_unuse(hs_inventory *inv, size_t i, hs_input_why why)
{
	if (!inv || i >= entryvec_len(&inv->entries) || why == HS_WHY_TWIN)
		return;
	hs_input_entry *e = entryvec_at(&inv->entries, i);
	e->used = why == HS_WHY_USED;
	e->why = why;
}

size_t hs_inventory_n(const hs_inventory *inv)
{
	return entryvec_len(&inv->entries);
}

const hs_input_entry *hs_inventory_at(const hs_inventory *inv, size_t i)
{
	return i < entryvec_len(&inv->entries) ? entryvec_at(&inv->entries, i) : NULL;
}

size_t hs_inventory_nsnapshots(const hs_inventory *inv)
{
	return inv->nsnapshots;
}

/* ---- twins --------------------------------------------------------------- */

/* The family of twins a kind belongs to (1 heap, 2 goroutines; 0: none)
 * and its rank in it: of twins the highest rank is used. */
static int family(hs_input_kind k, int *rank)
{
	switch (k) {
	case HS_IN_HEAP:           *rank = 2; return 1;
	case HS_IN_ALLOCS:         *rank = 1; return 1;
	case HS_IN_HEAP_TEXT:      *rank = 0; return 1;
	case HS_IN_GOROUTINE_DUMP: *rank = 2; return 2;
	case HS_IN_GOROUTINE:      *rank = 1; return 2;
	case HS_IN_GOROUTINE_TEXT: *rank = 0; return 2;
	default:                   *rank = 0; return 0;
	}
}

static bool within_second(int64_t a, int64_t b)
{
	int64_t d = a - b;
	return d < 1000000000 && d > -1000000000;
}

static bool real_time(const hs_input_entry *e)
{
	return e->time_from < HS_TIME_MTIME;
}

/* Does mtime file m pick out one file: no other used file of its kind has
 * an mtime within a second of it?  O(n): for hs_inventory_twins alone. */
static bool mtime_unique(const hs_inventory *inv, size_t m)
{
	const hs_input_entry *a = entryvec_at(&inv->entries, m);
	for (size_t i = 0; i < entryvec_len(&inv->entries); i++) {
		const hs_input_entry *b = entryvec_at(&inv->entries, i);
		if (i != m && b->used && b->kind == a->kind && b->time_from == HS_TIME_MTIME &&
		    within_second(a->time, b->time))
			return false;
	}
	return true;
}

/* Is another used mtime file of m's kind within reach of real time t
 * (t - its mtime in (-1 s, 2 s))?  O(n), for real times a second off. */
static bool other_mtime_near(const hs_inventory *inv, size_t m, int64_t t)
{
	const hs_input_entry *a = entryvec_at(&inv->entries, m);
	for (size_t i = 0; i < entryvec_len(&inv->entries); i++) {
		const hs_input_entry *b = entryvec_at(&inv->entries, i);
		int64_t d = t - b->time;
		if (i != m && b->used && b->kind == a->kind && b->time_from == HS_TIME_MTIME &&
		    d > -1000000000 && d < 2000000000)
			return true;
	}
	return false;
}

/* The rule, with `unique` (per entry: mtime_unique) computed beforehand,
 * or NULL to compute it. */
static bool twins_with(const hs_inventory *inv, size_t ia, size_t ib, const bool *unique)
{
	const hs_input_entry *a = hs_inventory_at(inv, ia), *b = hs_inventory_at(inv, ib);
	int ra, rb;
	if (!a || !b || ia == ib)
		return false;
	int fa = family(a->kind, &ra), fb = family(b->kind, &rb);
	if (!fa || fa != fb || ra == rb || a->moments > 1 || b->moments > 1)
		return false;
	if (a->has_stamp && b->has_stamp && a->stamp == b->stamp)
		return true;
	if (real_time(a) && real_time(b))
		return within_second(a->time, b->time);
	/* An mtime pairs only with a real time, and only when it is the one
	 * file of its format near that time (inventory.h).  The mtime is in
	 * whole seconds: the file's own lies in [m, m + 1 s). */
	size_t m = real_time(a) ? ib : ia;
	const hs_input_entry *r = real_time(a) ? a : b, *mt = hs_inventory_at(inv, m);
	if (!real_time(r) || mt->time_from != HS_TIME_MTIME)
		return false;
	int64_t d = r->time - mt->time;
	if (d <= -1000000000 || d >= 2000000000)
		return false;
	if (!(unique ? unique[m] : mtime_unique(inv, m)))
		return false;
	/* The real time in the mtime's own second pairs; one a second off
	 * pairs only when no other file of the kind is as near (mtimes a
	 * second apart both reach it: ambiguous, so neither). */
	return (d >= 0 && d < 1000000000) || !other_mtime_near(inv, m, r->time);
}

bool hs_inventory_twins(const hs_inventory *inv, size_t a, size_t b)
{
	return twins_with(inv, a, b, NULL);
}

static int cmp_kind_time(const void *pa, const void *pb, void *ctx)
{
	const hs_input_entry *f = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	if (f[a].kind != f[b].kind)
		return f[a].kind < f[b].kind ? -1 : 1;
	return f[a].time != f[b].time ? (f[a].time < f[b].time ? -1 : 1) : 0;
}

/* mtime_unique of every used mtime file at once: sorted by kind and time,
 * a file is unique when neither neighbour of its kind is within a second. */
static void mtimes_unique(const hs_inventory *inv, bool *unique, size_t *tmp)
{
	size_t n = entryvec_len(&inv->entries), k = 0;
	const hs_input_entry *f = entryvec_data(&inv->entries);
	for (size_t i = 0; i < n; i++)
		if (f[i].used && f[i].time_from == HS_TIME_MTIME)
			tmp[k++] = i;
	hs_sort(tmp, k, sizeof *tmp, cmp_kind_time, f);
	for (size_t q = 0; q < k; q++) {
		const hs_input_entry *a = &f[tmp[q]];
		bool near_prev = q > 0 && f[tmp[q - 1]].kind == a->kind &&
		                 within_second(a->time, f[tmp[q - 1]].time);
		bool near_next = q + 1 < k && f[tmp[q + 1]].kind == a->kind &&
		                 within_second(a->time, f[tmp[q + 1]].time);
		unique[tmp[q]] = !near_prev && !near_next;
	}
}

/* Twins by groups, in the order given: a file joins the group of the first
 * earlier file it is a twin of, unless the group has a file of its kind
 * already; the richest file of a group represents it.  rep[i]: the
 * representative of file i's group (i when alone).  False on no memory. */
static bool twin_groups(hs_inventory *inv, size_t *rep)
{
	size_t n = entryvec_len(&inv->entries);
	hs_input_entry *f = entryvec_data(&inv->entries);
	uint32_t *kinds = malloc((n + 1) * sizeof *kinds);   /* per group: a bit per kind */
	bool *unique = calloc(n + 1, sizeof *unique);
	bool ok = kinds && unique;
	if (!ok)
		goto out;
	mtimes_unique(inv, unique, rep);
	for (size_t j = 0; j < n; j++) {
		rep[j] = j;
		kinds[j] = 1u << f[j].kind;
		for (size_t i = 0; f[j].used && i < j; i++) {
			size_t r = rep[i];
			if (!f[i].used || r == SIZE_MAX || (kinds[r] & 1u << f[j].kind) ||
			    !twins_with(inv, i, j, unique))
				continue;
			int rr, rj;
			family(f[r].kind, &rr);
			family(f[j].kind, &rj);
			size_t to = rj > rr ? j : r;
			kinds[to] = kinds[r] | 1u << f[j].kind;
			for (size_t m = 0; m <= j; m++)
				if (rep[m] == r || m == j)
					rep[m] = to;
			break;
		}
	}
out:
	free(kinds);
	free(unique);
	return ok;
}

/* The richest file of each group used, the others unused, pointing at it. */
static void mark_twins(hs_inventory *inv, const size_t *rep)
{
	size_t n = entryvec_len(&inv->entries);
	hs_input_entry *f = entryvec_data(&inv->entries);
	for (size_t i = 0; i < n; i++)
		if (f[i].used && rep[i] != i) {
			f[i].why = HS_WHY_TWIN;
			f[i].other = rep[i];
		}
	for (size_t i = 0; i < n; i++)
		f[i].used = f[i].used && f[i].why != HS_WHY_TWIN;
}

/* ---- snapshots ----------------------------------------------------------- */

static int cmp_used(const void *pa, const void *pb, void *ctx)
{
	const hs_input_entry *f = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = hs_moment_cmp(f[a].time, f[a].path, f[b].time, f[b].path);
	return c ? c : (a > b) - (a < b);
}

bool hs_inventory_has_whole(const hs_inventory *inv)
{
	size_t n = entryvec_len(&inv->entries);
	const hs_input_entry *f = entryvec_data(&inv->entries);
	for (size_t i = 0; i < n; i++)
		if (f[i].used && hs_input_kind_whole(f[i].kind))
			return true;
	return false;
}

bool hs_inventory_partial(const hs_inventory *inv, size_t i)
{
	const hs_input_entry *in = inv ? hs_inventory_at(inv, i) : NULL;
	return in && hs_input_kind_partial(in->kind);
}

/* The partial-snapshot rule (hs_inventory_finish): beside a used whole
 * goroutine snapshot, a used trace or heap dump is no point of the series. */
static void mark_partial(hs_inventory *inv)
{
	size_t n = entryvec_len(&inv->entries);
	hs_input_entry *f = entryvec_data(&inv->entries);
	bool whole = hs_inventory_has_whole(inv);
	for (size_t i = 0; whole && i < n; i++)
		if (f[i].used && hs_input_kind_partial(f[i].kind))
			f[i].why = HS_WHY_PARTIAL;
}

void hs_inventory_finish(hs_inventory *inv, bool twins)
{
	size_t n = entryvec_len(&inv->entries), nu = 0;
	hs_input_entry *f = entryvec_data(&inv->entries);
	/* rep: twin groups (NULL on no memory: every file its own moment) */
	size_t *rep = malloc((n + 1) * sizeof *rep);
	if (rep && !twin_groups(inv, rep)) {
		free(rep);
		rep = NULL;
	}
	if (twins && rep)
		mark_twins(inv, rep);
	if (twins)
		mark_partial(inv);
	size_t *order = malloc((n + 1) * sizeof *order);
	unsigned seen = 0;
	/* one index per moment: a group's representative takes it */
	for (size_t i = 0; i < n; i++)
		if (f[i].used && f[i].kind != HS_IN_GCTRACE && f[i].why != HS_WHY_PARTIAL &&
		    (!rep || rep[i] == i)) {
			seen |= 1u << f[i].time_from;
			if (order)
				order[nu++] = i;
		}
	if (!order) {
		free(rep);
		return;
	}
	if (hs_moments_order(seen))
		hs_sort(order, nu, sizeof *order, cmp_used, f);
	int64_t next = 0;
	for (size_t k = 0; k < nu; k++) {
		f[order[k]].snapshot = next;
		next += f[order[k]].moments;
	}
	/* twins, left out or (info) described each, share their group's */
	for (size_t i = 0; rep && i < n; i++)
		if (rep[i] != i && (f[i].used || f[i].why == HS_WHY_TWIN))
			f[i].snapshot = f[rep[i]].snapshot;
	inv->nsnapshots = (size_t)next;
	free(order);
	free(rep);
}
