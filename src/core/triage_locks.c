/* heapscope triage: lock contention findings from blocking's lock sites
 * (heapscope/triage.h, hs_triage_lock: the numbers and the severity rule). */
#include <string.h>

#include "heapscope/inventory.h"

#include "sort.h"
#include "triage_locks.h"

HS_VEC_VIEW(lev_vec, hs_triage_lock_ev)
HS_VEC_VIEW(tlock_vec, hs_triage_lock)

hs_severity hs_triage_lock_severity(const hs_triage_lock *l)
{
	bool many = l->now >= HS_LOCK_WAITERS_MANY, some = l->now >= HS_LOCK_WAITERS_SOME;
	bool again = l->snapshots >= 2;   /* the same wait seen in two snapshots */
	if (l->load >= HS_LOCK_LOAD_HIGH || (many && again))
		return HS_SEV_HIGH;
	if (l->load >= HS_LOCK_LOAD_MEDIUM || (some && again) || many)
		return HS_SEV_MEDIUM;
	return HS_SEV_LOW;
}

/* The waiting part of a site: RLock or Lock, the one with most delay,
 * then goroutines; NONE when goroutines never waited for it. */
static hs_lock_op waiting_op(const hs_lock_site *s)
{
	const hs_lock_part *r = &s->part[HS_LOCK_OP_RLOCK], *w = &s->part[HS_LOCK_OP_LOCK];
	if (!r->func || !w->func)
		return r->func ? HS_LOCK_OP_RLOCK : w->func ? HS_LOCK_OP_LOCK : HS_LOCK_OP_NONE;
	if (r->delay_ns != w->delay_ns)
		return r->delay_ns > w->delay_ns ? HS_LOCK_OP_RLOCK : HS_LOCK_OP_LOCK;
	return r->goroutines >= w->goroutines ? HS_LOCK_OP_RLOCK : HS_LOCK_OP_LOCK;
}

/* file's entry in inv, NULL when none (or no inventory). */
static const hs_input_entry *entry_of(const hs_inventory *inv, const char *file)
{
	for (size_t k = 0; inv && k < hs_inventory_n(inv); k++)
		if (strcmp(hs_inventory_at(inv, k)->path, file) == 0)
			return hs_inventory_at(inv, k);
	return NULL;
}

/* Add what evidence record e of a hotspot shows on `side` to the file's
 * record in evs (one per file and side). */
static bool add_ev(hs_vec *evs, const hs_wait_evidence *e, hs_lock_side side,
                   const hs_inventory *inv)
{
	const hs_input_entry *in = entry_of(inv, e->file);
	if (in && in->why == HS_WHY_TWIN)
		return true;   /* the richer twin says it */
	hs_triage_lock_ev *d = NULL;
	for (size_t k = 0; k < evs->len && !d; k++) {
		hs_triage_lock_ev *x = lev_vec_at(evs, k);
		if (x->side == side && strcmp(x->file, e->file) == 0)
			d = x;
	}
	if (!d) {
		if (!(d = lev_vec_push(evs)))
			return false;
		*d = (hs_triage_lock_ev){.file = e->file, .source = e->source, .side = side,
		                         .moment = e->moment};
	}
	if (e->source == HS_SRC_CONTENTION) {
		d->contentions = hs_add(d->contentions, e->contentions);
		d->delay_ns = hs_add(d->delay_ns, e->delay_ns);
	} else {
		d->goroutines = hs_add(d->goroutines, e->goroutines);
	}
	return true;
}

/* Waiting before holding, then time order, then the file's name. */
static int ev_cmp(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const hs_triage_lock_ev *x = a, *y = b;
	if (x->side != y->side)
		return x->side == HS_SIDE_HOLDING ? 1 : -1;
	if (x->moment != y->moment)
		return x->moment < y->moment ? -1 : 1;
	return strcmp(x->file, y->file);
}

/* Every file's evidence of the hotspots linked to site i; *hold the part
 * across from the waiting one. */
static bool collect_ev(const hs_blocking *b, const hs_inventory *inv, size_t i, hs_lock_op wait,
                       hs_vec *evs, hs_lock_op *hold)
{
	for (size_t k = 0; k < hs_blocking_n(b); k++) {
		const hs_hotspot *h = hs_blocking_at(b, k);
		hs_lock_op op, other;
		if (hs_blocking_lock_link(b, h, &op, &other) != (int64_t)i)
			continue;
		bool holding = op == HS_LOCK_OP_UNLOCK || op == HS_LOCK_OP_RUNLOCK;
		if (op == wait)
			*hold = other;
		for (size_t q = 0; q < hs_wait_evidence_vec_len(&h->evidence); q++)
			if (!add_ev(evs, hs_wait_evidence_vec_at(&h->evidence, q),
			            holding ? HS_SIDE_HOLDING : HS_SIDE_WAITING, inv))
				return false;
	}
	return true;
}

/* A block profile counting from the process start: a contention file
 * the inventory calls so (a trace's waits are its own span's). */
static bool cumulative(const hs_triage_lock_ev *e, const hs_inventory *inv, const char *file)
{
	if (e->source != HS_SRC_CONTENTION || e->side != HS_SIDE_WAITING)
		return false;
	const hs_input_entry *in = entry_of(inv, file);
	return in ? in->kind == HS_IN_CONTENTION : !inv;
}

/* The numbers of hs_triage_lock from its evidence (time order). */
static void measure(hs_triage_lock *l, const hs_lock_site *s, const hs_inventory *inv)
{
	const hs_triage_lock_ev *first = NULL, *last = NULL, *held = NULL;
	for (size_t k = 0; k < l->nev; k++) {
		const hs_triage_lock_ev *e = &l->ev[k];
		if (e->source != HS_SRC_CONTENTION && e->goroutines > 0) {
			l->snapshots++;
			if (e->goroutines > l->now)
				l->now = e->goroutines;
		}
		if (e->source == HS_SRC_CONTENTION && e->side == HS_SIDE_HOLDING)
			held = e;   /* mutex profiles count from the start: the last */
		if (cumulative(e, inv, e->file)) {
			first = first ? first : e;
			last = e;
		}
	}
	const hs_lock_part *p = &s->part[l->wait_op], *h = &s->part[l->hold_op];
	l->hold_contentions = held ? held->contentions : l->hold_op ? h->contentions : 0;
	l->hold_delay_ns = held ? held->delay_ns : l->hold_op ? h->delay_ns : 0;
	l->contentions = last ? last->contentions : p->contentions;
	l->delay_ns = last ? last->delay_ns : p->delay_ns;
	l->first_contentions = first ? first->contentions : l->contentions;
	l->first_delay_ns = first ? first->delay_ns : l->delay_ns;
	l->span_ns = first && last->moment > first->moment ? last->moment - first->moment : 0;
	l->load = -1;
	/* a count that went down is a restarted process: no rate */
	if (l->span_ns > 0 && l->delay_ns >= l->first_delay_ns)
		l->load = (double)(l->delay_ns - l->first_delay_ns) / (double)l->span_ns;
}

bool hs_triage_build_locks(const hs_blocking *b, const hs_inventory *inv, size_t nsnapshots,
                           hs_arena *a, hs_vec *locks)
{
	for (size_t i = 0; b && i < hs_blocking_nsites(b); i++) {
		const hs_lock_site *s = hs_blocking_site(b, i);
		hs_lock_op wait = waiting_op(s), hold = HS_LOCK_OP_NONE;
		if (wait == HS_LOCK_OP_NONE)
			continue;
		hs_vec evs;
		hs_vec_init(&evs, sizeof(hs_triage_lock_ev));
		bool ok = collect_ev(b, inv, i, wait, &evs, &hold);
		hs_triage_lock *l = ok ? tlock_vec_push(locks) : NULL;
		hs_triage_lock_ev *copy = l && evs.len
		                          ? hs_arena_alloc(a, evs.len * sizeof(hs_triage_lock_ev)) : NULL;
		if (!l || (evs.len && !copy)) {
			hs_vec_release(&evs);
			return false;
		}
		if (evs.len) {
			hs_sort(evs.data, evs.len, sizeof(hs_triage_lock_ev), ev_cmp, NULL);
			memcpy(copy, evs.data, evs.len * sizeof(hs_triage_lock_ev));
		}
		*l = (hs_triage_lock){.site = i, .wait_op = wait, .hold_op = hold,
		                      .nsnapshots = nsnapshots, .ev = copy, .nev = evs.len};
		hs_vec_release(&evs);
		measure(l, s, inv);
	}
	return true;
}
