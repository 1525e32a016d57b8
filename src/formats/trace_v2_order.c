/* Go 1.22+ traces: the scheduler state machine that orders events.
 *
 * Each M writes its own batches; their timestamps may disagree.  The true
 * order comes from the state of goroutines, Ps and Ms plus the sequence
 * numbers some events carry: an event "advances" only when the state it
 * presumes holds (GoStart needs a runnable goroutine whose sequence number
 * is the one before).  This follows golang.org/x/exp/trace's order.go; the
 * error messages are Go's, so a trace Go rejects is rejected here with the
 * same words.  Region, range and task bookkeeping, which Go keeps only to
 * validate, is not replicated (doc/format-trace-v2.md). */
#include <string.h>

#include "trace_v2.h"

/* The handlers of events that are rare in a long trace stay out of
 * v2_advance, which then saves fewer registers on each event. */
#if defined(__GNUC__)
#define NOINLINE __attribute__((noinline))
#else
#define NOINLINE
#endif

enum { GO_BAD, GO_RUNNABLE, GO_RUNNING, GO_SYSCALL, GO_WAITING };
enum { P_BAD, P_RUNNING, P_IDLE, P_SYSCALL, P_SYSCALL_ABANDONED };
enum { GC_UNDETERMINED, GC_NOT_RUNNING, GC_RUNNING };
enum { MAY, MUST, MUST_NOT };

typedef struct sctx {
	uint64_t m, p, g;
} sctx;

bool v2_order_init(v2_order *o)
{
	memset(o, 0, sizeof *o);
	hs_vec_init(&o->gs, sizeof(v2_gstate));
	hs_vec_init(&o->ps, sizeof(v2_pstate));
	hs_vec_init(&o->ms, sizeof(v2_mstate));
	return hs_idmap_init(&o->pidx, 16) &&
	       hs_idmap_init(&o->midx, 16);
}

void v2_order_release(v2_order *o)
{
	hs_dmap_release(&o->gidx);
	hs_idmap_release(&o->pidx);
	hs_idmap_release(&o->midx);
	hs_vec_release(&o->gs);
	hs_vec_release(&o->ps);
	hs_vec_release(&o->ms);
}

/* Look a state up; NULL when absent.  Dead goroutines keep their slot
 * (status GO_BAD): Go never reuses a goroutine id. */
static void *state_get(hs_idmap *idx, hs_vec *v, uint64_t id)
{
	uint32_t i = hs_idmap_get(idx, id);
	return i == UINT32_MAX ? NULL : (char *)v->data + (size_t)i * v->elem;
}

static void *state_put(hs_idmap *idx, hs_vec *v, uint64_t id)
{
	void *s = state_get(idx, v, id);
	if (s)
		return s;
	if (v->len >= UINT32_MAX - 1 || !hs_vec_push(v, 1))
		return NULL;
	if (!hs_idmap_put(idx, id, (uint32_t)(v->len - 1), NULL)) {
		v->len--;
		return NULL;
	}
	return (char *)v->data + (v->len - 1) * v->elem;
}

/* A goroutine state not in the array part of the map. */
static NOINLINE v2_gstate *gstate_far(v2_order *o, uint64_t id)
{
	uint32_t i = hs_dmap_get(&o->gidx, id);
	return i == UINT32_MAX ? NULL : (v2_gstate *)o->gs.data + i;
}

/* Goroutine states are looked up on nearly every event: hs_dmap, its
 * array part inline. */
static inline v2_gstate *gstate_at(v2_order *o, uint64_t id)
{
	uint32_t i = hs_dmap_get_dense(&o->gidx, id);
	return i == UINT32_MAX ? gstate_far(o, id) : (v2_gstate *)o->gs.data + i;
}

static inline v2_gstate *gget(v2_order *o, uint64_t id)
{
	v2_gstate *g = gstate_at(o, id);
	return g && g->status != GO_BAD ? g : NULL;
}

/* The state of goroutine id, added when new; NULL when out of memory. */
static v2_gstate *gput(v2_order *o, uint64_t id)
{
	v2_gstate *g = gstate_at(o, id);
	if (g)
		return g;
	if (o->gs.len >= UINT32_MAX - 1)
		return NULL;
	g = hs_vec_push(&o->gs, 1);
	if (!g)
		return NULL;
	if (!hs_dmap_put(&o->gidx, id, (uint32_t)(o->gs.len - 1))) {
		o->gs.len--;
		return NULL;
	}
	memset(g, 0, sizeof *g);
	return g;
}

static v2_pstate *pget(v2_order *o, uint64_t id)
{
	v2_pstate *p = state_get(&o->pidx, &o->ps, id);
	return p && p->status != P_BAD ? p : NULL;
}

static hs_err nomem(v2_loader *L)
{
	return hs_fail(L->err, HS_E_NOMEM, "out of memory ordering trace events");
}

static hs_err bad(v2_loader *L, const v2_event *ev, const char *what)
{
	return hs_fail_at(L->err, HS_E_INVALID, ev->off, "%s", what);
}

static inline hs_err validate(v2_loader *L, const v2_event *ev, sctx c, int m, int p, int g)
{
	if (m == MUST && c.m == V2_NONE)
		return bad(L, ev, "expected a thread but didn't have one");
	if (m == MUST_NOT && c.m != V2_NONE)
		return bad(L, ev, "expected no thread but had one");
	if (p == MUST && c.p == V2_NONE)
		return bad(L, ev, "expected a proc but didn't have one");
	if (p == MUST_NOT && c.p != V2_NONE)
		return bad(L, ev, "expected no proc but had one");
	if (g == MUST && c.g == V2_NONE)
		return bad(L, ev, "expected a goroutine but didn't have one");
	if (g == MUST_NOT && c.g != V2_NONE)
		return bad(L, ev, "expected no goroutine but had one");
	return HS_OK;
}

/* The usual context of a goroutine's own event: M, P and G. */
static hs_err user_go(v2_loader *L, const v2_event *ev, sctx c)
{
	return validate(L, ev, c, MUST, MUST, MUST);
}

static bool succeeds(uint64_t gen, uint64_t seq, uint64_t sgen, uint64_t sseq)
{
	return gen == sgen && seq == sseq + 1;
}

static int64_t pid_out(uint64_t p)
{
	return p == V2_NONE || p > INT64_MAX ? -1 : (int64_t)p;
}

static inline hs_err out(v2_loader *L, hs_tev_kind kind, uint64_t g, uint64_t p, uint32_t stack,
                  uint64_t a0, uint64_t a1)
{
	hs_tev t = {0};
	t.kind = kind;
	t.g = g == V2_NONE ? 0 : g;
	t.p = pid_out(p);
	t.stack = stack;
	t.arg0 = a0;
	t.arg1 = a1;
	return v2_emit(L, &t);
}

static hs_err out_str(v2_loader *L, hs_tev *t)
{
	return v2_emit(L, t);
}

/* ProcStatus: the P's state at the start of a generation. */
static NOINLINE hs_err adv_proc_status(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_order *o = &L->order;
	uint64_t pid = ev->args[0], st = ev->args[1];
	if (st == P_BAD || st > P_SYSCALL_ABANDONED)
		return hs_fail_at(L->err, HS_E_INVALID, ev->off,
		                  "invalid status for proc %llu: %llu",
		                  (unsigned long long)pid, (unsigned long long)st);
	v2_pstate *ps = pget(o, pid);
	bool fresh = ps == NULL, was_running = false;
	if (ps) {
		if (st == P_SYSCALL_ABANDONED && ps->status == P_SYSCALL)
			was_running = true;
		else if (!(st == P_SYSCALL_ABANDONED && ps->status == P_SYSCALL_ABANDONED) &&
		         ps->status != st)
			return hs_fail_at(L->err, HS_E_INVALID, ev->off,
			                  "inconsistent status for proc %llu: old %u vs. new %llu",
			                  (unsigned long long)pid, ps->status,
			                  (unsigned long long)st);
		if (st == P_SYSCALL_ABANDONED && ps->status == P_SYSCALL)
			st = P_SYSCALL;
	} else {
		ps = state_put(&o->pidx, &o->ps, pid);
		if (!ps)
			return nomem(L);
	}
	ps->status = (uint8_t)st;
	ps->seq_gen = L->gen;
	ps->seq = 0;
	/* Bound by its status as written: a SyscallAbandoned P promoted to
	 * Syscall above is about to be stolen and stays with the M it was
	 * bound to, not the one that wrote its status (order.go binds by the
	 * event's status too). */
	if (ev->args[1] == P_RUNNING || ev->args[1] == P_SYSCALL)
		nc->p = pid;
	if (ev->args[1] == P_SYSCALL_ABANDONED && was_running) {
		/* About to be stolen: the event belongs to the M the P is bound to. */
		bool found = false;
		for (size_t i = 0; i < o->ms.len; i++)
			if (HS_VEC_AT(&o->ms, v2_mstate, i).p == pid)
				found = true;
		if (!found)
			return hs_fail_at(L->err, HS_E_INVALID, ev->off,
			                  "failed to find sched context for proc %llu that's about to be stolen",
			                  (unsigned long long)pid);
	}
	*ok = true;
	if (fresh && (st == P_RUNNING || st == P_SYSCALL))
		return out(L, HS_TEV_PROC_START, V2_NONE, pid, 0, c->m == V2_NONE ? 0 : c->m, 0);
	return HS_OK;
}

static NOINLINE hs_err adv_proc_start(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	uint64_t pid = ev->args[0];
	v2_pstate *ps = pget(&L->order, pid);
	if (!ps || ps->status != P_IDLE || !succeeds(L->gen, ev->args[1], ps->seq_gen, ps->seq) ||
	    c->p != V2_NONE)
		return HS_OK;   /* not yet */
	hs_err rc = validate(L, ev, *c, MUST, MUST_NOT, MAY);
	if (rc)
		return rc;
	ps->status = P_RUNNING;
	ps->seq_gen = L->gen;
	ps->seq = ev->args[1];
	nc->p = pid;
	*ok = true;
	return out(L, HS_TEV_PROC_START, c->g, pid, 0, c->m, 0);
}

static NOINLINE hs_err adv_proc_stop(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_pstate *ps = c->p == V2_NONE ? NULL : pget(&L->order, c->p);
	if (!ps)
		return bad(L, ev, "ProcStop event for proc that doesn't exist");
	if (ps->status != P_RUNNING && ps->status != P_SYSCALL)
		return bad(L, ev, "ProcStop event for proc that's not Running or Syscall");
	hs_err rc = validate(L, ev, *c, MUST, MUST, MAY);
	if (rc)
		return rc;
	ps->status = P_IDLE;
	nc->p = V2_NONE;
	*ok = true;
	return out(L, HS_TEV_PROC_STOP, c->g, c->p, 0, 0, 0);
}

static hs_err syscall_block(v2_loader *L, uint64_t g, uint64_t p)
{
	v2_gstate *gs = g == V2_NONE ? NULL : gget(&L->order, g);
	if (!gs || gs->status != GO_SYSCALL || gs->sys_blocked)
		return HS_OK;
	gs->sys_blocked = true;
	return out(L, HS_TEV_SYSCALL_BLOCK, g, p, 0, 0, 0);
}

static NOINLINE hs_err adv_proc_steal(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_order *o = &L->order;
	uint64_t pid = ev->args[0], mid = ev->args[2];
	v2_pstate *ps = pget(o, pid);
	if (!ps || (ps->status != P_SYSCALL && ps->status != P_SYSCALL_ABANDONED) ||
	    !succeeds(L->gen, ev->args[1], ps->seq_gen, ps->seq))
		return HS_OK;
	hs_err rc = validate(L, ev, *c, MUST, MAY, MAY);
	if (rc)
		return rc;
	uint8_t old = ps->status;
	ps->status = P_IDLE;
	ps->seq_gen = L->gen;
	ps->seq = ev->args[1];
	*ok = true;
	if (old == P_SYSCALL_ABANDONED)
		return out(L, HS_TEV_PROC_STOP, V2_NONE, pid, 0, 0, 0);
	uint64_t victim;
	if (mid == c->m) {
		if (c->p != pid)
			return hs_fail_at(L->err, HS_E_INVALID, ev->off,
			                  "tried to self-steal proc %llu (thread %llu), but got proc %llu instead",
			                  (unsigned long long)pid, (unsigned long long)mid,
			                  (unsigned long long)c->p);
		nc->p = V2_NONE;
		victim = c->g;
	} else {
		v2_mstate *ms = state_get(&o->midx, &o->ms, mid);
		if (!ms)
			return hs_fail_at(L->err, HS_E_INVALID, ev->off,
			                  "stole proc from non-existent thread %llu",
			                  (unsigned long long)mid);
		if (ms->p != pid)
			return hs_fail_at(L->err, HS_E_INVALID, ev->off,
			                  "tried to steal proc %llu from thread %llu, but got proc %llu instead",
			                  (unsigned long long)pid, (unsigned long long)mid,
			                  (unsigned long long)ms->p);
		ms->p = V2_NONE;
		victim = ms->g;
	}
	rc = syscall_block(L, victim, pid);
	return rc ? rc : out(L, HS_TEV_PROC_STOP, V2_NONE, pid, 0, 0, 0);
}

/* GoStatus / GoStatusStack: a goroutine's state at a generation's start. */
static NOINLINE hs_err adv_go_status(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_order *o = &L->order;
	uint64_t gid = ev->args[0], mid = ev->args[1], st = ev->args[2];
	if (st == GO_BAD || st > GO_WAITING)
		return hs_fail_at(L->err, HS_E_INVALID, ev->off,
		                  "invalid status for goroutine %llu: %llu",
		                  (unsigned long long)gid, (unsigned long long)st);
	v2_gstate *gs = gget(o, gid);
	bool fresh = false;
	if (gs) {
		if (gs->status != st)
			return hs_fail_at(L->err, HS_E_INVALID, ev->off,
			                  "inconsistent status for goroutine %llu: old %u vs. new %llu",
			                  (unsigned long long)gid, gs->status,
			                  (unsigned long long)st);
	} else if (L->gen == o->initial_gen) {
		gs = gput(o, gid);
		if (!gs)
			return nomem(L);
		gs->status = (uint8_t)st;
		gs->sys_blocked = false;
		fresh = true;
	} else {
		return hs_fail_at(L->err, HS_E_INVALID, ev->off,
		                  "found goroutine status for new goroutine after the first generation: id=%llu",
		                  (unsigned long long)gid);
	}
	gs->seq_gen = L->gen;
	gs->seq = 0;
	uint64_t run_p = c->p;
	if (st == GO_RUNNING) {
		nc->g = gid;
	} else if (st == GO_SYSCALL) {
		if (mid == V2_NONE)
			return hs_fail_at(L->err, HS_E_INVALID, ev->off,
			                  "found goroutine %llu in syscall without a thread",
			                  (unsigned long long)gid);
		if (mid == c->m) {
			if (L->gen != o->initial_gen && c->g != gid)
				return hs_fail_at(L->err, HS_E_INVALID, ev->off,
				                  "inconsistent thread for syscalling goroutine %llu: thread has goroutine %llu",
				                  (unsigned long long)gid, (unsigned long long)c->g);
			nc->g = gid;
		} else {
			v2_mstate *ms = state_get(&o->midx, &o->ms, mid);
			if (ms && ms->g != gid)
				return hs_fail_at(L->err, HS_E_INVALID, ev->off,
				                  "inconsistent thread for syscalling goroutine %llu: thread has goroutine %llu",
				                  (unsigned long long)gid, (unsigned long long)ms->g);
			if (!ms) {
				ms = state_put(&o->midx, &o->ms, mid);
				if (!ms)
					return nomem(L);
				ms->init = true;
				ms->g = gid;
				ms->p = V2_NONE;
			}
			run_p = V2_NONE;
		}
	}
	*ok = true;
	if (!fresh)
		return HS_OK;
	uint32_t stack = 0;
	hs_err rc;
	if (ev->type == V2_EV_GO_STATUS_STACK && (rc = v2_stack(L, ev->args[3], ev->off, &stack)))
		return rc;
	hs_tev t = {.kind = HS_TEV_GO_EXISTING, .g = gid, .p = -1, .stack = stack,
	            .arg0 = st == GO_WAITING};
	if ((rc = v2_emit(L, &t)))
		return rc;
	if (st == GO_RUNNING || st == GO_SYSCALL)
		if ((rc = out(L, HS_TEV_GO_START, gid, run_p, 0, 0, 0)))
			return rc;
	if (st == GO_SYSCALL)
		return out(L, HS_TEV_SYSCALL, gid, run_p, 0, 0, 0);
	return HS_OK;
}

static NOINLINE hs_err adv_go_create(v2_loader *L, const v2_event *ev, sctx *c, bool *ok)
{
	v2_order *o = &L->order;
	hs_err rc = validate(L, ev, *c, MUST, MUST, MAY);
	if (rc)
		return rc;
	v2_gstate *cur = c->g == V2_NONE ? NULL : gget(o, c->g);
	if (cur && cur->status != GO_RUNNING)
		return bad(L, ev, "GoCreate event for goroutine that's not Running");
	uint64_t ng = ev->args[0];
	if (gget(o, ng))
		return hs_fail_at(L->err, HS_E_INVALID, ev->off,
		                  "tried to create goroutine (%llu) that already exists",
		                  (unsigned long long)ng);
	uint32_t new_stack, stack;
	if ((rc = v2_stack(L, ev->args[1], ev->off, &new_stack)) ||
	    (rc = v2_stack(L, ev->args[2], ev->off, &stack)))
		return rc;
	v2_gstate *gs = gput(o, ng);
	if (!gs)
		return nomem(L);
	bool blocked = ev->type == V2_EV_GO_CREATE_BLOCKED;
	gs->status = blocked ? GO_WAITING : GO_RUNNABLE;
	gs->sys_blocked = false;
	gs->seq_gen = L->gen;
	gs->seq = 0;
	*ok = true;
	rc = out(L, HS_TEV_GO_CREATE, ng, c->p, stack, c->g == V2_NONE ? 0 : c->g, new_stack);
	if (rc || !blocked)
		return rc;
	hs_tev t = {.kind = HS_TEV_GO_BLOCK, .wait = HS_TWAIT_OTHER, .g = ng, .p = -1,
	            .stack = new_stack};
	return v2_emit(L, &t);
}

static NOINLINE hs_err adv_go_create_syscall(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_order *o = &L->order;
	hs_err rc = validate(L, ev, *c, MUST, MAY, MUST_NOT);
	if (rc)
		return rc;
	uint64_t ng = ev->args[0];
	if (gget(o, ng))
		return hs_fail_at(L->err, HS_E_INVALID, ev->off,
		                  "tried to create goroutine (%llu) in syscall that already exists",
		                  (unsigned long long)ng);
	v2_gstate *gs = gput(o, ng);
	if (!gs)
		return nomem(L);
	gs->status = GO_SYSCALL;
	gs->sys_blocked = false;
	gs->seq_gen = L->gen;
	gs->seq = 0;
	nc->g = ng;
	*ok = true;
	/* A goroutine appearing out of a cgo callback is born in a syscall. */
	if ((rc = out(L, HS_TEV_GO_CREATE, ng, c->p, 0, 0, 0)) ||
	    (rc = out(L, HS_TEV_GO_START, ng, c->p, 0, 0, 0)))
		return rc;
	return out(L, HS_TEV_SYSCALL, ng, c->p, 0, 0, 0);
}

/* A block or stop reason and its kind: a handful of strings, looked up
 * and matched once per generation. */
static hs_err reason(v2_loader *L, uint64_t id, uint64_t off, const char **s, uint32_t *len,
                     hs_twait *w)
{
	struct v2_reason *slot = &L->reasons[id % 64];
	if (id != 0 && slot->id == id) {
		*s = slot->s;
		*len = slot->len;
		*w = (hs_twait)slot->wait;
		return HS_OK;
	}
	hs_err rc = v2_string(L, id, off, s, len);
	if (rc)
		return rc;
	*w = v2_wait_from_reason(*s, *len);
	*slot = (struct v2_reason){.id = id, .s = *s, .len = *len, .wait = (uint8_t)*w};
	return HS_OK;
}

/* GoDestroy, GoStop, GoBlock: the running goroutine leaves its M. */
static hs_err adv_go_stop_exec(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	hs_err rc = user_go(L, ev, *c);
	if (rc)
		return rc;
	v2_gstate *gs = gget(&L->order, c->g);
	if (!gs)
		return bad(L, ev, "event for goroutine that doesn't exist");
	if (gs->status != GO_RUNNING)
		return bad(L, ev, "event for goroutine that's not Running");
	hs_tev t = {.g = c->g, .p = pid_out(c->p)};
	if (ev->type == V2_EV_GO_DESTROY) {
		gs->status = GO_BAD;
		t.kind = HS_TEV_GO_END;
	} else {
		const char *r;
		uint32_t rl;
		hs_twait w;
		if ((rc = reason(L, ev->args[0], ev->off, &r, &rl, &w)) ||
		    (rc = v2_stack(L, ev->args[1], ev->off, &t.stack)))
			return rc;
		if (ev->type == V2_EV_GO_STOP) {
			gs->status = GO_RUNNABLE;
			t.kind = HS_TEV_GO_STOP;
			t.wait = w == HS_TWAIT_PREEMPTED ? w : HS_TWAIT_NONE;
		} else {
			gs->status = GO_WAITING;
			t.kind = HS_TEV_GO_BLOCK;
			t.wait = w;
		}
		t.str = r;
		t.str_len = rl;
	}
	nc->g = V2_NONE;
	*ok = true;
	return out_str(L, &t);
}

static hs_err adv_go_start(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	uint64_t gid = ev->args[0];
	v2_gstate *gs = gget(&L->order, gid);
	if (!gs || gs->status != GO_RUNNABLE || !succeeds(L->gen, ev->args[1], gs->seq_gen, gs->seq))
		return HS_OK;
	hs_err rc = validate(L, ev, *c, MUST, MUST, MUST_NOT);
	if (rc)
		return rc;
	gs->status = GO_RUNNING;
	gs->seq_gen = L->gen;
	gs->seq = ev->args[1];
	nc->g = gid;
	*ok = true;
	return out(L, HS_TEV_GO_START, gid, c->p, 0, 0, 0);
}

static hs_err adv_go_unblock(v2_loader *L, const v2_event *ev, sctx *c, bool *ok)
{
	uint64_t gid = ev->args[0];
	v2_gstate *gs = gget(&L->order, gid);
	if (!gs || gs->status != GO_WAITING || !succeeds(L->gen, ev->args[1], gs->seq_gen, gs->seq))
		return HS_OK;
	uint32_t stack;
	hs_err rc = v2_stack(L, ev->args[2], ev->off, &stack);
	if (rc)
		return rc;
	gs->status = GO_RUNNABLE;
	gs->seq_gen = L->gen;
	gs->seq = ev->args[1];
	*ok = true;
	return out(L, HS_TEV_GO_UNBLOCK, gid, c->p, stack, c->g == V2_NONE ? 0 : c->g, 0);
}

/* GoSwitch(Destroy): unblock the next goroutine, block (or end) the
 * current one, start the next, as one step (coroutines, iter.Pull). */
static NOINLINE hs_err adv_go_switch(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_order *o = &L->order;
	hs_err rc = user_go(L, ev, *c);
	if (rc)
		return rc;
	v2_gstate *cur = gget(o, c->g);
	if (!cur)
		return bad(L, ev, "GoSwitch event for goroutine that doesn't exist");
	if (cur->status != GO_RUNNING)
		return bad(L, ev, "GoSwitch event for goroutine that's not Running");
	uint64_t next = ev->args[0];
	v2_gstate *ns = gget(o, next);
	if (!ns || ns->status != GO_WAITING || !succeeds(L->gen, ev->args[1], ns->seq_gen, ns->seq))
		return HS_OK;
	*ok = true;
	if ((rc = out(L, HS_TEV_GO_UNBLOCK, next, c->p, 0, c->g, 0)))
		return rc;
	if (ev->type == V2_EV_GO_SWITCH) {
		cur->status = GO_WAITING;
		hs_tev t = {.kind = HS_TEV_GO_BLOCK, .wait = HS_TWAIT_OTHER, .g = c->g,
		            .p = pid_out(c->p)};
		rc = v2_emit(L, &t);
	} else {
		cur->status = GO_BAD;
		rc = out(L, HS_TEV_GO_END, c->g, c->p, 0, 0, 0);
	}
	if (rc)
		return rc;
	ns = gget(o, next);   /* the emit may not move states, but be safe */
	ns->status = GO_RUNNING;
	ns->seq_gen = L->gen;
	ns->seq = ev->args[1];
	nc->g = next;
	return out(L, HS_TEV_GO_START, next, c->p, 0, 0, 0);
}

static NOINLINE hs_err adv_syscall_begin(v2_loader *L, const v2_event *ev, sctx *c, bool *ok)
{
	v2_order *o = &L->order;
	hs_err rc = user_go(L, ev, *c);
	if (rc)
		return rc;
	v2_gstate *gs = gget(o, c->g);
	if (!gs)
		return bad(L, ev, "GoSyscallBegin event for goroutine that doesn't exist");
	if (gs->status != GO_RUNNING)
		return bad(L, ev, "GoSyscallBegin event for goroutine that's not Running");
	v2_pstate *ps = pget(o, c->p);
	if (!ps)
		return bad(L, ev, "uninitialized proc found during GoSyscallBegin");
	if (!succeeds(L->gen, ev->args[0], ps->seq_gen, ps->seq))
		return hs_fail_at(L->err, HS_E_INVALID, ev->off,
		                  "failed to advance GoSyscallBegin: can't make sequence: %llu -> %llu",
		                  (unsigned long long)ps->seq, (unsigned long long)ev->args[0]);
	uint32_t stack;
	if ((rc = v2_stack(L, ev->args[1], ev->off, &stack)))
		return rc;
	gs->status = GO_SYSCALL;
	gs->sys_blocked = false;
	ps->status = P_SYSCALL;
	ps->seq_gen = L->gen;
	ps->seq = ev->args[0];
	*ok = true;
	return out(L, HS_TEV_SYSCALL, c->g, c->p, stack, 0, 0);
}

static NOINLINE hs_err adv_syscall_end(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_order *o = &L->order;
	bool blocked = ev->type == V2_EV_GO_SYSCALL_END_BLOCKED;
	hs_err rc;
	if (blocked) {
		/* Advances only once the P left the syscall (ProcStop or ProcSteal). */
		if (c->p != V2_NONE) {
			v2_pstate *ps = pget(o, c->p);
			if (!ps)
				return bad(L, ev, "uninitialized proc found during GoSyscallEndBlocked");
			if (ps->status == P_SYSCALL)
				return HS_OK;
		}
		rc = validate(L, ev, *c, MUST, MAY, MUST);
	} else {
		rc = user_go(L, ev, *c);
	}
	if (rc)
		return rc;
	v2_gstate *gs = gget(o, c->g);
	if (!gs)
		return bad(L, ev, "GoSyscallEnd event for goroutine that doesn't exist");
	if (gs->status != GO_SYSCALL)
		return bad(L, ev, "GoSyscallEnd event for goroutine that's not Syscall");
	*ok = true;
	if (blocked) {
		if ((rc = syscall_block(L, c->g, V2_NONE)))
			return rc;
		gs = gget(o, c->g);
		gs->status = GO_RUNNABLE;
		nc->g = V2_NONE;
		return out(L, HS_TEV_SYSCALL_EXIT, c->g, c->p, 0, 0, 0);
	}
	v2_pstate *ps = pget(o, c->p);
	if (!ps)
		return bad(L, ev, "uninitialized proc found during GoSyscallEnd");
	if (ps->status != P_SYSCALL)
		return bad(L, ev, "expected proc in state Syscall during GoSyscallEnd");
	gs->status = GO_RUNNING;
	ps->status = P_RUNNING;
	return out(L, HS_TEV_SYSCALL_EXIT, c->g, c->p, 0, 0, 0);
}

static NOINLINE hs_err adv_go_destroy_syscall(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	v2_order *o = &L->order;
	hs_err rc = validate(L, ev, *c, MUST, MAY, MUST);
	if (rc)
		return rc;
	v2_gstate *gs = gget(o, c->g);
	if (!gs)
		return bad(L, ev, "GoDestroySyscall event for goroutine that doesn't exist");
	if (gs->status != GO_SYSCALL)
		return bad(L, ev, "GoDestroySyscall event for goroutine that's not Syscall");
	gs->status = GO_BAD;
	nc->g = V2_NONE;
	if (c->p != V2_NONE) {
		/* The thread id may be reused: the P is abandoned (a self-steal). */
		v2_pstate *ps = pget(o, c->p);
		if (!ps)
			return bad(L, ev, "found invalid proc during GoDestroySyscall");
		if (ps->status != P_SYSCALL)
			return bad(L, ev, "proc in unexpected state during GoDestroySyscall");
		ps->status = P_SYSCALL_ABANDONED;
		nc->p = V2_NONE;
		*ok = true;
		if ((rc = out(L, HS_TEV_PROC_STOP, V2_NONE, c->p, 0, 0, 0)))
			return rc;
	}
	*ok = true;
	return out(L, HS_TEV_GO_END, c->g, c->p, 0, 0, 0);
}

static NOINLINE hs_err adv_gc(v2_loader *L, const v2_event *ev, sctx *c, bool *ok)
{
	v2_order *o = &L->order;
	uint64_t seq = ev->args[0];
	hs_err rc;
	switch (ev->type) {
	case V2_EV_GC_ACTIVE:
		if (L->gen == o->initial_gen) {
			if (o->gc_state != GC_UNDETERMINED)
				return bad(L, ev, "GCActive in the first generation isn't first GC event");
			o->gc_seq = seq;
			o->gc_state = GC_RUNNING;
			*ok = true;
			return out(L, HS_TEV_GC_START, c->g, c->p, 0, seq, 0);
		}
		if (seq != o->gc_seq + 1)
			return HS_OK;
		if (o->gc_state != GC_RUNNING)
			return bad(L, ev, "encountered GCActive while GC was not in progress");
		o->gc_seq = seq;
		*ok = true;
		return user_go(L, ev, *c);
	case V2_EV_GC_BEGIN: {
		uint32_t stack;
		if ((rc = v2_stack(L, ev->args[1], ev->off, &stack)))
			return rc;
		if (o->gc_state != GC_UNDETERMINED) {
			if (seq != o->gc_seq + 1)
				return HS_OK;
			if (o->gc_state == GC_RUNNING)
				return bad(L, ev, "encountered GCBegin while GC was already in progress");
			if ((rc = user_go(L, ev, *c)))
				return rc;
		}
		o->gc_seq = seq;
		o->gc_state = GC_RUNNING;
		*ok = true;
		return out(L, HS_TEV_GC_START, c->g, c->p, stack, seq, 0);
	}
	default: /* GCEnd */
		if (seq != o->gc_seq + 1)
			return HS_OK;
		if (o->gc_state == GC_NOT_RUNNING)
			return bad(L, ev, "encountered GCEnd when GC was not in progress");
		if (o->gc_state == GC_UNDETERMINED)
			return bad(L, ev, "encountered GCEnd when GC was in an undetermined state");
		o->gc_seq = seq;
		o->gc_state = GC_NOT_RUNNING;
		if ((rc = user_go(L, ev, *c)))
			return rc;
		*ok = true;
		return out(L, HS_TEV_GC_END, c->g, c->p, 0, seq, 0);
	}
}

/* Annotations: tasks, regions, logs. */
static NOINLINE hs_err adv_user(v2_loader *L, const v2_event *ev, sctx *c, bool *ok)
{
	hs_err rc = user_go(L, ev, *c);
	if (rc)
		return rc;
	hs_tev t = {.g = c->g, .p = pid_out(c->p), .arg0 = ev->args[0]};
	const char *s = "", *v;
	uint32_t sl = 0, vl;
	int stack_arg;
	switch (ev->type) {
	case V2_EV_USER_TASK_BEGIN:
		t.kind = HS_TEV_TASK_BEGIN;
		t.arg1 = ev->args[1];
		rc = v2_string(L, ev->args[2], ev->off, &s, &sl);
		stack_arg = 3;
		break;
	case V2_EV_USER_TASK_END:
		t.kind = HS_TEV_TASK_END;
		stack_arg = 1;
		break;
	case V2_EV_USER_REGION_BEGIN:
	case V2_EV_USER_REGION_END:
		t.kind = ev->type == V2_EV_USER_REGION_BEGIN ? HS_TEV_REGION_BEGIN : HS_TEV_REGION_END;
		rc = v2_string(L, ev->args[1], ev->off, &s, &sl);
		stack_arg = 2;
		break;
	default: /* UserLog */
		t.kind = HS_TEV_LOG;
		if ((rc = v2_string(L, ev->args[1], ev->off, &s, &sl)) ||
		    (rc = v2_string(L, ev->args[2], ev->off, &v, &vl)))
			return rc;
		L->logbuf.len = 0;
		char *b = hs_vec_push(&L->logbuf, (size_t)sl + 2 + vl + 1);
		if (!b)
			return nomem(L);
		memcpy(b, s, sl);
		memcpy(b + sl, ": ", 2);
		memcpy(b + sl + 2, v, vl);
		b[sl + 2 + vl] = 0;
		s = b;
		sl = sl + 2 + vl;
		stack_arg = 3;
		break;
	}
	if (rc || (rc = v2_stack(L, ev->args[stack_arg], ev->off, &t.stack)))
		return rc;
	t.str = s;
	t.str_len = sl;
	*ok = true;
	return v2_emit(L, &t);
}

/* Events that only need some context and change no state. */
static NOINLINE hs_err adv_plain(v2_loader *L, const v2_event *ev, sctx *c, bool *ok)
{
	hs_err rc;
	hs_tev t = {.g = c->g == V2_NONE ? 0 : c->g, .p = pid_out(c->p)};
	switch (ev->type) {
	case V2_EV_HEAP_ALLOC:
	case V2_EV_HEAP_GOAL:
		if ((rc = validate(L, ev, *c, MUST, MUST, MAY)))
			return rc;
		*ok = true;
		t.kind = ev->type == V2_EV_HEAP_ALLOC ? HS_TEV_HEAP_ALLOC : HS_TEV_HEAP_GOAL;
		t.arg0 = ev->args[0];
		return v2_emit(L, &t);
	case V2_EV_STW_BEGIN:
		if ((rc = user_go(L, ev, *c)) ||
		    (rc = v2_string(L, ev->args[0], ev->off, &t.str, &t.str_len)) ||
		    (rc = v2_stack(L, ev->args[1], ev->off, &t.stack)))
			return rc;
		*ok = true;
		t.kind = HS_TEV_STW_START;
		return v2_emit(L, &t);
	case V2_EV_STW_END:
		if ((rc = user_go(L, ev, *c)))
			return rc;
		*ok = true;
		t.kind = HS_TEV_STW_END;
		return v2_emit(L, &t);
	case V2_EV_PROCS_CHANGE:
	case V2_EV_GO_LABEL:
	case V2_EV_GC_MARK_ASSIST_BEGIN:
	case V2_EV_GC_MARK_ASSIST_END:
		rc = user_go(L, ev, *c);
		break;
	case V2_EV_GC_SWEEP_BEGIN:
	case V2_EV_GC_SWEEP_END:
		rc = validate(L, ev, *c, MUST, MUST, MAY);
		break;
	case V2_EV_GC_SWEEP_ACTIVE:
	case V2_EV_GC_MARK_ASSIST_ACTIVE:
		rc = HS_OK;
		break;
	default: /* experimental alloc/free events */
		rc = validate(L, ev, *c, MUST, MAY, MAY);
		break;
	}
	if (rc == HS_OK)
		*ok = true;
	return rc;
}

/* The events other than a goroutine's start, stop, block and unblock,
 * each a call: c and nc are copies in memory here, so that v2_advance
 * keeps its own in registers (a context whose address is taken lives on
 * the stack, written and read back on every event). */
static NOINLINE hs_err adv_rare(v2_loader *L, const v2_event *ev, sctx *c, sctx *nc, bool *ok)
{
	switch (ev->type) {
	case V2_EV_PROC_STATUS: return adv_proc_status(L, ev, c, nc, ok);
	case V2_EV_PROC_START: return adv_proc_start(L, ev, c, nc, ok);
	case V2_EV_PROC_STOP: return adv_proc_stop(L, ev, c, nc, ok);
	case V2_EV_PROC_STEAL: return adv_proc_steal(L, ev, c, nc, ok);
	case V2_EV_GO_STATUS:
	case V2_EV_GO_STATUS_STACK: return adv_go_status(L, ev, c, nc, ok);
	case V2_EV_GO_CREATE:
	case V2_EV_GO_CREATE_BLOCKED: return adv_go_create(L, ev, c, ok);
	case V2_EV_GO_CREATE_SYSCALL: return adv_go_create_syscall(L, ev, c, nc, ok);
	case V2_EV_GO_DESTROY_SYSCALL: return adv_go_destroy_syscall(L, ev, c, nc, ok);
	case V2_EV_GO_SWITCH:
	case V2_EV_GO_SWITCH_DESTROY: return adv_go_switch(L, ev, c, nc, ok);
	case V2_EV_GO_SYSCALL_BEGIN: return adv_syscall_begin(L, ev, c, ok);
	case V2_EV_GO_SYSCALL_END:
	case V2_EV_GO_SYSCALL_END_BLOCKED: return adv_syscall_end(L, ev, c, nc, ok);
	case V2_EV_GC_ACTIVE:
	case V2_EV_GC_BEGIN:
	case V2_EV_GC_END: return adv_gc(L, ev, c, ok);
	case V2_EV_USER_TASK_BEGIN:
	case V2_EV_USER_TASK_END:
	case V2_EV_USER_REGION_BEGIN:
	case V2_EV_USER_REGION_END:
	case V2_EV_USER_LOG: return adv_user(L, ev, c, ok);
	default: return adv_plain(L, ev, c, ok);
	}
}

hs_err v2_advance(v2_loader *L, const v2_event *ev, uint64_t m, uint32_t *mslot)
{
	v2_order *o = &L->order;
	uint64_t mp = V2_NONE, mg = V2_NONE;
	v2_mstate *ms = NULL;
	if (m != V2_NONE) {
		/* The caller's cursor remembers where its M's state is. */
		if (*mslot != UINT32_MAX) {
			ms = &HS_VEC_AT(&o->ms, v2_mstate, *mslot);
		} else {
			ms = state_put(&o->midx, &o->ms, m);
			if (!ms)
				return nomem(L);
			*mslot = (uint32_t)(ms - (v2_mstate *)o->ms.data);
			if (!ms->init) {
				ms->init = true;
				ms->g = V2_NONE;
				ms->p = V2_NONE;
			}
		}
		mp = ms->p;
		mg = ms->g;
	}
	/* Field by field: a struct copy of c reads it back as one 16-byte load
	 * right after its 8-byte stores, a store-forwarding stall per event
	 * (perf: half of this function's time).  The hot handlers are inlined
	 * and take c and nc as values; the rare ones get copies (adv_rare). */
	sctx c = {m, mp, mg}, nc = {m, mp, mg};
	hs_err rc;
	bool done = false;   /* the event went */
	switch (ev->type) {
	case V2_EV_GO_START: rc = adv_go_start(L, ev, &c, &nc, &done); break;
	case V2_EV_GO_DESTROY:
	case V2_EV_GO_STOP:
	case V2_EV_GO_BLOCK: rc = adv_go_stop_exec(L, ev, &c, &nc, &done); break;
	case V2_EV_GO_UNBLOCK: rc = adv_go_unblock(L, ev, &c, &done); break;
	default: {
		sctx rc_c = {m, mp, mg}, rc_nc = {m, mp, mg};
		bool ok = false;
		rc = adv_rare(L, ev, &rc_c, &rc_nc, &ok);
		if (rc == HS_OK && ok && ms) {
			/* The handlers may have added states: look the M up again. */
			ms = &HS_VEC_AT(&o->ms, v2_mstate, *mslot);
			ms->p = rc_nc.p;
			ms->g = rc_nc.g;
		}
		return rc != HS_OK ? rc : ok ? HS_OK : V2_NOT_YET;
	}
	}
	/* The hot handlers add no state: ms is still where the M's state is. */
	if (rc != HS_OK)
		return rc;
	if (!done)
		return V2_NOT_YET;
	if (ms) {
		ms->p = nc.p;
		ms->g = nc.g;
	}
	return HS_OK;
}

/* The runtime's traceBlockReason / traceGoStopReason strings. */
hs_twait v2_wait_from_reason(const char *s, uint32_t n)
{
#define R(str, w) {str, sizeof str - 1, w}
	static const struct { const char *s; uint32_t n; hs_twait w; } tab[] = {
		R("chan send", HS_TWAIT_CHAN_SEND),
		R("chan receive", HS_TWAIT_CHAN_RECV),
		R("select", HS_TWAIT_SELECT),
		R("forever", HS_TWAIT_SELECT_NONE),  /* select {} and nil channels alike */
		R("sync", HS_TWAIT_SYNC),
		R("sync.(*Cond).Wait", HS_TWAIT_COND),
		R("network", HS_TWAIT_NET),
		R("sleep", HS_TWAIT_SLEEP),
		R("preempted", HS_TWAIT_PREEMPTED),
		R("wait until GC ends", HS_TWAIT_GC),
	};
#undef R
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].n == n && memcmp(tab[i].s, s, n) == 0)
			return tab[i].w;
	if (n >= 3 && memcmp(s, "GC ", 3) == 0)
		return HS_TWAIT_GC;    /* mark assist, background sweeper, weak to strong */
	return HS_TWAIT_OTHER;
}
