/* Analyses of an execution trace's event stream: the summary behind
 * `heapscope trace` and the blocking profiles of go tool trace -pprof.
 * See include/heapscope/trace_analysis.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/blocking.h"
#include "heapscope/goroutines.h"
#include "heapscope/trace_analysis.h"
#include "hashmap.h"

/* ---- frames ----------------------------------------------------------------- */

static const hs_line *loc_line(const hs_profile *p, uint32_t loc)
{
	const hs_location *l = hs_location_at(p, loc);
	return l->nlines ? hs_line_at(p, l->line_start) : NULL;
}

/* Before hs_profile_finish lines hold function ids (index + 1). */
static const char *fn_name(const hs_profile *p, const hs_line *ln)
{
	if (!ln || ln->function == 0 || ln->function > p->functions.len)
		return "";
	return hs_s(p, hs_function_at(p, ln->function - 1)->name);
}

const char *hs_trace_loc_name(const hs_profile *p, uint32_t loc1, char *buf, size_t n)
{
	if (loc1 == 0 || loc1 > p->locations.len) {
		snprintf(buf, n, "?");
		return buf;
	}
	const hs_line *ln = loc_line(p, loc1 - 1);
	const char *fn = fn_name(p, ln);
	const char *file = ln && ln->function && ln->function <= p->functions.len
	                       ? hs_s(p, hs_function_at(p, ln->function - 1)->filename)
	                       : "";
	if (!*fn)
		snprintf(buf, n, "0x%llx", (unsigned long long)hs_location_at(p, loc1 - 1)->address);
	else if (*file)
		snprintf(buf, n, "%s %s:%lld", fn, file, (long long)ln->line);
	else
		snprintf(buf, n, "%s", fn);
	return buf;
}

uint32_t hs_trace_user_loc(const hs_profile *p, uint32_t stack)
{
	if (stack == 0 || stack > p->nstacks)
		return 0;
	uint32_t n;
	const uint32_t *ids = hs_stack_at(p, stack - 1, &n);
	for (uint32_t i = 0; i < n; i++) {
		/* blocking's notion: runtime, sync, time, poller... are plumbing */
		if (!hs_is_plumbing(fn_name(p, loc_line(p, hs_trace_loc(ids[i])))))
			return ids[i];
	}
	return n ? ids[0] : 0;
}

/* ---- summary ---------------------------------------------------------------- */

enum { GS_NONE, GS_RUNNABLE, GS_RUNNING, GS_BLOCKED, GS_SYSCALL, GS_DEAD };

/* A goroutine's state in two records of the same index: `gor` holds what
 * nearly every event reads or writes, 32 bytes in a 64-byte aligned array
 * so that one event touches one cache line (35,000 goroutines do not fit
 * in a core's cache); `gcold` the rest. */
typedef struct gor {
	int64_t since, block_since;
	uint32_t site;          /* index into sites */
	uint32_t block_stack;
	uint32_t longest_kib;   /* gcold.longest.dur >> 10, at most UINT32_MAX:
	                           a wait shorter than that cannot be longer */
	uint8_t state, wait;
} gor;

_Static_assert(sizeof(gor) == 32, "gor: two to a cache line");

typedef struct gcold {
	uint64_t id;
	uint32_t start_stack;
	hs_tblocked longest;
} gcold;

HS_VEC_VIEW(gcold_vec, gcold)
HS_VEC_VIEW(hs_tsite_vec, hs_tsite)
HS_VEC_VIEW(hs_theap_vec, hs_theap)

static hs_err summary_nomem(void)
{
	return HS_E_NOMEM;
}

/* The analyses' private maps hide behind void * in the public header. */
static void *idmap_new(size_t expect)
{
	hs_idmap *m = calloc(1, sizeof *m);
	if (m && !hs_idmap_init(m, expect)) {
		free(m);
		m = NULL;
	}
	return m;
}

/* The map *m, made on first use so that the _init functions allocate
 * nothing; NULL on no memory. */
static hs_idmap *idmap_of(void **m, size_t expect)
{
	if (!*m)
		*m = idmap_new(expect);
	return *m;
}

static void idmap_free(void **m)
{
	if (*m) {
		hs_idmap_release(*m);
		free(*m);
		*m = NULL;
	}
}

/* The same for the goroutine maps, looked up on nearly every event: an
 * hs_dmap (goroutine ids are dense). */
static hs_dmap *dmap_of(void **m)
{
	if (!*m)
		*m = calloc(1, sizeof(hs_dmap));
	return *m;
}

static void dmap_free(void **m)
{
	if (*m)
		hs_dmap_release(*m);
	free(*m);
	*m = NULL;
}

void hs_trace_summary_init(hs_trace_summary *s, hs_profile *stacks)
{
	memset(s, 0, sizeof *s);
	s->stacks = stacks;
	hs_vec_init(&s->sites, sizeof(hs_tsite));
	hs_vec_init(&s->heap, sizeof(hs_theap));
	hs_vec_init(&s->gs, sizeof(gcold));
	s->heap_width = 100000000;   /* 100ms, doubled as the trace grows */
	s->cur_sec = -1;
}

void hs_trace_summary_release(hs_trace_summary *s)
{
	hs_vec_release(&s->sites);
	hs_vec_release(&s->heap);
	hs_vec_release(&s->gs);
	free(s->ghot);
	s->ghot = NULL;
	s->ghot_cap = 0;
	dmap_free(&s->gmap);
	idmap_free(&s->sitemap);
}

static inline gor *hot_at(const hs_trace_summary *s, size_t i)
{
	return (gor *)s->ghot + i;
}

/* A new goroutine's zeroed records at index s->gs.len - 1; NULL on no
 * memory. */
static gor *push_g(hs_trace_summary *s, uint64_t id)
{
	size_t n = s->gs.len + 1;
	if (n > s->ghot_cap) {
		size_t cap = s->ghot_cap ? s->ghot_cap * 2 : 64;
		if (cap > SIZE_MAX / 2 / sizeof(gor))
			return NULL;
		gor *h = aligned_alloc(64, cap * sizeof(gor));
		if (!h)
			return NULL;
		if (s->ghot_cap)
			memcpy(h, s->ghot, s->gs.len * sizeof(gor));
		free(s->ghot);
		s->ghot = h;
		s->ghot_cap = cap;
	}
	gcold *c = hs_vec_push(&s->gs, 1);
	if (!c)
		return NULL;
	c->id = id;
	gor *g = hot_at(s, s->gs.len - 1);
	memset(g, 0, sizeof *g);
	return g;
}

static void count_rate(int64_t ts, int64_t *cur_sec, uint64_t *cur, uint64_t *peak)
{
	int64_t sec = ts / 1000000000;
	if (sec != *cur_sec) {
		*cur_sec = sec;
		*cur = 0;
	}
	if (++*cur > *peak)
		*peak = *cur;
}

static hs_err site_for(hs_trace_summary *s, uint32_t stack, uint32_t start, bool at_start,
                       uint32_t *out)
{
	uint32_t user = hs_trace_user_loc(s->stacks, stack);
	uint32_t sloc = 0;
	if (start && start <= s->stacks->nstacks) {
		uint32_t n;
		const uint32_t *ids = hs_stack_at(s->stacks, start - 1, &n);
		sloc = n ? ids[0] : 0;
	}
	/* locations stay below 2^31: the top bit tells the goroutines from
	 * before the trace apart */
	uint64_t key = (uint64_t)user << 32 | sloc | (uint64_t)at_start << 63;
	hs_idmap *map = idmap_of(&s->sitemap, 64);
	if (!map)
		return summary_nomem();
	uint32_t i = hs_idmap_get(map, key);
	if (i == UINT32_MAX) {
		hs_tsite *site = hs_vec_push(&s->sites, 1);
		if (!site || !hs_idmap_put(map, key, (uint32_t)(s->sites.len - 1), NULL))
			return summary_nomem();
		site->user_loc = user;
		site->start_loc = sloc;
		site->stack = stack;
		site->at_start = at_start;
		const char *fn = sloc ? fn_name(s->stacks, loc_line(s->stacks, sloc - 1)) : "";
		site->runtime = strncmp(fn, "runtime.", 8) == 0 || strncmp(fn, "runtime/", 8) == 0;
		site->cur_sec = -1;
		i = (uint32_t)(s->sites.len - 1);
	}
	*out = i;
	return HS_OK;
}

/* A goroutine the stream did not introduce: from before the trace. */
__attribute__((noinline))
static hs_err g_before(hs_trace_summary *s, hs_dmap *map, uint64_t id, int64_t ts, uint32_t *out)
{
	uint32_t site;
	hs_err rc = site_for(s, 0, 0, false, &site);
	gor *g = rc ? NULL : push_g(s, id);
	if (!g || !hs_dmap_put(map, id, (uint32_t)(s->gs.len - 1)))
		return rc ? rc : summary_nomem();
	g->site = site;
	g->state = GS_RUNNABLE;
	g->since = ts;
	s->existing++;
	hs_tsite_vec_at(&s->sites, site)->existing++;
	*out = (uint32_t)(s->gs.len - 1);
	return HS_OK;
}

static inline hs_err find_g(hs_trace_summary *s, uint64_t id, int64_t ts, uint32_t *out)
{
	hs_dmap *map = dmap_of(&s->gmap);
	if (!map)
		return summary_nomem();
	uint32_t i = hs_dmap_get(map, id);
	if (i == UINT32_MAX)
		return g_before(s, map, id, ts, out);
	*out = i;
	return HS_OK;
}

/* Differences and sums wrap as Go's do: hostile timestamps must not
 * overflow (UB in C). */
static int64_t sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

/* Charge the time since the last transition to the state it was in. */
static inline void account(hs_trace_summary *s, gor *g, int64_t ts)
{
	int64_t dt = sub(ts, g->since);
	if (dt > 0) {
		hs_tsite *site = hs_tsite_vec_at(&s->sites, g->site);
		switch (g->state) {
		case GS_RUNNING: site->running = hs_add(site->running, dt); break;
		case GS_RUNNABLE: site->runnable = hs_add(site->runnable, dt); break;
		case GS_SYSCALL: site->syscall = hs_add(site->syscall, dt); break;
		case GS_BLOCKED: site->blocked[g->wait] = hs_add(site->blocked[g->wait], dt); break;
		}
		g->since = ts;
	}
}

/* Goroutine i's wait of dur (> 0) ended: the longest so far?  Out of
 * line: rare once a goroutine has waited a while, and the summary's hot
 * path then needs no stack frame of its own. */
__attribute__((noinline))
static void longer_wait(hs_trace_summary *s, uint32_t i, int64_t dur, bool until_end)
{
	gor *g = hot_at(s, i);
	gcold *c = gcold_vec_at(&s->gs, i);
	if (dur > c->longest.dur) {
		c->longest = (hs_tblocked){.g = c->id, .site = g->site,
		                           .wait = g->state == GS_BLOCKED ? (hs_twait)g->wait : HS_TWAIT_NONE,
		                           .syscall = g->state == GS_SYSCALL, .until_end = until_end,
		                           .since = g->block_since, .dur = dur, .stack = g->block_stack};
		uint64_t kib = (uint64_t)dur >> 10;
		g->longest_kib = kib > UINT32_MAX ? UINT32_MAX : (uint32_t)kib;
	}
}

/* Goroutine i's wait ends at ts: the longest so far? */
static inline void end_block(hs_trace_summary *s, uint32_t i, int64_t ts, bool until_end)
{
	gor *g = hot_at(s, i);
	if (g->state != GS_BLOCKED && g->state != GS_SYSCALL)
		return;
	/* longest.dur is never negative: dur <= 0 cannot beat it */
	int64_t dur = sub(ts, g->block_since);
	if (dur <= 0 || ((uint64_t)dur >> 10) < g->longest_kib)
		return;
	longer_wait(s, i, dur, until_end);
}

/* Forced inline: GCC otherwise keeps a call on every event. */
__attribute__((always_inline))
static inline void set_state(hs_trace_summary *s, uint32_t i, int state, int64_t ts, hs_twait w,
                      uint32_t stack)
{
	gor *g = hot_at(s, i);
	account(s, g, ts);
	if (state != g->state || (state == GS_BLOCKED && w != g->wait)) {
		end_block(s, i, ts, false);
		if (state == GS_BLOCKED || state == GS_SYSCALL) {
			g->block_since = ts;
			g->block_stack = stack;
		}
	}
	g->state = (uint8_t)state;
	g->wait = (uint8_t)w;
	if (g->since < ts)
		g->since = ts;
}

/* Up to Go 1.21 a trace opens with a creation event for every goroutine
 * alive then, all on one stack (trace.Start's caller), before anything
 * else happens: those goroutines were not created during the trace. */
static bool opening_creation(hs_trace_summary *s, const hs_tev *ev)
{
	if (s->start_phase == 2 || ev->stack == 0)
		return false;
	if (s->start_phase == 0) {
		s->start_phase = 1;
		s->start_stack = ev->stack;
	}
	return ev->stack == s->start_stack;
}

static hs_err on_create(hs_trace_summary *s, const hs_tev *ev)
{
	uint32_t site;
	hs_err rc = site_for(s, ev->stack, (uint32_t)ev->arg1, opening_creation(s, ev), &site);
	if (rc)
		return rc;
	hs_dmap *map = dmap_of(&s->gmap);
	if (!map)
		return summary_nomem();
	uint32_t i = hs_dmap_get(map, ev->g);
	gor *g;
	if (i != UINT32_MAX) {
		g = hot_at(s, i);   /* a goroutine id reused after its end */
		account(s, g, ev->ts);
		memset(g, 0, sizeof *g);
		memset(gcold_vec_at(&s->gs, i), 0, sizeof(gcold));
		gcold_vec_at(&s->gs, i)->id = ev->g;
	} else {
		g = push_g(s, ev->g);
		i = (uint32_t)(s->gs.len - 1);
		if (!g || !hs_dmap_put(map, ev->g, i))
			return summary_nomem();
	}
	g->site = site;
	g->state = GS_RUNNABLE;
	g->since = ev->ts;
	gcold_vec_at(&s->gs, i)->start_stack = (uint32_t)ev->arg1;
	hs_tsite *st = hs_tsite_vec_at(&s->sites, site);
	st->created++;
	s->created++;
	s->at_start += st->at_start;
	if (!st->at_start) {
		count_rate(ev->ts, &st->cur_sec, &st->cur_count, &st->peak_per_sec);
		count_rate(ev->ts, &s->cur_sec, &s->cur_count, &s->peak_per_sec);
	}
	return HS_OK;
}

static void on_heap(hs_trace_summary *s, const hs_tev *ev)
{
	if (ev->kind == HS_TEV_HEAP_ALLOC) {
		s->heap_last = ev->arg0;
		if (ev->arg0 > s->heap_peak)
			s->heap_peak = ev->arg0;
	}
	/* Fixed number of points: when full, pairs merge and the width doubles. */
	while ((size_t)(ev->ts / s->heap_width) >= HS_TRACE_HEAP_POINTS) {
		hs_theap *h = s->heap.data;
		size_t w = 0;
		for (size_t i = 0; i < s->heap.len; i++) {
			int64_t slot = h[i].ts / (s->heap_width * 2);
			if (w && h[w - 1].ts / (s->heap_width * 2) == slot) {
				if (h[i].alloc > h[w - 1].alloc)
					h[w - 1].alloc = h[i].alloc;
				if (h[i].goal)
					h[w - 1].goal = h[i].goal;
			} else {
				h[w] = h[i];
				h[w].ts = slot * s->heap_width * 2;
				w++;
			}
		}
		s->heap.len = w;
		s->heap_width *= 2;
	}
	int64_t slot_ts = ev->ts / s->heap_width * s->heap_width;
	hs_theap *last = s->heap.len ? hs_theap_vec_at(&s->heap, s->heap.len - 1) : NULL;
	if (!last || last->ts != slot_ts) {
		if (!(last = hs_vec_push(&s->heap, 1)))
			return;
		last->ts = slot_ts;
		last->alloc = s->heap_last;
	}
	if (ev->kind == HS_TEV_HEAP_ALLOC && ev->arg0 > last->alloc)
		last->alloc = ev->arg0;
	if (ev->kind == HS_TEV_HEAP_GOAL)
		last->goal = ev->arg0;
}

/* The events that are not a goroutine's transition (rare). */
__attribute__((noinline))
static hs_err summary_other(hs_trace_summary *s, const hs_tev *ev)
{
	if (ev->kind != HS_TEV_GO_CREATE && ev->kind != HS_TEV_GO_EXISTING)
		s->start_phase = 2;
	switch (ev->kind) {
	case HS_TEV_GO_CREATE:
		return on_create(s, ev);
	case HS_TEV_GC_START:
		s->gc_count++;
		return HS_OK;
	case HS_TEV_HEAP_ALLOC:
	case HS_TEV_HEAP_GOAL:
		if (ev->ts >= 0)
			on_heap(s, ev);
		return HS_OK;
	case HS_TEV_GO_EXISTING:
		if (ev->g == 0)
			return HS_OK;
		uint32_t gi;
		hs_err rc = find_g(s, ev->g, ev->ts, &gi);
		if (rc == HS_OK && ev->arg0 && hot_at(s, gi)->state != GS_DEAD)
			set_state(s, gi, ev->arg0 == 2 ? GS_SYSCALL : GS_BLOCKED, ev->ts, HS_TWAIT_OTHER,
			          ev->stack);
		return rc;
	default:
		return HS_OK;
	}
}

/* The kinds a goroutine moves by, nearly every event: told apart from the
 * rest by one test of a mask, not a jump. */
#define MOVES ((1u << HS_TEV_GO_START) | (1u << HS_TEV_GO_STOP) | (1u << HS_TEV_GO_BLOCK) |   \
               (1u << HS_TEV_GO_UNBLOCK) | (1u << HS_TEV_GO_END) |                           \
               (1u << HS_TEV_SYSCALL_BLOCK) | (1u << HS_TEV_SYSCALL_EXIT))

/* Goroutine gi's transition by ev (a MOVES kind). */
__attribute__((always_inline))
static inline hs_err move(hs_trace_summary *s, const hs_tev *ev, uint32_t gi)
{
	if (hot_at(s, gi)->state == GS_DEAD && ev->kind != HS_TEV_GO_START)
		return HS_OK;
	switch (ev->kind) {
	case HS_TEV_GO_START: set_state(s, gi, GS_RUNNING, ev->ts, HS_TWAIT_NONE, 0); break;
	case HS_TEV_GO_STOP:
	case HS_TEV_GO_UNBLOCK:
	case HS_TEV_SYSCALL_EXIT:
		set_state(s, gi, GS_RUNNABLE, ev->ts, HS_TWAIT_NONE, 0);
		break;
	case HS_TEV_GO_BLOCK: set_state(s, gi, GS_BLOCKED, ev->ts, ev->wait, ev->stack); break;
	case HS_TEV_SYSCALL_BLOCK: set_state(s, gi, GS_SYSCALL, ev->ts, HS_TWAIT_NONE, ev->stack); break;
	case HS_TEV_GO_END:
		set_state(s, gi, GS_DEAD, ev->ts, HS_TWAIT_NONE, 0);
		hs_tsite_vec_at(&s->sites, hot_at(s, gi)->site)->ended++;
		s->ended++;
		break;
	default:
		break;
	}
	return HS_OK;
}

/* move() for a goroutine not in the array part of the map: new, or with
 * a large id. */
__attribute__((noinline))
static hs_err move_lookup(hs_trace_summary *s, const hs_tev *ev)
{
	uint32_t gi;
	hs_err rc = find_g(s, ev->g, ev->ts, &gi);
	return rc ? rc : move(s, ev, gi);
}

hs_err hs_trace_summary_event(void *ctx, const hs_tev *ev)
{
	hs_trace_summary *s = ctx;
	if (ev->ts > s->end_ts)
		s->end_ts = ev->ts;
	if (!(MOVES >> ev->kind & 1))
		return summary_other(s, ev);
	s->start_phase = 2;
	if (ev->g == 0)
		return HS_OK;
	/* The goroutine's index with no call on the way, so that this path
	 * saves no registers. */
	const hs_dmap *map = s->gmap;
	uint32_t gi = map ? hs_dmap_get_dense(map, ev->g) : UINT32_MAX;
	if (gi == UINT32_MAX)
		return move_lookup(s, ev);
	return move(s, ev, gi);
}

static int cmp_blocked(const void *a, const void *b)
{
	const hs_tblocked *x = a, *y = b;
	if (x->dur != y->dur)
		return x->dur > y->dur ? -1 : 1;
	return x->g < y->g ? -1 : x->g > y->g;
}

static void keep_top(hs_trace_summary *s, const hs_tblocked *b)
{
	if (b->dur <= 0)
		return;
	if (s->ntop == HS_TRACE_TOP_BLOCKED) {
		if (cmp_blocked(b, &s->top[s->ntop - 1]) >= 0)
			return;
		s->ntop--;
	}
	s->top[s->ntop++] = *b;
	qsort(s->top, s->ntop, sizeof *s->top, cmp_blocked);
}

static uint64_t alive(uint64_t seen, uint64_t ended)
{
	return seen > ended ? seen - ended : 0;
}

uint64_t hs_trace_summary_alive(const hs_trace_summary *s)
{
	return alive(s->created + s->existing, s->ended);
}

uint64_t hs_tsite_alive(const hs_tsite *site)
{
	return alive(site->created + site->existing, site->ended);
}

static int cmp_site(const void *a, const void *b)
{
	const hs_tsite *x = a, *y = b;
	if (x->runtime != y->runtime)
		return x->runtime ? 1 : -1;
	if (x->at_start != y->at_start)
		return x->at_start ? 1 : -1;
	uint64_t ax = hs_tsite_alive(x), ay = hs_tsite_alive(y);
	if (ax != ay)
		return ax > ay ? -1 : 1;
	if (x->created != y->created)
		return x->created > y->created ? -1 : 1;
	if (x->user_loc != y->user_loc)
		return x->user_loc < y->user_loc ? -1 : 1;
	return x->start_loc < y->start_loc ? -1 : x->start_loc > y->start_loc;
}

hs_err hs_trace_summary_finish(hs_trace_summary *s, int64_t end_ts, hs_error *err)
{
	if (end_ts < s->end_ts)
		end_ts = s->end_ts;
	s->end_ts = end_ts;
	for (size_t i = 0; i < s->gs.len; i++) {
		gor *g = hot_at(s, i);
		if (g->state == GS_DEAD)
			continue;
		account(s, g, end_ts);
		end_block(s, (uint32_t)i, end_ts, true);
		if (g->state == GS_BLOCKED || g->state == GS_SYSCALL)
			hs_tsite_vec_at(&s->sites, g->site)->blocked_at_end++;
	}
	/* The runtime's own goroutines wait by design: not culprits. */
	for (size_t i = 0; i < s->gs.len; i++) {
		if (!hs_tsite_vec_at(&s->sites, hot_at(s, i)->site)->runtime)
			keep_top(s, &gcold_vec_at(&s->gs, i)->longest);
	}
	/* Sort sites culprit first; goroutines and the longest-blocked keep
	 * pointing at theirs. */
	size_t n = s->sites.len;
	uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
	hs_tsite *copy = malloc((n ? n : 1) * sizeof *copy);
	if (!rank || !copy) {
		free(rank);
		free(copy);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	if (n)
		memcpy(copy, s->sites.data, n * sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i].cur_count = i;   /* remember the old index through the sort */
	if (n)
		qsort(copy, n, sizeof *copy, cmp_site);
	for (size_t i = 0; i < n; i++)
		rank[copy[i].cur_count] = (uint32_t)i;
	if (n)
		memcpy(s->sites.data, copy, n * sizeof *copy);
	for (size_t i = 0; i < s->ntop; i++)
		s->top[i].site = rank[s->top[i].site];
	for (size_t i = 0; i < s->gs.len; i++) {
		gor *g = hot_at(s, i);
		g->site = rank[g->site];
	}
	free(rank);
	free(copy);
	return HS_OK;
}

/* ---- blocking profiles -------------------------------------------------------- */

enum { PEND_NONE, PEND_OTHER, PEND_CREATE, PEND_UNBLOCK, PEND_BLOCK, PEND_SYSCALL };

/* What Go's parser links: an event waits for the goroutine's next
 * transition (Event.Link), and -pprof sums Link.Ts - Ts per stack. */
typedef struct pend {
	uint8_t kind;
	uint8_t wait;
	uint32_t stack;
	int64_t ts;
} pend;

typedef struct rec {
	uint32_t stack;
	int64_t n, delay;
} rec;

HS_VEC_VIEW(pend_vec, pend)
HS_VEC_VIEW(rec_vec, rec)

static const char *const tprof_names[HS_TPROF_COUNT] = {"sync", "net", "syscall", "sched"};

int hs_tprof_parse(const char *name)
{
	for (int i = 0; i < HS_TPROF_COUNT; i++)
		if (strcmp(name, tprof_names[i]) == 0)
			return i;
	return -1;
}

const char *hs_tprof_name(hs_tprof_kind k)
{
	return (unsigned)k < HS_TPROF_COUNT ? tprof_names[k] : "?";
}

static bool counts_kind(hs_tprof_kind kind, const pend *p)
{
	switch (kind) {
	case HS_TPROF_SYNC:
		return p->kind == PEND_BLOCK &&
		       (p->wait == HS_TWAIT_CHAN_SEND || p->wait == HS_TWAIT_CHAN_RECV ||
		        p->wait == HS_TWAIT_SELECT || p->wait == HS_TWAIT_SYNC ||
		        p->wait == HS_TWAIT_COND || p->wait == HS_TWAIT_GC);
	case HS_TPROF_NET:
		return p->kind == PEND_BLOCK && p->wait == HS_TWAIT_NET;
	case HS_TPROF_SYSCALL:
		return p->kind == PEND_SYSCALL;
	case HS_TPROF_SCHED:
		return p->kind == PEND_CREATE || p->kind == PEND_UNBLOCK;
	default:
		return false;
	}
}

static bool counts_any(unsigned kinds, const pend *p)
{
	for (int k = 0; k < HS_TPROF_COUNT; k++)
		if ((kinds & 1u << k) && counts_kind((hs_tprof_kind)k, p))
			return true;
	return false;
}

void hs_tprof_init(hs_tprof *t, hs_tprof_kind kind)
{
	hs_tprof_init_mask(t, 1u << kind);
}

void hs_tprof_init_mask(hs_tprof *t, unsigned kinds)
{
	memset(t, 0, sizeof *t);
	t->kinds = kinds;
	for (int k = 0; k < HS_TPROF_COUNT; k++)
		if (kinds & 1u << k)
			t->kind = (hs_tprof_kind)k;
	hs_vec_init(&t->pend, sizeof(pend));
	hs_vec_init(&t->recs, sizeof(rec));
	for (unsigned k = PEND_NONE; k <= PEND_SYSCALL; k++)
		for (unsigned w = 0; w < 32; w++) {
			pend p = {.kind = (uint8_t)k, .wait = (uint8_t)w};
			if (counts_any(kinds, &p))
				t->counted[k] |= 1u << w;
		}
}

void hs_tprof_release(hs_tprof *t)
{
	hs_vec_release(&t->pend);
	hs_vec_release(&t->recs);
	dmap_free(&t->gmap);
	dmap_free(&t->recmap);
}

/* counts_any by table (hs_tprof.counted, made by hs_tprof_init_mask). */
static bool counts(const hs_tprof *t, const pend *p)
{
	if (p->kind < 8 && p->wait < 32)
		return t->counted[p->kind] >> p->wait & 1;
	return counts_any(t->kinds, p);
}

/* A counted link: add it to its stack's record. */
static hs_err add_link(hs_tprof *t, const pend *p, int64_t ts)
{
	/* stack ids are dense (profile stack index + 1) */
	hs_dmap *map = dmap_of(&t->recmap);
	if (!map)
		return HS_E_NOMEM;
	uint32_t i = hs_dmap_get(map, p->stack);
	if (i == UINT32_MAX) {
		rec *r = hs_vec_push(&t->recs, 1);
		if (!r || !hs_dmap_put(map, p->stack, (uint32_t)(t->recs.len - 1)))
			return HS_E_NOMEM;
		r->stack = p->stack;
		i = (uint32_t)(t->recs.len - 1);
	}
	rec *r = rec_vec_at(&t->recs, i);
	r->n++;
	r->delay = hs_add(r->delay, sub(ts, p->ts));
	return HS_OK;
}

/* The pending event of a goroutine is linked to the event at ts.  Inline:
 * most links do not count. */
static inline hs_err link_to(hs_tprof *t, const pend *p, int64_t ts)
{
	if (p->kind == PEND_NONE || !counts(t, p) || p->stack == 0 || sub(ts, p->ts) <= 0)
		return HS_OK;
	return add_link(t, p, ts);
}

static pend *pend_of(hs_tprof *t, uint64_t g)
{
	hs_dmap *map = dmap_of(&t->gmap);
	if (!map)
		return NULL;
	uint32_t i = hs_dmap_get(map, g);
	if (i == UINT32_MAX) {
		if (!hs_vec_push(&t->pend, 1) ||
		    !hs_dmap_put(map, g, (uint32_t)(t->pend.len - 1)))
			return NULL;
		i = (uint32_t)(t->pend.len - 1);
	}
	return pend_vec_at(&t->pend, i);
}

/* Goroutine ev->g's event, p its pending one. */
__attribute__((always_inline))
static inline hs_err tprof_move(hs_tprof *t, const hs_tev *ev, pend *p)
{
	pend now = {PEND_OTHER, (uint8_t)ev->wait, ev->stack, ev->ts};
	hs_err rc = HS_OK;
	switch (ev->kind) {
	case HS_TEV_GO_CREATE: now.kind = PEND_CREATE; break;
	case HS_TEV_GO_START:
		rc = link_to(t, p, ev->ts);
		now.kind = PEND_NONE;
		break;
	case HS_TEV_GO_BLOCK:
		/* Go's parser gives GoStop (select {}, nil channels) no wait event */
		if (ev->wait == HS_TWAIT_SELECT_NONE)
			return HS_OK;
		now.kind = PEND_BLOCK;
		break;
	case HS_TEV_GO_UNBLOCK:
		rc = link_to(t, p, ev->ts);
		now.kind = PEND_UNBLOCK;
		break;
	case HS_TEV_SYSCALL: now.kind = PEND_SYSCALL; break;
	case HS_TEV_SYSCALL_EXIT:
		if (p->kind == PEND_SYSCALL)
			rc = link_to(t, p, ev->ts);
		break;
	default:
		break;
	}
	*p = now;
	return rc;
}

/* tprof_move for a goroutine not in the array part of the map: new, or
 * with a large id. */
__attribute__((noinline))
static hs_err tprof_lookup(hs_tprof *t, const hs_tev *ev)
{
	pend *p = pend_of(t, ev->g);
	return p ? tprof_move(t, ev, p) : HS_E_NOMEM;
}

hs_err hs_tprof_event(void *ctx, const hs_tev *ev)
{
	hs_tprof *t = ctx;
	switch (ev->kind) {
	case HS_TEV_GO_CREATE: case HS_TEV_GO_EXISTING: case HS_TEV_GO_START: case HS_TEV_GO_STOP:
	case HS_TEV_GO_BLOCK: case HS_TEV_GO_UNBLOCK: case HS_TEV_SYSCALL: case HS_TEV_SYSCALL_EXIT:
		break;
	default:
		return HS_OK;
	}
	/* As in the summary: the pending event found with no call on the way. */
	const hs_dmap *map = t->gmap;
	uint32_t i = map ? hs_dmap_get_dense(map, ev->g) : UINT32_MAX;
	if (i == UINT32_MAX)
		return tprof_lookup(t, ev);
	return tprof_move(t, ev, pend_vec_at(&t->pend, i));
}

/* Sample types and period of a profile made from trace events. */
static hs_err set_types(hs_profile *p, const char *const *names, size_t ntypes,
                        const char *period, hs_error *err)
{
	hs_value_type *vt = hs_vec_push(&p->sample_types, ntypes);
	hs_str per = hs_profile_intern(p, period, strlen(period));
	if (!vt || per == HS_NONE)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; i < ntypes; i++) {
		hs_str ty = hs_profile_intern(p, names[2 * i], strlen(names[2 * i]));
		hs_str un = hs_profile_intern(p, names[2 * i + 1], strlen(names[2 * i + 1]));
		if (ty == HS_NONE || un == HS_NONE)
			return hs_fail(err, HS_E_NOMEM, NULL);
		vt[i] = (hs_value_type){ty, un};
	}
	p->period_type = (hs_value_type){per, hs_sample_type(p, 0)->unit};
	p->period = 1;
	return HS_OK;
}

/* Begin a sample on an interned stack (id + 1), labels may follow.  The
 * stack is copied first: pushing may move the table it points into. */
static hs_err begin_on_stack(hs_profile *p, uint32_t stack, const int64_t *vals, hs_vec *buf)
{
	uint32_t n;
	const uint32_t *ids = hs_stack_at(p, stack - 1, &n);
	buf->len = 0;
	uint32_t *copy = n ? hs_vec_push(buf, n) : NULL;
	if (n && !copy)
		return HS_E_NOMEM;
	if (n)
		memcpy(copy, ids, n * sizeof *copy);
	int64_t *v = hs_profile_begin_sample(p);
	if (!v)
		return HS_E_NOMEM;
	memcpy(v, vals, hs_ntypes(p) * sizeof *v);
	for (uint32_t k = 0; k < n; k++) {
		hs_err rc = hs_profile_push_location(p, copy[k]);
		if (rc)
			return rc;
	}
	return HS_OK;
}

static hs_err add_sample(hs_profile *p, uint32_t stack, const int64_t *vals, hs_vec *buf)
{
	hs_err rc = begin_on_stack(p, stack, vals, buf);
	return rc ? rc : hs_profile_end_sample(p);
}

hs_err hs_tprof_finish(hs_tprof *t, hs_profile *p, hs_error *err)
{
	static const char *const types[4] = {"contentions", "count", "delay", "nanoseconds"};
	hs_err rc = set_types(p, types, 2, "trace", err);
	hs_vec buf;
	hs_vec_init(&buf, sizeof(uint32_t));
	for (size_t i = 0; i < t->recs.len && rc == HS_OK; i++) {
		const rec *r = rec_vec_at(&t->recs, i);
		int64_t v[2] = {r->n, r->delay};
		if ((rc = add_sample(p, r->stack, v, &buf)))
			rc = hs_fail(err, rc, NULL);
	}
	hs_vec_release(&buf);
	return rc ? rc : hs_profile_finish(p, err);
}

/* The state a goroutine dump would print for a goroutine in this state. */
static const char *dump_state(const gor *g)
{
	static const char *const names[HS_TWAIT_COUNT] = {
		[HS_TWAIT_NONE] = "runnable", [HS_TWAIT_SELECT] = "select",
		[HS_TWAIT_SELECT_NONE] = "select (no cases)", [HS_TWAIT_CHAN_SEND] = "chan send",
		[HS_TWAIT_CHAN_RECV] = "chan receive", [HS_TWAIT_NIL_CHAN] = "chan receive (nil chan)",
		[HS_TWAIT_SYNC] = "semacquire", [HS_TWAIT_COND] = "sync.Cond.Wait",
		[HS_TWAIT_NET] = "IO wait", [HS_TWAIT_SLEEP] = "sleep", [HS_TWAIT_GC] = "GC assist wait",
		[HS_TWAIT_PREEMPTED] = "runnable", [HS_TWAIT_OTHER] = "waiting",
	};
	switch (g->state) {
	case GS_RUNNING: return "running";
	case GS_SYSCALL: return "syscall";
	case GS_BLOCKED: return g->wait < HS_TWAIT_COUNT ? names[g->wait] : "waiting";
	default: return "runnable";
	}
}

/* The functions of creation stack `stack` (hs_tev.stack), leaf first,
 * one per line, at most 32: the go statement's function and its callers. */
static hs_err push_created_stack(hs_profile *p, uint32_t stack)
{
	char buf[4096];
	size_t o = 0;
	uint32_t n;
	if (stack == 0 || stack > p->nstacks)
		return HS_OK;
	const uint32_t *ids = hs_stack_at(p, stack - 1, &n);
	for (uint32_t i = 0, k = 0; i < n && k < 32; i++) {
		const hs_location *l = hs_location_at(p, hs_trace_loc(ids[i]));
		for (uint32_t j = 0; j < l->nlines && k < 32; j++, k++) {
			const char *f = fn_name(p, hs_line_at(p, l->line_start + j));
			int w = snprintf(buf + o, sizeof buf - o, "%s%s", o ? "\n" : "", *f ? f : "?");
			if (w < 0 || (size_t)w >= sizeof buf - o)
				goto done;   /* the innermost frames are the ones that matter */
			o += (size_t)w;
		}
	}
done:
	buf[o] = '\0';
	return o ? hs_profile_push_str_label(p, hs_dump_keys[HS_DK_CREATED_STACK], buf) : HS_OK;
}

static hs_err push_num_label(hs_profile *p, const char *key, int64_t v)
{
	hs_label l = {hs_profile_intern(p, key, strlen(key)), 0, v, 0};
	return l.key == HS_NONE ? HS_E_NOMEM : hs_profile_push_label(p, &l);
}

/* One live goroutine as a dump would show it: where it waits (or its
 * start function), its state, who created it, minutes blocked; and what
 * only a trace knows: its go statement's creation stack and how many
 * goroutines that statement started and saw end. */
static hs_err add_goroutine(const hs_trace_summary *s, size_t i, hs_vec *buf)
{
	hs_profile *p = s->stacks;
	const gor *g = hot_at(s, i);
	bool waits = g->state == GS_BLOCKED || g->state == GS_SYSCALL;
	uint32_t stack = waits && g->block_stack ? g->block_stack
	                                         : gcold_vec_at(&s->gs, i)->start_stack;
	if (!stack)
		return HS_OK;
	int64_t one = 1;
	hs_err rc = begin_on_stack(p, stack, &one, buf);
	const hs_tsite *site = hs_tsite_vec_at(&s->sites, g->site);
	const char *creator = site->user_loc && !site->at_start
	                          ? fn_name(p, loc_line(p, site->user_loc - 1)) : "";
	if (rc == HS_OK)
		rc = hs_profile_push_str_label(p, hs_dump_keys[HS_DK_STATE], dump_state(g));
	if (rc == HS_OK && *creator)
		rc = hs_profile_push_str_label(p, hs_dump_keys[HS_DK_CREATED_BY], creator);
	if (rc == HS_OK && waits)
		rc = push_num_label(p, hs_dump_keys[HS_DK_WAIT_MINUTES],
		                    sub(s->end_ts, g->block_since) / 60000000000);
	if (rc == HS_OK && *creator)
		rc = push_created_stack(p, site->stack);
	if (rc == HS_OK && !site->at_start)
		rc = push_num_label(p, hs_dump_keys[HS_DK_SITE_CREATED], (int64_t)site->created);
	if (rc == HS_OK && !site->at_start)
		rc = push_num_label(p, hs_dump_keys[HS_DK_SITE_ENDED], (int64_t)site->ended);
	return rc ? rc : hs_profile_end_sample(p);
}

hs_err hs_trace_summary_goroutines(const hs_trace_summary *s, hs_error *err)
{
	static const char *const types[2] = {"goroutine", "count"};
	hs_profile *p = s->stacks;
	hs_err rc = set_types(p, types, 1, "goroutine", err);
	hs_vec buf;
	hs_vec_init(&buf, sizeof(uint32_t));
	for (size_t i = 0; i < s->gs.len && rc == HS_OK; i++) {
		if (hot_at(s, i)->state != GS_DEAD && (rc = add_goroutine(s, i, &buf)))
			rc = hs_fail(err, rc, NULL);
	}
	hs_vec_release(&buf);
	p->format = HS_FMT_GOROUTINE_DUMP;
	return rc ? rc : hs_profile_finish(p, err);
}
