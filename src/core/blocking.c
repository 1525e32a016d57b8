/* heapscope: wait classification and blocking hotspots (blocking.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "locks.h"
#include "stacks.h"
#include "heapscope/blocking.h"
#include "heapscope/inventory.h"
#include "heapscope/filetime.h"
#include "heapscope/goroutines.h"
#include "heapscope/idle.h"
#include "heapscope/units.h"

static const char *const kind_names[HS_WAIT_NKINDS] = {
	"none", "select", "chan send", "chan receive", "nil chan", "mutex", "rwmutex",
	"waitgroup", "cond", "network", "syscall", "sleep", "other",
};

const char *hs_wait_kind_name(hs_wait_kind k)
{
	return (unsigned)k < HS_WAIT_NKINDS ? kind_names[k] : "other";
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

bool hs_is_plumbing(const char *f)
{
	static const char *const pre[] = {
		"runtime.", "runtime/", "internal/", "sync.", "sync/atomic.", "syscall.",
		"time.", "net.", "os.", "io.", "bufio.", "reflect.",
	};
	if (!f || !*f)
		return true;
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (has_prefix(f, pre[i]))
			return true;
	/* the runtime's entry points linked into other packages */
	const char *dot = strrchr(f, '.');
	return dot && has_prefix(dot, ".runtime_");
}

size_t hs_user_frame(const char *const *funcs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!hs_is_plumbing(funcs[i]))
			return i;
	return n;
}

static hs_wait_kind frame_kind(const char *f)
{
	static const struct {
		const char *name;
		bool prefix;
		hs_wait_kind kind;
	} tab[] = {
		{"runtime.selectgo", false, HS_WAIT_SELECT},
		{"runtime.block", false, HS_WAIT_SELECT},
		{"runtime.chansend1", false, HS_WAIT_CHAN_SEND},
		{"runtime.chansend", false, HS_WAIT_CHAN_SEND},
		{"runtime.chanrecv1", false, HS_WAIT_CHAN_RECV},
		{"runtime.chanrecv2", false, HS_WAIT_CHAN_RECV},
		{"runtime.chanrecv", false, HS_WAIT_CHAN_RECV},
		{"sync.(*Mutex).", true, HS_WAIT_MUTEX},
		{"sync.(*RWMutex).", true, HS_WAIT_RWMUTEX},
		{"sync.(*WaitGroup).Wait", false, HS_WAIT_WAITGROUP},
		{"sync.(*Cond).Wait", false, HS_WAIT_COND},
		{"internal/poll.", true, HS_WAIT_NETWORK},
		{"net.", true, HS_WAIT_NETWORK},
		{"syscall.", true, HS_WAIT_SYSCALL},
		{"time.Sleep", false, HS_WAIT_SLEEP},
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].prefix ? has_prefix(f, tab[i].name) : strcmp(f, tab[i].name) == 0)
			return tab[i].kind;
	return HS_WAIT_NONE;
}

hs_wait_kind hs_wait_kind_from_frames(const char *const *funcs, size_t n)
{
	size_t u = hs_user_frame(funcs, n), li;
	bool rw;
	/* an RWMutex's Lock waits in its inner Mutex: the lock is the RWMutex */
	if (hs_lock_op_of(funcs, n, &li, &rw) != HS_LOCK_OP_NONE && rw)
		return HS_WAIT_RWMUTEX;
	for (size_t i = 0; i < n && i <= u; i++) {
		hs_wait_kind k = frame_kind(funcs[i] ? funcs[i] : "");
		/* internal/poll under a syscall frame is still the network */
		if (k != HS_WAIT_NONE)
			return k;
	}
	return HS_WAIT_NONE;
}

const char *hs_wait_state_of(hs_wait_kind k)
{
	switch (k) {
	case HS_WAIT_SELECT: return "select";
	case HS_WAIT_CHAN_SEND: return "chan send";
	case HS_WAIT_CHAN_RECV: return "chan receive";
	case HS_WAIT_MUTEX: return "sync.Mutex.Lock";
	case HS_WAIT_RWMUTEX: return "sync.RWMutex.Lock";
	case HS_WAIT_WAITGROUP: return "sync.WaitGroup.Wait";
	case HS_WAIT_COND: return "sync.Cond.Wait";
	case HS_WAIT_NETWORK: return "IO wait";
	case HS_WAIT_SYSCALL: return "syscall";
	case HS_WAIT_SLEEP: return "sleep";
	default: return "unknown";
	}
}

const char *hs_lock_side_name(hs_lock_side s)
{
	return s == HS_SIDE_WAITING ? "waiting" : s == HS_SIDE_HOLDING ? "holding" : "";
}

hs_wait_kind hs_wait_kind_from_state(const char *st)
{
	static const struct {
		const char *state;
		hs_wait_kind kind;
	} tab[] = {
		{"running", HS_WAIT_NONE}, {"runnable", HS_WAIT_NONE},
		{"select", HS_WAIT_SELECT}, {"select (no cases)", HS_WAIT_SELECT},
		{"chan send", HS_WAIT_CHAN_SEND}, {"chan receive", HS_WAIT_CHAN_RECV},
		{"chan send (nil chan)", HS_WAIT_NIL_CHAN}, {"chan receive (nil chan)", HS_WAIT_NIL_CHAN},
		{"sync.Mutex.Lock", HS_WAIT_MUTEX}, {"sync.RWMutex.Lock", HS_WAIT_RWMUTEX},
		{"sync.RWMutex.RLock", HS_WAIT_RWMUTEX}, {"sync.WaitGroup.Wait", HS_WAIT_WAITGROUP},
		{"sync.Cond.Wait", HS_WAIT_COND}, {"IO wait", HS_WAIT_NETWORK},
		{"syscall", HS_WAIT_SYSCALL}, {"sleep", HS_WAIT_SLEEP},
	};
	if (!st || !*st)
		return HS_WAIT_OTHER;
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(st, tab[i].state) == 0)
			return tab[i].kind;
	return HS_WAIT_OTHER;
}

hs_wait_kind hs_wait_classify(const char *state, const char *const *funcs, size_t n)
{
	if (state && *state) {
		hs_wait_kind k = hs_wait_kind_from_state(state);
		if (k != HS_WAIT_OTHER)
			return k;
		hs_wait_kind f = hs_wait_kind_from_frames(funcs, n);
		return f != HS_WAIT_NONE ? f : HS_WAIT_OTHER;
	}
	return hs_wait_kind_from_frames(funcs, n);
}

#define MAX_FRAMES 64

void hs_wait_info_of(const hs_profile *p, size_t s, hs_wait_info *wi)
{
	const char *funcs[MAX_FRAMES];
	size_t n = hs_sample_frames(p, s, funcs, NULL, NULL, MAX_FRAMES);
	bool dump = p->format == HS_FMT_GOROUTINE_DUMP;
	hs_dump_labels dl = {.state = "", .created_by = "", .created_loc = ""};
	if (dump)
		hs_dump_labels_read(p, s, &dl);
	wi->state = dl.state;
	wi->created_by = dl.created_by;
	wi->wait_minutes = dl.wait_minutes;
	wi->dump = dl.dump;
	wi->created_stack = dump ? dl.created_stack : NULL;
	wi->site_created = dump ? dl.site_created : -1;
	wi->site_ended = dump ? dl.site_ended : -1;
	size_t u = hs_user_frame(funcs, n);
	wi->runtime_only = u == n;
	wi->releasing = false;   /* contention profiles only: never in a dump */
	for (size_t i = 0; !dump && i < u && i < n; i++) {
		const char *f = funcs[i] ? funcs[i] : "";
		size_t fl = strlen(f);
		bool unlock = (fl > 8 && strcmp(f + fl - 8, ").Unlock") == 0) ||
		              (fl > 9 && strcmp(f + fl - 9, ").RUnlock") == 0);
		wi->releasing |= unlock && strncmp(f, "sync.", 5) == 0;
	}
	wi->culprit = u < n ? funcs[u] : n ? funcs[0] : "<unknown>";
	wi->kind = hs_wait_classify(dump ? wi->state : NULL, funcs, n);
}

hs_wait_source hs_wait_source_of(const hs_profile *p)
{
	if (p->format == HS_FMT_GOROUTINE_DUMP)
		return HS_SRC_DUMP;
	if (hs_profile_type_index(p, "contentions") >= 0 && hs_profile_type_index(p, "delay") >= 0)
		return HS_SRC_CONTENTION;
	if (hs_profile_type_index(p, "goroutine") >= 0)
		return HS_SRC_GOROUTINE;
	return HS_SRC_NONE;
}

/* ---- hotspots ----------------------------------------------------------- */

HS_VEC_TYPED(hotspot_vec, hs_hotspot)
HS_VEC_TYPED(u32vec, uint32_t)

struct hs_blocking {
	hs_arena arena;
	hs_stacks stacks;
	u32vec first_stack;       /* per hotspot until finish: its first stack */
	hs_i64vec ended;          /* per hotspot: most goroutines its go statement
	                             saw return (traces), -1 unknown */
	hotspot_vec hotspots;     /* sorted by finish */
	hs_strmap index;          /* culprit+kind -> hotspot, until finish */
	uint32_t nfiles;          /* files added */
	int64_t moment;           /* of the file being added */
	unsigned seen;            /* bit 1 << hs_time_from per file */
	hs_locks *locks;          /* lock sites (locks.c) */
	const hs_inventory *inv;  /* hs_blocking_add_input's, or NULL */
	size_t input;             /* of the file being added */
};

hs_blocking *hs_blocking_new(hs_error *err)
{
	hs_blocking *b = calloc(1, sizeof *b);
	if (b && !(b->locks = hs_locks_new())) {
		free(b);
		b = NULL;
	}
	if (b && !hs_stacks_init(&b->stacks)) {
		hs_locks_free(b->locks);
		free(b);
		b = NULL;
	}
	if (!b || !hs_strmap_init(&b->index, 64)) {
		if (b)
			hs_stacks_release(&b->stacks), hs_locks_free(b->locks);
		free(b);
		hs_fail(err, HS_E_NOMEM, "out of memory");
		return NULL;
	}
	hs_arena_init(&b->arena);
	hotspot_vec_init(&b->hotspots);
	u32vec_init(&b->first_stack);
	hs_i64vec_init(&b->ended);
	return b;
}

hs_err hs_blocking_set_own(hs_blocking *b, const char *re, hs_error *err)
{
	return hs_owner_set_regex(b->stacks.owner, re, err);
}

void hs_blocking_free(hs_blocking *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < hotspot_vec_len(&b->hotspots); i++)
		hs_wait_evidence_vec_release(&hotspot_vec_at(&b->hotspots, i)->evidence);
	hotspot_vec_release(&b->hotspots);
	u32vec_release(&b->first_stack);
	hs_i64vec_release(&b->ended);
	hs_strmap_release(&b->index);   /* a second release is a no-op */
	hs_stacks_release(&b->stacks);
	hs_locks_free(b->locks);
	hs_arena_release(&b->arena);
	free(b);
}

size_t hs_blocking_n(const hs_blocking *b)
{
	return hotspot_vec_len(&b->hotspots);
}

const hs_hotspot *hs_blocking_at(const hs_blocking *b, size_t i)
{
	return hotspot_vec_at(&b->hotspots, i);
}

/* The hotspot of (culprit, k) for sample s of p; a new one is named after
 * that sample's stack at finish. */
static hs_hotspot *hotspot(hs_blocking *b, const char *culprit, hs_wait_kind k,
                           hs_lock_side side, const hs_profile *p, size_t s)
{
	char key[1024];
	int n = snprintf(key, sizeof key, "%d\x1f%d\x1f%s", (int)k, (int)side, culprit);
	if (n < 0)
		return NULL;
	size_t kl = (size_t)n < sizeof key ? (size_t)n : sizeof key - 1;
	uint32_t i = hs_strmap_get(&b->index, key, kl);
	if (i != UINT32_MAX)
		return hotspot_vec_at(&b->hotspots, i);
	char *kc = hs_arena_strndup(&b->arena, key, kl);
	char *cc = hs_arena_strndup(&b->arena, culprit, strlen(culprit));
	uint32_t stack = kc && cc ? hs_stacks_of_sample(&b->stacks, p, s) : UINT32_MAX;
	uint32_t *fs = stack != UINT32_MAX ? u32vec_push(&b->first_stack) : NULL;
	int64_t *ended = fs ? hs_i64vec_push(&b->ended) : NULL;
	hs_hotspot *h = ended ? hotspot_vec_push(&b->hotspots) : NULL;
	if (fs)
		*fs = stack;
	if (ended)
		*ended = -1;
	if (!h || hs_strmap_get_or_put(&b->index, kc, kl,
	                               (uint32_t)(hotspot_vec_len(&b->hotspots) - 1)) == UINT32_MAX)
		return NULL;
	h->culprit = cc;
	h->kind = k;
	h->side = side;
	hs_wait_evidence_vec_init(&h->evidence);
	return h;
}

/* A new evidence record of file `name` for h; NULL on no memory. */
static hs_wait_evidence *evidence(hs_blocking *b, hs_hotspot *h, const char *name,
                                  hs_wait_source src)
{
	const char *c = hs_arena_strndup(&b->arena, name, strlen(name));
	hs_wait_evidence *ev = c ? hs_wait_evidence_vec_push(&h->evidence) : NULL;
	if (ev) {
		ev->file = c;
		ev->source = src;
		ev->state = "";
		ev->created = -1;
		ev->moment = b->moment;
		ev->seq = b->nfiles;
		ev->input = b->input;
	}
	return ev;
}

/* Per file: each hotspot's count and longest wait in each snapshot. */
typedef struct snap_rec {
	uint32_t hot;
	int64_t dump, count, wait;
	int64_t created;          /* of count, a trace saw created; -1 not a trace */
	char state[48];
} snap_rec;

static int cmp_snap(const void *pa, const void *pb)
{
	const snap_rec *a = pa, *b = pb;
	if (a->hot != b->hot)
		return a->hot < b->hot ? -1 : 1;
	return a->dump < b->dump ? -1 : a->dump > b->dump;
}

HS_VEC_TYPED(snap_vec, snap_rec)

/* One evidence record per hotspot of recs (sorted): the snapshot with the
 * most goroutines, the longest wait. */
static bool goroutine_evidence(hs_blocking *b, const snap_vec *recs, const char *name,
                               hs_wait_source src)
{
	const snap_rec *r = snap_vec_data(recs);
	size_t n = snap_vec_len(recs);
	for (size_t i = 0; i < n;) {
		uint32_t hot = r[i].hot;
		const char *state = r[i].state;
		int64_t best = 0, wait = 0, nsnap = 0, created = -1;
		int64_t per[64];   /* per dump, the first ones: growth shows early */
		while (i < n && r[i].hot == hot) {
			int64_t d = r[i].dump, c = 0, cr = -1;
			for (; i < n && r[i].hot == hot && r[i].dump == d; i++) {
				c = hs_add(c, r[i].count);
				if (r[i].created >= 0)
					cr = hs_add(cr < 0 ? 0 : cr, r[i].created);
				if (r[i].wait > wait)
					wait = r[i].wait;
			}
			if (nsnap < (int64_t)(sizeof per / sizeof per[0]))
				per[nsnap] = c;
			nsnap++;
			if (c > best)
				best = c, created = cr;
		}
		hs_hotspot *h = hotspot_vec_at(&b->hotspots, hot);
		if (best > h->goroutines)
			h->goroutines = best;
		if (wait > h->wait_minutes)
			h->wait_minutes = wait;
		hs_wait_evidence *ev = evidence(b, h, name, src);
		if (!ev || !(ev->state = hs_arena_strndup(&b->arena, state, strlen(state))))
			return false;
		ev->goroutines = best;
		ev->created = created;
		ev->snapshots = nsnap;
		ev->grows_within = hs_series_grows(per, nsnap < 64 ? (size_t)nsnap : 64,
		                                   HS_IDLE_GROWTH_STEP);
		ev->wait_minutes = wait;
	}
	return true;
}

static hs_err add_goroutines(hs_blocking *b, const hs_profile *p, const char *name,
                             hs_wait_source src, hs_error *err)
{
	int vi = hs_profile_default_index(p);
	const hs_input_entry *in = b->inv ? hs_inventory_at(b->inv, b->input) : NULL;
	bool traced = in && in->kind == HS_IN_TRACE;
	snap_vec recs;
	snap_vec_init(&recs);
	bool ok = true;
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		int64_t v = vi >= 0 ? hs_sample_values(p, s)[vi] : 1;
		if (v <= 0)
			continue;
		hs_wait_info wi;
		hs_wait_info_of(p, s, &wi);
		if (wi.kind == HS_WAIT_NONE || wi.runtime_only)
			continue;
		hs_hotspot *h = hotspot(b, wi.culprit, wi.kind, HS_SIDE_NONE, p, s);
		snap_rec *r = h ? snap_vec_push(&recs) : NULL;
		if (!(ok = r != NULL))
			break;
		r->hot = (uint32_t)(h - hotspot_vec_data(&b->hotspots));
		int64_t *ended = hs_i64vec_at(&b->ended, r->hot);
		if (wi.site_ended > *ended)
			*ended = wi.site_ended;
		r->dump = wi.dump;
		r->count = v;
		/* a trace labels the goroutines it saw created with their site */
		r->created = traced || wi.site_created >= 0 ? (wi.site_created >= 0 ? v : 0) : -1;
		r->wait = wi.wait_minutes;
		snprintf(r->state, sizeof r->state, "%s", wi.state);
	}
	if (ok && snap_vec_len(&recs))
		qsort(snap_vec_data(&recs), snap_vec_len(&recs), sizeof(snap_rec), cmp_snap);
	ok = ok && goroutine_evidence(b, &recs, name, src);
	snap_vec_release(&recs);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

/* A file's totals for one hotspot; seen false until a sample adds to it. */
typedef struct per_hot {
	bool seen;
	int64_t contentions, delay_ns;
} per_hot;
HS_VEC_TYPED(per_hot_vec, per_hot)

static hs_err add_contention(hs_blocking *b, const hs_profile *p, const char *name, hs_error *err)
{
	int ci = hs_profile_type_index(p, "contentions"), di = hs_profile_type_index(p, "delay");
	per_hot_vec per;   /* this file's totals, for one evidence record each */
	per_hot_vec_init(&per);
	bool ok = true;
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		const int64_t *v = hs_sample_values(p, s);
		if (v[ci] == 0 && v[di] == 0)
			continue;
		hs_wait_info wi;
		hs_wait_info_of(p, s, &wi);
		if (wi.kind == HS_WAIT_NONE)
			wi.kind = HS_WAIT_OTHER;
		hs_lock_side side = wi.releasing ? HS_SIDE_HOLDING : HS_SIDE_WAITING;
		hs_hotspot *h = hotspot(b, wi.culprit, wi.kind, side, p, s);
		if (!(ok = h != NULL))
			break;
		size_t hi = (size_t)(h - hotspot_vec_data(&b->hotspots));
		while (ok && per_hot_vec_len(&per) <= hi)
			ok = per_hot_vec_push(&per) != NULL;
		if (!ok)
			break;
		per_hot *t = per_hot_vec_at(&per, hi);
		t->seen = true;
		t->contentions = hs_add(t->contentions, v[ci]);
		t->delay_ns = hs_add(t->delay_ns, v[di]);
		h->contentions = hs_add(h->contentions, v[ci]);
		h->delay_ns = hs_add(h->delay_ns, v[di]);
	}
	for (size_t hi = 0; ok && hi < per_hot_vec_len(&per); hi++) {
		const per_hot *t = per_hot_vec_at(&per, hi);
		if (!t->seen)
			continue;
		hs_wait_evidence *ev =
			evidence(b, hotspot_vec_at(&b->hotspots, hi), name, HS_SRC_CONTENTION);
		if ((ok = ev != NULL)) {
			ev->contentions = t->contentions;
			ev->delay_ns = t->delay_ns;
		}
	}
	per_hot_vec_release(&per);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

/* What p shows of lock sites (locks.c); a CPU profile feeds nothing else.
 * A block or mutex profile counts from the process start (the inventory
 * says which file is one; without it, as a trace: summed). */
static hs_err add_lock_evidence(hs_blocking *b, const hs_profile *p, hs_wait_source src,
                                const char *name, int64_t moment, bool *cpu, hs_error *err)
{
	*cpu = src == HS_SRC_NONE && strcmp(hs_profile_kind(p), "cpu") == 0 &&
	       hs_profile_type_index(p, "cpu") >= 0;
	if (src == HS_SRC_NONE && !*cpu)
		return HS_OK;
	const hs_input_entry *in = b->inv ? hs_inventory_at(b->inv, b->input) : NULL;
	bool cumulative = in && in->kind == HS_IN_CONTENTION;
	hs_err rc = *cpu ? hs_stacks_add_functions(&b->stacks, p, err) : HS_OK;
	return rc ? rc
	          : hs_locks_add(b->locks, &b->stacks, p, src, name, moment, cumulative, err);
}

hs_err hs_blocking_add(hs_blocking *b, const hs_profile *p, const char *name, hs_error *err)
{
	hs_wait_source src = hs_wait_source_of(p);
	hs_err rc = src == HS_SRC_NONE ? HS_OK : hs_stacks_add_functions(&b->stacks, p, err);
	int64_t moment;
	hs_time_from from = hs_file_moment(name, p, &moment);
	bool cpu;
	if (!rc)
		rc = add_lock_evidence(b, p, src, name, moment, &cpu, err);
	if (rc || cpu)
		return rc;
	if (src != HS_SRC_NONE) {
		b->nfiles++;
		b->moment = moment;
		b->seen |= 1u << from;
	}
	switch (src) {
	case HS_SRC_DUMP:
		return add_goroutines(b, p, name, HS_SRC_DUMP, err);
	case HS_SRC_GOROUTINE:
		return add_goroutines(b, p, name, HS_SRC_GOROUTINE, err);
	case HS_SRC_CONTENTION:
		return add_contention(b, p, name, err);
	default:
		return hs_fail(err, HS_E_USAGE,
		               "not a goroutine dump, goroutine, block or mutex profile");
	}
}

static int cmp_hot(const void *pa, const void *pb)
{
	const hs_hotspot *a = pa, *b = pb;
	if ((a->idle != HS_IDLE_NONE) != (b->idle != HS_IDLE_NONE))
		return a->idle != HS_IDLE_NONE ? 1 : -1;   /* idle waits after contention */
	if (a->goroutines != b->goroutines)
		return a->goroutines > b->goroutines ? -1 : 1;
	if (a->delay_ns != b->delay_ns)
		return a->delay_ns > b->delay_ns ? -1 : 1;
	if (a->contentions != b->contentions)
		return a->contentions > b->contentions ? -1 : 1;
	int c = strcmp(a->culprit, b->culprit);
	return c ? c : (int)a->kind - (int)b->kind;
}

/* Evidence in time order: moment, name, then the order given. */
static int cmp_evidence(const void *pa, const void *pb)
{
	const hs_wait_evidence *a = pa, *b = pb;
	int c = hs_moment_cmp(a->moment, a->file, b->moment, b->file);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

hs_err hs_blocking_add_input(hs_blocking *b, const hs_profile *p, const hs_inventory *inv,
                             size_t input, hs_error *err)
{
	const hs_input_entry *in = hs_inventory_at(inv, input);
	b->inv = inv;
	b->input = input;
	return hs_blocking_add(b, p, in ? in->path : "", err);
}

/* Hotspot h without the evidence of twins: its goroutines and wait the
 * most of the rest; false when none is left. */
static bool drop_twin_evidence(const hs_blocking *b, hs_hotspot *h)
{
	size_t n = hs_wait_evidence_vec_len(&h->evidence), k = 0;
	hs_wait_evidence *ev = hs_wait_evidence_vec_data(&h->evidence);
	for (size_t i = 0; i < n; i++) {
		const hs_input_entry *in = hs_inventory_at(b->inv, ev[i].input);
		if (!in || in->why != HS_WHY_TWIN)
			ev[k++] = ev[i];
	}
	if (k == n)
		return true;
	h->evidence.v.len = k;
	h->goroutines = h->wait_minutes = 0;
	for (size_t i = 0; i < k; i++) {
		if (ev[i].goroutines > h->goroutines)
			h->goroutines = ev[i].goroutines;
		if (ev[i].wait_minutes > h->wait_minutes)
			h->wait_minutes = ev[i].wait_minutes;
	}
	return k > 0;
}

/* Hotspot i (with its first stack and ended count) moved to k <= i. */
static void keep_hotspot(hs_blocking *b, size_t k, size_t i)
{
	*hotspot_vec_at(&b->hotspots, k) = *hotspot_vec_at(&b->hotspots, i);
	*u32vec_at(&b->first_stack, k) = *u32vec_at(&b->first_stack, i);
	*hs_i64vec_at(&b->ended, k) = *hs_i64vec_at(&b->ended, i);
}

/* Is ev a partial file's goroutines (not a contention profile's)? */
static bool partial_ev(const hs_blocking *b, const hs_wait_evidence *ev)
{
	return ev->source != HS_SRC_CONTENTION && hs_inventory_partial(b->inv, ev->input);
}

/* Only the goroutines of traces or heap dumps show h: beside a whole
 * snapshot those are goroutines the dumps show in their real state (a
 * trace does not know the state of those it never saw run). */
static bool partial_only(const hs_blocking *b, const hs_hotspot *h)
{
	for (size_t i = 0; i < hs_wait_evidence_vec_len(&h->evidence); i++) {
		const hs_wait_evidence *ev = hs_wait_evidence_vec_at(&h->evidence, i);
		if (!partial_ev(b, ev))
			return false;
	}
	return true;
}

/* Leave out the twins' evidence, the hotspots only twins showed, and,
 * beside a whole goroutine snapshot, those only partial files showed. */
static void drop_twins(hs_blocking *b)
{
	size_t n = hotspot_vec_len(&b->hotspots), k = 0;
	bool whole = b->inv && hs_inventory_has_whole(b->inv);
	for (size_t i = 0; b->inv && i < n; i++) {
		hs_hotspot *h = hotspot_vec_at(&b->hotspots, i);
		if (!drop_twin_evidence(b, h) || (whole && partial_only(b, h))) {
			hs_wait_evidence_vec_release(&h->evidence);
			continue;
		}
		keep_hotspot(b, k++, i);
	}
	if (b->inv)
		b->hotspots.v.len = b->first_stack.v.len = b->ended.v.len = k;
}

/* Is every record of h a partial file's goroutines in state "waiting", a
 * wait the file does not name (hs_blocking_finish)? */
static bool unknown_partial(const hs_blocking *b, const hs_hotspot *h)
{
	size_t ne = hs_wait_evidence_vec_len(&h->evidence);
	if (h->kind != HS_WAIT_OTHER || h->side != HS_SIDE_NONE || !ne)
		return false;
	for (size_t i = 0; i < ne; i++) {
		const hs_wait_evidence *ev = hs_wait_evidence_vec_at(&h->evidence, i);
		if (!partial_ev(b, ev) || strcmp(ev->state, "waiting") != 0)
			return false;
	}
	return true;
}

/* The hotspot of h's user frame whose wait is known, most goroutines
 * first; NULL when there is none. */
static hs_hotspot *known_twin(hs_blocking *b, const hs_hotspot *h)
{
	hs_hotspot *best = NULL;
	for (size_t i = 0; i < hotspot_vec_len(&b->hotspots); i++) {
		hs_hotspot *t = hotspot_vec_at(&b->hotspots, i);
		if (t != h && t->side == HS_SIDE_NONE && t->kind != HS_WAIT_OTHER &&
		    t->kind != HS_WAIT_NONE &&
		    strcmp(t->culprit, h->culprit) == 0 && (!best || t->goroutines > best->goroutines))
			best = t;
	}
	return best;
}

/* h's records into t: a file's goroutines added to t's record of that
 * file, or a record of their own; false on no memory. */
static bool join_evidence(hs_blocking *b, hs_hotspot *t, const hs_hotspot *h)
{
	for (size_t i = 0; i < hs_wait_evidence_vec_len(&h->evidence); i++) {
		const hs_wait_evidence *ev = hs_wait_evidence_vec_at(&h->evidence, i);
		hs_wait_evidence *to = NULL;
		for (size_t k = 0; !to && k < hs_wait_evidence_vec_len(&t->evidence); k++) {
			hs_wait_evidence *e = hs_wait_evidence_vec_at(&t->evidence, k);
			if (e->source == ev->source && e->seq == ev->seq && strcmp(e->file, ev->file) == 0)
				to = e;
		}
		if (!to) {
			if (!(to = hs_wait_evidence_vec_push(&t->evidence)))
				return false;
			*to = *ev;
		} else {
			to->goroutines = hs_add(to->goroutines, ev->goroutines);
			if (ev->created > 0)
				to->created = hs_add(to->created < 0 ? 0 : to->created, ev->created);
			if (ev->wait_minutes > to->wait_minutes)
				to->wait_minutes = ev->wait_minutes;
		}
		if (to->goroutines > t->goroutines)
			t->goroutines = to->goroutines;
		if (to->wait_minutes > t->wait_minutes)
			t->wait_minutes = to->wait_minutes;
	}
	return true;
}

/* The unknown waits of partial files joined to the hotspot of their user
 * frame whose wait is known (blocking.h); out of memory leaves them apart.
 * A joined one is marked HS_WAIT_NONE (no hotspot's kind), then dropped. */
static void join_unknown_waits(hs_blocking *b)
{
	size_t n = hotspot_vec_len(&b->hotspots), k = 0;
	for (size_t i = 0; i < n; i++) {
		hs_hotspot *h = hotspot_vec_at(&b->hotspots, i);
		hs_hotspot *t = unknown_partial(b, h) ? known_twin(b, h) : NULL;
		if (!t || !join_evidence(b, t, h))
			continue;
		int64_t *te = hs_i64vec_at(&b->ended, (size_t)(t - hotspot_vec_data(&b->hotspots)));
		if (*hs_i64vec_at(&b->ended, i) > *te)
			*te = *hs_i64vec_at(&b->ended, i);
		hs_wait_evidence_vec_release(&h->evidence);
		h->kind = HS_WAIT_NONE;
	}
	for (size_t i = 0; i < n; i++)
		if (hotspot_vec_at(&b->hotspots, i)->kind != HS_WAIT_NONE)
			keep_hotspot(b, k++, i);
	b->hotspots.v.len = b->first_stack.v.len = b->ended.v.len = k;
}

/* The idle class of h (first stack st) while it stays idle: its
 * goroutines per file (time order) neither grow nor reach the bound. */
static hs_idle_class idle_of(const hs_blocking *b, const hs_hotspot *h, uint32_t st)
{
	const hs_stack *sk = hs_stacks_at(&b->stacks, st);
	hs_idle_class c = hs_idle_classify(h->kind, (const char *const *)sk->funcs, sk->n);
	size_t ne = hs_wait_evidence_vec_len(&h->evidence), n = 0;
	int64_t series[64];   /* the first files: growth shows early */
	/* with a whole goroutine snapshot in the evidence, a trace's or heap
	 * dump's goroutines (some of them only) are no point of the series */
	bool whole = false;
	for (size_t i = 0; i < ne; i++) {
		const hs_wait_evidence *ev = hs_wait_evidence_vec_at(&h->evidence, i);
		whole |= ev->source != HS_SRC_CONTENTION && !hs_inventory_partial(b->inv, ev->input);
	}
	bool within = false;   /* a log of dumps grows inside one file */
	for (size_t i = 0; i < ne && n < sizeof series / sizeof series[0]; i++) {
		const hs_wait_evidence *ev = hs_wait_evidence_vec_at(&h->evidence, i);
		if (ev->source != HS_SRC_CONTENTION && !(whole && partial_ev(b, ev))) {
			series[n++] = ev->goroutines;
			within |= ev->grows_within;
		}
	}
	bool grows = within || hs_series_grows(series, n, HS_IDLE_GROWTH_STEP);
	int64_t ended = *hs_i64vec_at(&b->ended, (size_t)(h - hotspot_vec_data(&b->hotspots)));
	return hs_idle_stays(c, h->goroutines, grows, ended) ? c : HS_IDLE_NONE;
}

/* Block and mutex profiles count from the process start: of those that
 * show h (its side is one kind's), the last one's values (time order, else
 * the order given) are its total; a trace's waits, which such a profile
 * holds too, count (summed) only when no contention profile shows h. */
static void cumulative_totals(const hs_blocking *b, hs_hotspot *h)
{
	size_t ne = hs_wait_evidence_vec_len(&h->evidence);
	const hs_wait_evidence *last = NULL;
	for (size_t i = 0; b->inv && i < ne; i++) {
		const hs_wait_evidence *ev = hs_wait_evidence_vec_at(&h->evidence, i);
		const hs_input_entry *in = hs_inventory_at(b->inv, ev->input);
		if (ev->source == HS_SRC_CONTENTION && in && in->kind == HS_IN_CONTENTION)
			last = ev;
	}
	if (!last)
		return;   /* traces alone (or no inventory): their sum */
	h->contentions = last->contentions;
	h->delay_ns = last->delay_ns;
}

void hs_blocking_finish(hs_blocking *b)
{
	(void)hs_owner_finish(b->stacks.owner);   /* no memory: fewer own frames */
	/* a partial file's unknown waits join their group first, so that
	 * drop_twins then leaves out only what partial files alone show */
	join_unknown_waits(b);
	drop_twins(b);
	bool timed = hs_moments_order(b->seen);
	(void)hs_locks_finish(b->locks, &b->stacks, timed);   /* no memory: fewer sites */
	for (size_t i = 0; i < hotspot_vec_len(&b->hotspots); i++) {
		hs_hotspot *h = hotspot_vec_at(&b->hotspots, i);
		size_t ne = hs_wait_evidence_vec_len(&h->evidence);
		if (timed && ne > 1)
			qsort(hs_wait_evidence_vec_data(&h->evidence), ne, sizeof(hs_wait_evidence),
			      cmp_evidence);
		cumulative_totals(b, h);
		uint32_t st = *u32vec_at(&b->first_stack, i);
		const char *own = hs_stacks_culprit(&b->stacks, st, &h->chain);
		if (own)
			h->culprit = own;
		h->idle = idle_of(b, h, st);
	}
	if (hotspot_vec_len(&b->hotspots))
		qsort(hotspot_vec_data(&b->hotspots), hotspot_vec_len(&b->hotspots),
		      sizeof(hs_hotspot), cmp_hot);
	/* the index now points at the wrong rows: drop it */
	hs_strmap_release(&b->index);   /* a second release is a no-op */
}

size_t hs_blocking_nsites(const hs_blocking *b)
{
	return hs_locks_n(b->locks);
}

const hs_lock_site *hs_blocking_site(const hs_blocking *b, size_t i)
{
	return hs_locks_at(b->locks, i);
}

int64_t hs_blocking_lock_site_of(const hs_blocking *b, const hs_hotspot *h)
{
	hs_lock_op op, other;
	return hs_blocking_lock_link(b, h, &op, &other);
}

/* The first of two parts the site shows, HS_LOCK_OP_NONE for neither. */
static hs_lock_op shown(const hs_lock_site *s, hs_lock_op a, hs_lock_op b)
{
	return s->part[a].func ? a : s->part[b].func ? b : HS_LOCK_OP_NONE;
}

/* Of two release parts the one others waited for longest (mutex profile
 * delay, then goroutines inside), a first on a tie. */
static hs_lock_op longer(const hs_lock_site *s, hs_lock_op a, hs_lock_op b)
{
	const hs_lock_part *pa = &s->part[a], *pb = &s->part[b];
	if (!pa->func || !pb->func)
		return shown(s, a, b);
	if (pa->delay_ns != pb->delay_ns)
		return pa->delay_ns > pb->delay_ns ? a : b;
	return pb->goroutines > pa->goroutines ? b : a;
}

int64_t hs_blocking_lock_link(const hs_blocking *b, const hs_hotspot *h, hs_lock_op *op,
                              hs_lock_op *other)
{
	*op = *other = HS_LOCK_OP_NONE;
	if (h->kind != HS_WAIT_MUTEX && h->kind != HS_WAIT_RWMUTEX)
		return -1;
	int64_t i = hs_locks_site_of(b->locks, h->culprit, h->kind == HS_WAIT_RWMUTEX,
	                             h->side == HS_SIDE_HOLDING, op);
	if (i < 0)
		return i;
	const hs_lock_site *s = hs_locks_at(b->locks, (size_t)i);
	switch (*op) {
	case HS_LOCK_OP_RLOCK: *other = shown(s, HS_LOCK_OP_UNLOCK, HS_LOCK_OP_LOCK); break;
	case HS_LOCK_OP_LOCK: *other = longer(s, HS_LOCK_OP_UNLOCK, HS_LOCK_OP_RUNLOCK); break;
	case HS_LOCK_OP_UNLOCK: *other = shown(s, HS_LOCK_OP_RLOCK, HS_LOCK_OP_LOCK); break;
	default: *other = shown(s, HS_LOCK_OP_LOCK, HS_LOCK_OP_NONE); break;   /* RUnlock */
	}
	return i;
}
