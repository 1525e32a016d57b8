/* heapscope: lock sites, linking waiters to holders, and the CPU inside
 * critical sections (rules in heapscope/blocking.h, private API in
 * locks.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locks.h"
#include "sort.h"
#include "heapscope/filetime.h"
#include "heapscope/goroutines.h"

const char *hs_lock_op_name(hs_lock_op op)
{
	static const char *const names[HS_LOCK_NOPS] = {"", "Lock", "RLock", "Unlock", "RUnlock"};
	return (unsigned)op < HS_LOCK_NOPS ? names[op] : "";
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* The operation a sync.(*Mutex). or sync.(*RWMutex). frame is, NONE for
 * their slow paths and anything else. */
static hs_lock_op frame_op(const char *f, bool *rw)
{
	static const char *const ops[HS_LOCK_NOPS] = {"", "Lock", "RLock", "Unlock", "RUnlock"};
	const char *m;
	if (starts(f, "sync.(*Mutex)."))
		m = f + strlen("sync.(*Mutex)."), *rw = false;
	else if (starts(f, "sync.(*RWMutex)."))
		m = f + strlen("sync.(*RWMutex)."), *rw = true;
	else
		return HS_LOCK_OP_NONE;
	for (int op = HS_LOCK_OP_LOCK; op < HS_LOCK_NOPS; op++)
		if (strcmp(m, ops[op]) == 0 && (*rw || (op != HS_LOCK_OP_RLOCK && op != HS_LOCK_OP_RUNLOCK)))
			return (hs_lock_op)op;
	return HS_LOCK_OP_NONE;
}

hs_lock_op hs_lock_op_of(const char *const *funcs, size_t n, size_t *index, bool *rw)
{
	hs_lock_op op = HS_LOCK_OP_NONE;
	*index = n;
	*rw = false;
	for (size_t i = 0; i < n; i++) {
		const char *f = funcs[i] ? funcs[i] : "";
		if (!starts(f, "runtime.") && !starts(f, "sync."))
			break;
		bool r = false;
		hs_lock_op o = frame_op(f, &r);
		if (o != HS_LOCK_OP_NONE)
			op = o, *index = i, *rw = r;
	}
	return op;
}

/* The end of the name segment starting at s: the next '.' outside
 * brackets and parentheses, or the end. */
static const char *segment_end(const char *s)
{
	int depth = 0;
	for (; *s; s++) {
		if (*s == '[' || *s == '(')
			depth++;
		else if ((*s == ']' || *s == ')') && depth > 0)
			depth--;
		else if (*s == '.' && depth == 0)
			break;
	}
	return s;
}

/* A closure's or a wrapper's segment: "func1", "1", "gowrap2", ... */
static bool closure_segment(const char *s, const char *e)
{
	const char *d = s;
	if (starts(s, "func"))
		d = s + 4;
	else if (starts(s, "gowrap"))
		d = s + 6;
	else if (starts(s, "deferwrap"))
		d = s + 9;
	if (d == e)
		return false;
	for (; d < e; d++)
		if (*d < '0' || *d > '9')
			return false;
	return true;
}

bool hs_lock_site_key(const char *func, char *buf, size_t size)
{
	size_t ip = hs_frame_import_path(func);
	const char *rest = func + ip;
	bool method = false;
	const char *t = rest, *te = rest;
	if (ip && *rest == '.') {
		t = rest + 1;
		te = segment_end(t);
		if (starts(t, "(*") && te > t + 3 && te[-1] == ')') {
			t += 2, te--;   /* (*T) */
			method = true;
		} else if (*te == '.') {
			const char *e2 = segment_end(te + 1);
			method = !closure_segment(te + 1, e2);   /* T.M, not f.func1 */
		}
	}
	if (method)
		snprintf(buf, size, "%.*s(*%.*s)", (int)(ip + 1), func, (int)(te - t), t);
	else
		snprintf(buf, size, "%.*s", (int)(ip ? ip : strlen(func)), func);
	return method;
}

/* ---- what is kept until finish -------------------------------------- */

enum { REC_CONTENTION, REC_GOROUTINES, REC_CPU };

typedef struct lock_rec {
	uint32_t stack;
	uint32_t file;            /* REC_CPU: index into files; REC_CONTENTION: cfiles */
	const int32_t *lines;     /* one per frame of the stack */
	int64_t count, value;     /* contentions and delay; goroutines; samples and ns */
	int64_t snap;             /* REC_GOROUTINES: file and "dump" label */
	int src;
} lock_rec;
HS_VEC_TYPED(lock_rec_vec, lock_rec)

/* One function doing one operation at one site. */
typedef struct fn_entry {
	uint32_t site;
	hs_lock_op op;
	const char *func;
	int32_t line_min, line_max;   /* of its frame at the operation, 0 unknown */
	int64_t contentions, delay_ns, goroutines;
	/* until finish: the latest cumulative file showing it (cfiles index
	 * + 1, 0 none) and its numbers there; the traces' sums */
	uint32_t last;
	int64_t last_c, last_d, sum_c, sum_d;
} fn_entry;
HS_VEC_TYPED(fn_entry_vec, fn_entry)

/* Goroutines of a dump snapshot at an entry. */
typedef struct snap_row {
	uint32_t entry;
	uint32_t site;
	hs_lock_op op;
	int64_t snap, count;
} snap_row;
HS_VEC_TYPED(snap_row_vec, snap_row)

/* A function holding the lock of a site between two lines (0: open). */
typedef struct holder {
	uint32_t site, next;      /* next: the same function's next holder */
	bool read;
	const char *func;
	int32_t lo, hi;
} holder;
HS_VEC_TYPED(holder_vec, holder)

/* CPU under a holder, by what it calls. */
typedef struct cpu_row {
	uint32_t holder;
	const char *callee;
	int64_t samples, ns;
} cpu_row;
HS_VEC_TYPED(cpu_row_vec, cpu_row)

HS_VEC_TYPED(site_vec, hs_lock_site)

/* A contention file: what orders it, and whether it counts from the
 * process start. */
typedef struct cfile {
	int64_t moment;
	const char *name;
	bool cumulative;
} cfile;
HS_VEC_TYPED(cfile_vec, cfile)

struct hs_locks {
	hs_arena arena;
	lock_rec_vec recs;
	hs_strvec files;
	cfile_vec cfiles;
	bool timed;               /* finish's: moments order the cfiles */
	uint32_t nfiles;
	/* built by finish */
	site_vec sites;
	fn_entry_vec entries;
	snap_row_vec snaps;
	holder_vec holders;
	cpu_row_vec cpu;
	hs_strmap site_index, entry_index, holder_index, func_index, cpu_index;
};

hs_locks *hs_locks_new(void)
{
	hs_locks *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	hs_arena_init(&l->arena);
	lock_rec_vec_init(&l->recs);
	hs_strvec_init(&l->files);
	cfile_vec_init(&l->cfiles);
	site_vec_init(&l->sites);
	fn_entry_vec_init(&l->entries);
	snap_row_vec_init(&l->snaps);
	holder_vec_init(&l->holders);
	cpu_row_vec_init(&l->cpu);
	return l;
}

static void release_maps(hs_locks *l)
{
	hs_strmap_release(&l->site_index);   /* each a no-op when released */
	hs_strmap_release(&l->entry_index);
	hs_strmap_release(&l->holder_index);
	hs_strmap_release(&l->func_index);
	hs_strmap_release(&l->cpu_index);
}

static void drop_sites(hs_locks *l)
{
	for (size_t i = 0; i < site_vec_len(&l->sites); i++)
		hs_lock_cpu_vec_release(&site_vec_at(&l->sites, i)->cpu);
	site_vec_release(&l->sites);
	site_vec_init(&l->sites);
	fn_entry_vec_release(&l->entries);
	fn_entry_vec_init(&l->entries);
}

void hs_locks_free(hs_locks *l)
{
	if (!l)
		return;
	drop_sites(l);
	lock_rec_vec_release(&l->recs);
	hs_strvec_release(&l->files);
	cfile_vec_release(&l->cfiles);
	snap_row_vec_release(&l->snaps);
	holder_vec_release(&l->holders);
	cpu_row_vec_release(&l->cpu);
	release_maps(l);
	hs_arena_release(&l->arena);
	free(l);
}

size_t hs_locks_n(const hs_locks *l)
{
	return site_vec_len(&l->sites);
}

const hs_lock_site *hs_locks_at(const hs_locks *l, size_t i)
{
	return site_vec_at(&l->sites, i);
}

/* A record's identity within one file: its stack, lines, kind and
 * snapshot.  Samples alike (a dump's goroutines parked at one place) make
 * one record that counts them all. */
typedef struct rec_key {
	uint32_t stack, src;
	int64_t snap;
	int32_t lines[HS_STACKS_MAX_FRAMES];
} rec_key;

/* Sample s of p as record r, or added to the record alike in `alike`;
 * false on no memory. */
static bool keep(hs_locks *l, hs_stacks *st, hs_strmap *alike, const hs_profile *p, size_t s,
                 lock_rec r)
{
	rec_key key;
	size_t n = hs_sample_frames_lines(p, s, NULL, NULL, NULL, key.lines, HS_STACKS_MAX_FRAMES);
	key.stack = hs_stacks_of_sample(st, p, s);
	key.src = (uint32_t)r.src;
	key.snap = r.snap;
	size_t kl = offsetof(rec_key, lines) + n * sizeof key.lines[0];
	uint32_t i = key.stack != UINT32_MAX ? hs_strmap_get(alike, (const char *)&key, kl) : 0;
	if (key.stack != UINT32_MAX && i != UINT32_MAX) {
		lock_rec *old = lock_rec_vec_at(&l->recs, i);
		old->count = hs_add(old->count, r.count);
		old->value = hs_add(old->value, r.value);
		return true;
	}
	char *kc = key.stack != UINT32_MAX ? hs_arena_alloc(&l->arena, kl) : NULL;
	lock_rec *slot = kc ? lock_rec_vec_push(&l->recs) : NULL;
	if (!slot)
		return false;
	memcpy(kc, &key, kl);
	r.stack = key.stack;
	r.lines = ((const rec_key *)kc)->lines;
	*slot = r;
	return hs_strmap_get_or_put(alike, kc, kl, (uint32_t)(lock_rec_vec_len(&l->recs) - 1)) !=
	       UINT32_MAX;
}

/* A contention sample matters only at a lock operation. */
static bool at_lock(const hs_profile *p, size_t s)
{
	const char *funcs[HS_STACKS_MAX_FRAMES];
	size_t n = hs_sample_frames(p, s, funcs, NULL, NULL, HS_STACKS_MAX_FRAMES), i;
	bool rw;
	return hs_lock_op_of(funcs, n, &i, &rw) != HS_LOCK_OP_NONE;
}

hs_err hs_locks_add(hs_locks *l, hs_stacks *st, const hs_profile *p, hs_wait_source src,
                    const char *name, int64_t moment, bool cumulative, hs_error *err)
{
	uint32_t file = l->nfiles++;
	int ci = hs_profile_type_index(p, "contentions"), di = hs_profile_type_index(p, "delay");
	int vi = src == HS_SRC_NONE ? hs_profile_type_index(p, "cpu") : hs_profile_default_index(p);
	int si = hs_profile_type_index(p, "samples");
	hs_strmap alike;
	bool ok = hs_strmap_init(&alike, 64);
	if (ok && src == HS_SRC_NONE) {
		const char *c = hs_arena_strndup(&l->arena, name, strlen(name));
		const char **slot = c ? hs_strvec_push(&l->files) : NULL;
		if ((ok = slot != NULL)) {
			*slot = c;
			file = (uint32_t)(hs_strvec_len(&l->files) - 1);
		}
	} else if (ok && src == HS_SRC_CONTENTION) {
		const char *c = hs_arena_strndup(&l->arena, name, strlen(name));
		cfile *f = c ? cfile_vec_push(&l->cfiles) : NULL;
		if ((ok = f != NULL)) {
			*f = (cfile){moment, c, cumulative};
			file = (uint32_t)(cfile_vec_len(&l->cfiles) - 1);
		}
	}
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		const int64_t *v = hs_sample_values(p, s);
		lock_rec r;
		if (src == HS_SRC_CONTENTION) {
			if ((v[ci] == 0 && v[di] == 0) || !at_lock(p, s))
				continue;
			r = (lock_rec){.src = REC_CONTENTION, .file = file, .count = v[ci], .value = v[di]};
		} else if (src == HS_SRC_NONE) {
			if (vi < 0 || v[vi] <= 0)
				continue;
			r = (lock_rec){.src = REC_CPU, .file = file, .count = si >= 0 ? v[si] : 0,
			               .value = v[vi]};
		} else {
			int64_t c = vi >= 0 ? v[vi] : 1;
			hs_dump_labels dl = {.state = "", .created_by = "", .created_loc = ""};
			if (c <= 0)
				continue;
			if (src == HS_SRC_DUMP)
				hs_dump_labels_read(p, s, &dl);
			r = (lock_rec){.src = REC_GOROUTINES, .count = c,
			               .snap = (int64_t)((uint64_t)file << 32 ^ (uint64_t)dl.dump)};
		}
		ok = keep(l, st, &alike, p, s, r);
	}
	hs_strmap_release(&alike);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

/* ---- finish ----------------------------------------------------------- */

/* The index key maps to in m; when new, a copy of the key (in the arena)
 * maps to `next`, the caller's next element, and *fresh is set.
 * UINT32_MAX on no memory. */
static uint32_t keyed(hs_locks *l, hs_strmap *m, const void *key, size_t kl, size_t next,
                      bool *fresh)
{
	uint32_t i = hs_strmap_get(m, key, kl);
	*fresh = i == UINT32_MAX;
	if (!*fresh)
		return i;
	char *kc = hs_arena_alloc(&l->arena, kl ? kl : 1);
	if (!kc)
		return UINT32_MAX;
	memcpy(kc, key, kl);
	return hs_strmap_get_or_put(m, kc, kl, (uint32_t)next);
}

static uint32_t site_of(hs_locks *l, const char *func, bool rw)
{
	char key[512];
	bool recv = hs_lock_site_key(func, key + 2, sizeof key - 2), fresh;
	key[0] = rw ? 'w' : 'm';
	key[1] = '\x1f';
	size_t kl = strlen(key);
	uint32_t i = keyed(l, &l->site_index, key, kl, site_vec_len(&l->sites), &fresh);
	hs_lock_site *s = fresh && i != UINT32_MAX ? site_vec_push(&l->sites) : NULL;
	if (!fresh || !s)
		return s || !fresh ? i : UINT32_MAX;
	/* the site's name: the copy of the key the map keeps, past "w\x1f" */
	s->site = hs_arena_strndup(&l->arena, key + 2, kl - 2);
	s->by_receiver = recv;
	s->rw = rw;
	hs_lock_cpu_vec_init(&s->cpu);
	return s->site ? i : UINT32_MAX;
}

/* The entry of (site, op, func), made when new; UINT32_MAX on no memory.
 * func is interned (hs_stacks): its address is its identity. */
static uint32_t entry_of(hs_locks *l, uint32_t site, hs_lock_op op, const char *func)
{
	struct {
		uint32_t site, op;
		const char *func;
	} key = {site, (uint32_t)op, func};
	bool fresh;
	uint32_t i = keyed(l, &l->entry_index, &key, sizeof key, fn_entry_vec_len(&l->entries), &fresh);
	fn_entry *e = fresh && i != UINT32_MAX ? fn_entry_vec_push(&l->entries) : NULL;
	if (e)
		*e = (fn_entry){.site = site, .op = op, .func = func};
	return !fresh || e ? i : UINT32_MAX;
}

static bool add_snap(hs_locks *l, uint32_t entry, int64_t snap, int64_t count)
{
	snap_row *r = snap_row_vec_push(&l->snaps);
	const fn_entry *e = fn_entry_vec_at(&l->entries, entry);
	if (r)
		*r = (snap_row){entry, e->site, e->op, snap, count};
	return r != NULL;
}

/* Is cfile a after cfile b: time order, else the order given? */
static bool later(const hs_locks *l, uint32_t a, uint32_t b)
{
	const cfile *fa = cfile_vec_at(&l->cfiles, a), *fb = cfile_vec_at(&l->cfiles, b);
	int c = l->timed ? hs_moment_cmp(fa->moment, fa->name, fb->moment, fb->name) : 0;
	return c ? c > 0 : a > b;
}

/* Block and mutex profiles count from the process start: of those that
 * show an entry, the latest one's numbers are its total, not a sum; a
 * trace's waits, which such a profile holds too, are summed and count
 * only when no such profile shows it (contention_totals). */
static void count_contention(hs_locks *l, fn_entry *e, const lock_rec *r)
{
	if (!cfile_vec_at(&l->cfiles, r->file)->cumulative) {
		e->sum_c = hs_add(e->sum_c, r->count);
		e->sum_d = hs_add(e->sum_d, r->value);
		return;
	}
	if (e->last && r->file != e->last - 1 && !later(l, r->file, e->last - 1))
		return;   /* an earlier profile: the latest holds its waits too */
	if (e->last != r->file + 1)
		e->last = r->file + 1, e->last_c = e->last_d = 0;
	e->last_c = hs_add(e->last_c, r->count);
	e->last_d = hs_add(e->last_d, r->value);
}

static void contention_totals(hs_locks *l)
{
	for (size_t i = 0; i < fn_entry_vec_len(&l->entries); i++) {
		fn_entry *e = fn_entry_vec_at(&l->entries, i);
		e->contentions = e->last ? e->last_c : e->sum_c;
		e->delay_ns = e->last ? e->last_d : e->sum_d;
	}
}

/* Rules 1-3 for record r: its entry gets its numbers and line. */
static bool place_op(hs_locks *l, const hs_stacks *st, const lock_rec *r)
{
	const hs_stack *s = hs_stacks_at(st, r->stack);
	size_t oi, own;
	bool rw;
	hs_lock_op op = hs_lock_op_of(s->funcs, s->n, &oi, &rw);
	if (op == HS_LOCK_OP_NONE || oi + 1 >= s->n)
		return true;
	size_t ci = oi + 1;
	if (hs_owner_culprit(st->owner, s->funcs + ci, s->files + ci, s->n - ci, &own))
		ci += own;
	uint32_t site = site_of(l, s->funcs[ci], rw);
	uint32_t ei = site != UINT32_MAX ? entry_of(l, site, op, s->funcs[ci]) : UINT32_MAX;
	if (ei == UINT32_MAX)
		return false;
	fn_entry *e = fn_entry_vec_at(&l->entries, ei);
	int32_t line = r->lines[ci];
	if (line && (!e->line_min || line < e->line_min))
		e->line_min = line;
	if (line > e->line_max)
		e->line_max = line;
	if (r->src == REC_GOROUTINES)
		return add_snap(l, ei, r->snap, r->count);
	count_contention(l, e, r);
	return true;
}

static bool is_read(hs_lock_op op)
{
	return op == HS_LOCK_OP_RLOCK || op == HS_LOCK_OP_RUNLOCK;
}

/* Rule 4's holders from the entries: lock line from Lock/RLock, unlock
 * line from Unlock/RUnlock, per (site, read or write, function). */
static bool make_holders(hs_locks *l)
{
	size_t ne = fn_entry_vec_len(&l->entries);
	for (size_t i = 0; i < ne; i++) {
		const fn_entry *e = fn_entry_vec_at(&l->entries, i);
		struct {
			uint32_t site, read;
			const char *func;
		} key = {e->site, is_read(e->op), e->func};
		bool fresh;
		uint32_t h = keyed(l, &l->holder_index, &key, sizeof key, holder_vec_len(&l->holders),
		                   &fresh);
		holder *n = fresh && h != UINT32_MAX ? holder_vec_push(&l->holders) : NULL;
		if (h == UINT32_MAX || (fresh && !n))
			return false;
		if (n)
			*n = (holder){.site = e->site, .next = UINT32_MAX, .read = key.read, .func = e->func};
		holder *hd = holder_vec_at(&l->holders, h);
		if (e->op == HS_LOCK_OP_LOCK || e->op == HS_LOCK_OP_RLOCK)
			hd->lo = e->line_min;
		else
			hd->hi = e->line_max;
	}
	/* each function's holders in a list, its head found by the function */
	for (size_t i = 0; i < holder_vec_len(&l->holders); i++) {
		holder *h = holder_vec_at(&l->holders, i);
		uint32_t head = hs_strmap_get_or_put(&l->func_index, (const char *)&h->func,
		                                     sizeof h->func, (uint32_t)i);
		if (head == UINT32_MAX)
			return false;
		if (head != i) {
			holder *hh = holder_vec_at(&l->holders, head);
			h->next = hh->next;
			hh->next = (uint32_t)i;
		}
	}
	return true;
}

static bool inside(const holder *h, int32_t line)
{
	return line == 0 || ((h->lo == 0 || line > h->lo) && (h->hi == 0 || line < h->hi));
}

/* The first holder that is func (UINT32_MAX when it holds nothing). */
static uint32_t holders_of(const hs_locks *l, const char *func)
{
	return hs_strmap_get(&l->func_index, (const char *)&func, sizeof func);
}

/* Rule 4 on a stack: the innermost frame inside some holder, its index
 * (n when none). */
static size_t holder_frame(const hs_locks *l, const hs_stack *s, const int32_t *lines)
{
	for (size_t i = 0; i < s->n; i++)
		for (uint32_t h = holders_of(l, s->funcs[i]); h != UINT32_MAX;
		     h = holder_vec_at(&l->holders, h)->next)
			if (inside(holder_vec_at(&l->holders, h), lines[i]))
				return i;
	return s->n;
}

/* A dump goroutine not waiting on a lock, inside a holder: it holds the
 * lock now, counted at the holder's release entry. */
static bool place_holding(hs_locks *l, const hs_stacks *st, const lock_rec *r)
{
	const hs_stack *s = hs_stacks_at(st, r->stack);
	size_t oi;
	bool rw;
	if (hs_lock_op_of(s->funcs, s->n, &oi, &rw) != HS_LOCK_OP_NONE)
		return true;
	size_t i = holder_frame(l, s, r->lines);
	for (uint32_t h = i < s->n ? holders_of(l, s->funcs[i]) : UINT32_MAX; h != UINT32_MAX;
	     h = holder_vec_at(&l->holders, h)->next) {
		const holder *hd = holder_vec_at(&l->holders, h);
		if (!inside(hd, r->lines[i]))
			continue;
		hs_lock_op rel = hd->read ? HS_LOCK_OP_RUNLOCK : HS_LOCK_OP_UNLOCK;
		uint32_t e = entry_of(l, hd->site, rel, hd->func);
		if (e == UINT32_MAX || !add_snap(l, e, r->snap, r->count))
			return false;
	}
	return true;
}

/* A CPU sample inside a holder: charged to (holder, what it calls). */
static bool place_cpu(hs_locks *l, const hs_stacks *st, const lock_rec *r)
{
	const hs_stack *s = hs_stacks_at(st, r->stack);
	size_t i = holder_frame(l, s, r->lines);
	for (uint32_t h = i < s->n ? holders_of(l, s->funcs[i]) : UINT32_MAX; h != UINT32_MAX;
	     h = holder_vec_at(&l->holders, h)->next) {
		if (!inside(holder_vec_at(&l->holders, h), r->lines[i]))
			continue;
		struct {
			uint64_t holder;      /* 64 bits: no padding in the key */
			const char *callee;
		} key = {h, s->funcs[i ? i - 1 : 0]};
		bool fresh;
		uint32_t c = keyed(l, &l->cpu_index, &key, sizeof key, cpu_row_vec_len(&l->cpu), &fresh);
		cpu_row *row = fresh && c != UINT32_MAX ? cpu_row_vec_push(&l->cpu) : NULL;
		if (c == UINT32_MAX || (fresh && !row))
			return false;
		if (row)
			*row = (cpu_row){.holder = h, .callee = key.callee};
		row = cpu_row_vec_at(&l->cpu, c);
		row->samples = hs_add(row->samples, r->count);
		row->ns = hs_add(row->ns, r->value);
		hs_lock_site *site = site_vec_at(&l->sites, holder_vec_at(&l->holders, h)->site);
		if (!site->cpu_file)
			site->cpu_file = *hs_strvec_at(&l->files, r->file);
	}
	return true;
}

static int cmp_snap(const void *pa, const void *pb, void *ctx)
{
	const snap_row *a = pa, *b = pb;
	bool by_entry = *(const bool *)ctx;
	uint64_t ka = by_entry ? a->entry : (uint64_t)a->site << 8 | a->op;
	uint64_t kb = by_entry ? b->entry : (uint64_t)b->site << 8 | b->op;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return (a->snap > b->snap) - (a->snap < b->snap);
}

/* The most goroutines in one snapshot, per entry or per (site, op). */
static void snap_maxima(hs_locks *l, bool by_entry)
{
	snap_row *r = snap_row_vec_data(&l->snaps);
	size_t n = snap_row_vec_len(&l->snaps);
	if (n)
		hs_sort(r, n, sizeof *r, cmp_snap, &by_entry);
	for (size_t i = 0; i < n;) {
		int64_t sum = 0;
		size_t j = i;
		for (; j < n && cmp_snap(&r[i], &r[j], &by_entry) == 0; j++)
			sum = hs_add(sum, r[j].count);
		int64_t *best = by_entry ? &fn_entry_vec_at(&l->entries, r[i].entry)->goroutines
		                         : &site_vec_at(&l->sites, r[i].site)->part[r[i].op].goroutines;
		if (sum > *best)
			*best = sum;
		i = j;
	}
}

/* The busier of two entries: delay, then goroutines, then name. */
static bool busier(const fn_entry *a, const fn_entry *b)
{
	if (a->delay_ns != b->delay_ns)
		return a->delay_ns > b->delay_ns;
	if (a->goroutines != b->goroutines)
		return a->goroutines > b->goroutines;
	return strcmp(a->func, b->func) < 0;
}

/* Each site's parts from its entries: sums, and the busiest function. */
static bool make_parts(hs_locks *l)
{
	size_t ns = site_vec_len(&l->sites);
	const fn_entry **best = calloc(ns ? ns * HS_LOCK_NOPS : 1, sizeof *best);
	if (!best)
		return false;
	snap_maxima(l, true);
	snap_maxima(l, false);
	for (size_t i = 0; i < fn_entry_vec_len(&l->entries); i++) {
		const fn_entry *e = fn_entry_vec_at(&l->entries, i);
		hs_lock_part *p = &site_vec_at(&l->sites, e->site)->part[e->op];
		const fn_entry **b = &best[e->site * HS_LOCK_NOPS + e->op];
		p->contentions = hs_add(p->contentions, e->contentions);
		p->delay_ns = hs_add(p->delay_ns, e->delay_ns);
		p->nfuncs++;
		if (!*b || busier(e, *b))
			*b = e, p->func = e->func;
	}
	free(best);
	return true;
}

static int cmp_cpu(const void *pa, const void *pb, void *ctx)
{
	(void)ctx;
	const hs_lock_cpu *a = pa, *b = pb;
	if (a->cpu_ns != b->cpu_ns)
		return a->cpu_ns > b->cpu_ns ? -1 : 1;
	int c = strcmp(a->holder, b->holder);
	return c ? c : strcmp(a->callee, b->callee);
}

/* The CPU rows into their sites, most first. */
static bool make_cpu(hs_locks *l)
{
	for (size_t i = 0; i < cpu_row_vec_len(&l->cpu); i++) {
		const cpu_row *r = cpu_row_vec_at(&l->cpu, i);
		const holder *h = holder_vec_at(&l->holders, r->holder);
		hs_lock_site *s = site_vec_at(&l->sites, h->site);
		hs_lock_cpu *c = hs_lock_cpu_vec_push(&s->cpu);
		if (!c)
			return false;
		*c = (hs_lock_cpu){h->func, h->read, r->callee, r->samples, r->ns};
		s->cpu_ns[h->read] = hs_add(s->cpu_ns[h->read], r->ns);
	}
	for (size_t i = 0; i < site_vec_len(&l->sites); i++) {
		hs_lock_site *s = site_vec_at(&l->sites, i);
		size_t n = hs_lock_cpu_vec_len(&s->cpu);
		if (n > 1)
			hs_sort(hs_lock_cpu_vec_data(&s->cpu), n, sizeof(hs_lock_cpu), cmp_cpu, NULL);
	}
	return true;
}

static int64_t waiting_ns(const hs_lock_site *s)
{
	return hs_add(s->part[HS_LOCK_OP_LOCK].delay_ns, s->part[HS_LOCK_OP_RLOCK].delay_ns);
}

static int cmp_site(const void *pa, const void *pb, void *ctx)
{
	(void)ctx;
	const hs_lock_site *a = pa, *b = pb;
	int64_t wa = waiting_ns(a), wb = waiting_ns(b);
	if (wa != wb)
		return wa > wb ? -1 : 1;
	int64_t ga = hs_add(a->part[HS_LOCK_OP_LOCK].goroutines, a->part[HS_LOCK_OP_RLOCK].goroutines);
	int64_t gb = hs_add(b->part[HS_LOCK_OP_LOCK].goroutines, b->part[HS_LOCK_OP_RLOCK].goroutines);
	if (ga != gb)
		return ga > gb ? -1 : 1;
	int c = strcmp(a->site, b->site);
	return c ? c : (int)a->rw - (int)b->rw;
}

/* Sort the sites, and point the entries at their new places. */
static bool rank_sites(hs_locks *l)
{
	size_t n = site_vec_len(&l->sites);
	const char **was = malloc((n ? n : 1) * sizeof *was);
	uint32_t *now = malloc((n ? n : 1) * sizeof *now);
	bool ok = was && now;
	for (size_t i = 0; ok && i < n; i++)
		was[i] = site_vec_at(&l->sites, i)->site;   /* each site's own copy */
	if (ok)
		hs_sort(site_vec_data(&l->sites), n, sizeof(hs_lock_site), cmp_site, NULL);
	for (size_t i = 0; ok && i < n; i++) {
		size_t k = 0;
		while (site_vec_at(&l->sites, k)->site != was[i])
			k++;
		now[i] = (uint32_t)k;
	}
	for (size_t i = 0; ok && i < fn_entry_vec_len(&l->entries); i++) {
		fn_entry *e = fn_entry_vec_at(&l->entries, i);
		e->site = now[e->site];
	}
	free(was);
	free(now);
	return ok;
}

bool hs_locks_finish(hs_locks *l, const hs_stacks *st, bool timed)
{
	l->timed = timed;
	bool ok = hs_strmap_init(&l->site_index, 16) && hs_strmap_init(&l->entry_index, 64) &&
	          hs_strmap_init(&l->holder_index, 64) && hs_strmap_init(&l->func_index, 64) &&
	          hs_strmap_init(&l->cpu_index, 64);
	size_t n = lock_rec_vec_len(&l->recs);
	for (size_t i = 0; ok && i < n; i++) {
		const lock_rec *r = lock_rec_vec_at(&l->recs, i);
		ok = r->src == REC_CPU || place_op(l, st, r);
	}
	contention_totals(l);
	ok = ok && make_holders(l);
	for (size_t i = 0; ok && i < n; i++) {
		const lock_rec *r = lock_rec_vec_at(&l->recs, i);
		if (r->src == REC_GOROUTINES)
			ok = place_holding(l, st, r);
		else if (r->src == REC_CPU)
			ok = place_cpu(l, st, r);
	}
	ok = ok && make_parts(l) && make_cpu(l) && rank_sites(l);
	release_maps(l);
	if (!ok)   /* no half-counted site */
		drop_sites(l);
	return ok;
}

int64_t hs_locks_site_of(const hs_locks *l, const char *func, bool rw, bool holding,
                         hs_lock_op *op)
{
	*op = HS_LOCK_OP_NONE;
	for (size_t i = 0; i < fn_entry_vec_len(&l->entries); i++) {
		const fn_entry *e = fn_entry_vec_at(&l->entries, i);
		bool hold = e->op == HS_LOCK_OP_UNLOCK || e->op == HS_LOCK_OP_RUNLOCK;
		if (hold == holding && site_vec_at(&l->sites, e->site)->rw == rw &&
		    strcmp(e->func, func) == 0) {
			*op = e->op;
			return e->site;
		}
	}
	return -1;
}
