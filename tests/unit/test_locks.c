/* Lock sites (heapscope/blocking.h, src/core/locks.c) on hand-built block,
 * mutex and CPU profiles: which frame is the lock operation, which site a
 * function belongs to, the link between readers and the writer, and the
 * CPU counted inside the critical section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/blocking.h"
#include "heapscope/inventory.h"
#include "heapscope/load.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_lock_op(void **state)
{
	(void)state;
	size_t i;
	bool rw;
	const char *rlock[] = {"sync.runtime_SemacquireMutex", "sync.(*RWMutex).RLock", "main.(*S).get"};
	assert_int_equal(hs_lock_op_of(rlock, N(rlock), &i, &rw), HS_LOCK_OP_RLOCK);
	assert_int_equal(i, 1);
	assert_true(rw);
	/* a writer waiting for the writers' mutex inside RWMutex.Lock: a write Lock */
	const char *wlock[] = {"sync.(*Mutex).lockSlow", "sync.(*Mutex).Lock", "sync.(*RWMutex).Lock",
	                       "main.(*S).put"};
	assert_int_equal(hs_lock_op_of(wlock, N(wlock), &i, &rw), HS_LOCK_OP_LOCK);
	assert_int_equal(i, 2);
	assert_true(rw);
	/* and the wait kind of both is the RWMutex's, not its inner Mutex's */
	assert_int_equal(hs_wait_kind_from_frames(wlock, N(wlock)), HS_WAIT_RWMUTEX);
	assert_int_equal(hs_wait_kind_from_frames(wlock + 1, N(wlock) - 1), HS_WAIT_RWMUTEX);
	const char *wunlock[] = {"sync.(*Mutex).Unlock", "sync.(*RWMutex).Unlock", "main.(*S).put"};
	assert_int_equal(hs_wait_kind_from_frames(wunlock, N(wunlock)), HS_WAIT_RWMUTEX);
	const char *unlock[] = {"sync.(*Mutex).Unlock", "main.f"};
	assert_int_equal(hs_wait_kind_from_frames(unlock, N(unlock)), HS_WAIT_MUTEX);
	assert_int_equal(hs_lock_op_of(unlock, N(unlock), &i, &rw), HS_LOCK_OP_UNLOCK);
	assert_false(rw);
	const char *runlock[] = {"sync.(*RWMutex).rUnlockSlow", "sync.(*RWMutex).RUnlock", "main.f"};
	assert_int_equal(hs_lock_op_of(runlock, N(runlock), &i, &rw), HS_LOCK_OP_RUNLOCK);
	/* not a lock; and a lock frame past the first user frame is not this stack's */
	const char *chan[] = {"runtime.chanrecv1", "main.f"};
	assert_int_equal(hs_lock_op_of(chan, N(chan), &i, &rw), HS_LOCK_OP_NONE);
	assert_int_equal(i, N(chan));
	const char *late[] = {"main.g", "sync.(*Mutex).Lock", "main.f"};
	assert_int_equal(hs_lock_op_of(late, N(late), &i, &rw), HS_LOCK_OP_NONE);
}

static void test_site_key(void **state)
{
	(void)state;
	static const struct {
		const char *func, *site;
		bool recv;
	} cases[] = {
		{"main.(*store).get", "main.(*store)", true},
		{"main.(*store).snapshot.func1", "main.(*store)", true},
		{"main.store.get", "main.(*store)", true},           /* value receiver */
		{"example.com/a/b.T.M.func2", "example.com/a/b.(*T)", true},
		{"github.com/x/y.(*Cache[...]).Get", "github.com/x/y.(*Cache[...])", true},
		{"main.main.func1", "main", false},                  /* a closure of a function */
		{"main.contend.func1.2", "main", false},
		{"github.com/x/y.load", "github.com/x/y", false},
		{"main.init.0", "main", false},
	};
	for (size_t k = 0; k < N(cases); k++) {
		char buf[128];
		bool recv = hs_lock_site_key(cases[k].func, buf, sizeof buf);
		assert_string_equal(buf, cases[k].site);
		assert_int_equal(recv, cases[k].recv);
	}
}

/* ---- hand-built profiles ------------------------------------------------ */

typedef struct fr {
	const char *fn;
	int line;
} fr;

static void init2(hs_profile *p, const char *t0, const char *u0, const char *t1, const char *u1)
{
	hs_profile_init(p);
	hs_profile_add_string(p, "", 0);
	const char *tu[4] = {t0, u0, t1, u1};
	for (int k = 0; k < 2; k++) {
		hs_value_type *vt = hs_vec_push(&p->sample_types, 1);
		vt->type = hs_profile_intern(p, tu[2 * k], strlen(tu[2 * k]));
		vt->unit = hs_profile_intern(p, tu[2 * k + 1], strlen(tu[2 * k + 1]));
	}
}

/* One sample over frames given leaf first; main.* frames live in the
 * module's file, the rest in the standard library's. */
static void sample(hs_profile *p, const fr *f, size_t n, int64_t v0, int64_t v1)
{
	int64_t *v = hs_profile_begin_sample(p);
	v[0] = v0;
	v[1] = v1;
	for (size_t i = 0; i < n; i++) {
		const char *file = strncmp(f[i].fn, "main.", 5) == 0 ? "example.com/app/main.go"
		                                                     : "sync/rwmutex.go";
		uint32_t loc;
		assert_int_equal(hs_profile_intern_location(p, f[i].fn, strlen(f[i].fn), file,
		                                            strlen(file), f[i].line, 0, &loc),
		                 HS_OK);
		assert_int_equal(hs_profile_push_location(p, loc), HS_OK);
	}
	assert_int_equal(hs_profile_end_sample(p), HS_OK);
}

static void finish(hs_profile *p)
{
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(p, &e), HS_OK);
}

/* blocking over the profiles, in order, finished. */
static hs_blocking *blocking_of(hs_profile *const *ps, const char *const *names, size_t n)
{
	hs_error e;
	hs_error_clear(&e);
	hs_blocking *b = hs_blocking_new(&e);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hs_blocking_add(b, ps[i], names[i], &e), HS_OK);
	hs_blocking_finish(b);
	return b;
}

static const hs_lock_site *site_named(const hs_blocking *b, const char *name)
{
	for (size_t i = 0; i < hs_blocking_nsites(b); i++)
		if (strcmp(hs_blocking_site(b, i)->site, name) == 0)
			return hs_blocking_site(b, i);
	return NULL;
}

/* Readers of main.(*store) wait in get's RLock; its writer snapshot
 * (Lock at line 10, Unlock at line 20) holds them up and sorts at line 15;
 * another type's readers, and a plain function's Mutex, are other sites. */
static void test_link(void **state)
{
	(void)state;
	hs_profile block, mutex, cpu;
	init2(&block, "contentions", "count", "delay", "nanoseconds");
	sample(&block, (fr[]){{"sync.(*RWMutex).RLock", 71}, {"main.(*store).get", 5}, {"main.reader", 50}},
	       3, 5, 500);
	sample(&block, (fr[]){{"sync.(*RWMutex).RLock", 71}, {"main.(*store).get.func1", 6},
	                      {"main.(*store).get", 5}}, 3, 1, 40);
	sample(&block, (fr[]){{"sync.(*Mutex).Lock", 90}, {"sync.(*RWMutex).Lock", 147},
	                      {"main.(*store).snapshot", 10}, {"main.main", 60}}, 4, 1, 10);
	sample(&block, (fr[]){{"sync.(*RWMutex).RLock", 71}, {"main.(*other).read", 30}}, 2, 2, 20);
	sample(&block, (fr[]){{"sync.(*Mutex).Lock", 90}, {"main.count", 40}}, 2, 4, 8);
	sample(&block, (fr[]){{"runtime.chanrecv1", 442}, {"main.main", 61}}, 2, 1, 999);
	finish(&block);
	init2(&mutex, "contentions", "count", "delay", "nanoseconds");
	sample(&mutex, (fr[]){{"sync.(*RWMutex).Unlock", 213}, {"main.(*store).snapshot", 20},
	                      {"main.main", 60}}, 3, 3, 300);
	finish(&mutex);
	init2(&cpu, "samples", "count", "cpu", "nanoseconds");
	/* inside: sort.Sort at line 15, and snapshot itself at 12 */
	sample(&cpu, (fr[]){{"sort.insertionSort", 1}, {"sort.Sort", 48}, {"main.(*store).snapshot", 15},
	                    {"main.main", 60}}, 4, 7, 70);
	sample(&cpu, (fr[]){{"main.(*store).snapshot", 12}, {"main.main", 60}}, 2, 1, 10);
	/* outside: at the Lock line, after the Unlock, in a caller that is no holder */
	sample(&cpu, (fr[]){{"sync.(*RWMutex).Lock", 147}, {"main.(*store).snapshot", 10}}, 2, 2, 20);
	sample(&cpu, (fr[]){{"sort.Sort", 48}, {"main.(*store).snapshot", 22}}, 2, 3, 30);
	sample(&cpu, (fr[]){{"math/rand.Intn", 9}, {"main.(*store).refresh", 80}}, 2, 5, 50);
	finish(&cpu);

	hs_blocking *b = blocking_of((hs_profile *[]){&block, &mutex, &cpu},
	                             (const char *[]){"block", "mutex", "cpu"}, 3);
	assert_int_equal(hs_blocking_nsites(b), 3);

	/* ranked by waiting: store (500 + 40 + 10), other (20), main's Mutex (8) */
	const hs_lock_site *s = hs_blocking_site(b, 0);
	assert_string_equal(s->site, "main.(*store)");
	assert_true(s->rw && s->by_receiver);
	const hs_lock_part *rl = &s->part[HS_LOCK_OP_RLOCK];
	assert_string_equal(rl->func, "main.(*store).get");   /* most delay of the two */
	assert_int_equal(rl->nfuncs, 2);                      /* get and its closure */
	assert_int_equal(rl->contentions, 6);
	assert_int_equal(rl->delay_ns, 540);
	assert_string_equal(s->part[HS_LOCK_OP_LOCK].func, "main.(*store).snapshot");
	assert_int_equal(s->part[HS_LOCK_OP_LOCK].delay_ns, 10);
	assert_string_equal(s->part[HS_LOCK_OP_UNLOCK].func, "main.(*store).snapshot");
	assert_int_equal(s->part[HS_LOCK_OP_UNLOCK].contentions, 3);
	assert_int_equal(s->part[HS_LOCK_OP_UNLOCK].delay_ns, 300);
	assert_null(s->part[HS_LOCK_OP_RUNLOCK].func);
	/* the CPU between line 10 and line 20 of snapshot, nothing else */
	assert_int_equal(s->cpu_ns[0], 80);
	assert_int_equal(s->cpu_ns[1], 0);
	assert_string_equal(s->cpu_file, "cpu");
	assert_int_equal(hs_lock_cpu_vec_len(&s->cpu), 2);
	const hs_lock_cpu *c = hs_lock_cpu_vec_at(&s->cpu, 0);
	assert_string_equal(c->holder, "main.(*store).snapshot");
	assert_string_equal(c->callee, "sort.Sort");
	assert_int_equal(c->cpu_ns, 70);
	assert_int_equal(c->samples, 7);
	c = hs_lock_cpu_vec_at(&s->cpu, 1);
	assert_string_equal(c->callee, "main.(*store).snapshot");   /* the holder itself */
	assert_int_equal(c->cpu_ns, 10);

	const hs_lock_site *o = site_named(b, "main.(*other)");
	assert_non_null(o);
	assert_true(o == hs_blocking_site(b, 1));
	assert_int_equal(o->part[HS_LOCK_OP_RLOCK].delay_ns, 20);
	assert_null(o->part[HS_LOCK_OP_UNLOCK].func);   /* store's writer is not its writer */
	const hs_lock_site *m = hs_blocking_site(b, 2);
	assert_string_equal(m->site, "main");
	assert_false(m->rw || m->by_receiver);
	assert_int_equal(m->part[HS_LOCK_OP_LOCK].contentions, 4);
	hs_blocking_free(b);
	hs_profile_release(&block);
	hs_profile_release(&mutex);
	hs_profile_release(&cpu);
}

/* A dump: `readers` goroutines waiting in get's RLock (line 5), the writer
 * sorting inside snapshot at `line`, one goroutine elsewhere in snapshot's
 * caller. */
static void dump(hs_profile *p, int readers, int line)
{
	static char buf[8192];
	size_t len = 0;
	for (int i = 0; i < readers; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len,
		                        "goroutine %d [semacquire]:\n"
		                        "sync.runtime_SemacquireMutex(0x0, 0x0, 0x1)\n"
		                        "\truntime/sema.go:77 +0x25\n"
		                        "sync.(*RWMutex).RLock(...)\n\tsync/rwmutex.go:71\n"
		                        "main.(*store).get(0xc000)\n\t/app/main.go:5 +0x1\n"
		                        "created by main.main\n\t/app/main.go:50 +0x1\n\n", 10 + i);
	len += (size_t)snprintf(buf + len, sizeof buf - len,
	                        "goroutine 2 [runnable]:\nsort.Sort({0x0, 0x0})\n\tsort/sort.go:48 +0x5d\n"
	                        "main.(*store).snapshot(0xc000)\n\t/app/main.go:%d +0x9d\n"
	                        "main.main()\n\t/app/main.go:60 +0x1\n\n", line);
	hs_profile_init(p);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_goroutine_text_decode(p, (const uint8_t *)buf, len, &e), HS_OK);
}

/* Two dumps of 3 and 2 waiting readers: 3 at most in one snapshot, never
 * 5; the writer inside its critical section (lines 10..20 from the
 * profiles) in the first dump only. */
static void test_dumps(void **state)
{
	(void)state;
	hs_profile block, mutex, d1, d2;
	init2(&block, "contentions", "count", "delay", "nanoseconds");
	sample(&block, (fr[]){{"sync.(*RWMutex).Lock", 147}, {"main.(*store).snapshot", 10}}, 2, 1, 10);
	finish(&block);
	init2(&mutex, "contentions", "count", "delay", "nanoseconds");
	sample(&mutex, (fr[]){{"sync.(*RWMutex).Unlock", 213}, {"main.(*store).snapshot", 20}}, 2, 2, 30);
	finish(&mutex);
	dump(&d1, 3, 15);
	dump(&d2, 2, 25);   /* past the Unlock: not holding */
	hs_blocking *b = blocking_of((hs_profile *[]){&d1, &block, &mutex, &d2},
	                             (const char *[]){"d1", "block", "mutex", "d2"}, 4);
	assert_int_equal(hs_blocking_nsites(b), 1);
	const hs_lock_site *s = hs_blocking_site(b, 0);
	assert_string_equal(s->site, "main.(*store)");
	assert_int_equal(s->part[HS_LOCK_OP_RLOCK].goroutines, 3);
	assert_int_equal(s->part[HS_LOCK_OP_RLOCK].contentions, 0);
	assert_int_equal(s->part[HS_LOCK_OP_UNLOCK].goroutines, 1);
	assert_int_equal(s->part[HS_LOCK_OP_UNLOCK].delay_ns, 30);
	/* the readers' dump hotspot points at the site */
	bool ref = false;
	for (size_t i = 0; i < hs_blocking_n(b); i++)
		ref |= strcmp(hs_blocking_at(b, i)->culprit, "main.(*store).get") == 0 &&
		       hs_blocking_lock_site_of(b, hs_blocking_at(b, i)) == 0;
	assert_true(ref);
	hs_blocking_free(b);
	hs_profile_release(&block);
	hs_profile_release(&mutex);
	hs_profile_release(&d1);
	hs_profile_release(&d2);
}

/* A contention profile of one sample over frames f: c contentions, d ns. */
static void contention(hs_profile *p, const fr *f, size_t n, int64_t c, int64_t d)
{
	init2(p, "contentions", "count", "delay", "nanoseconds");
	sample(p, f, n, c, d);
	finish(p);
}

/* Block and mutex profiles count from the process start: a site's part
 * takes the latest one's numbers (the order given when no time orders
 * them), a trace's waits only for a function no profile shows; the readers'
 * hotspot is linked to the write holder (rule 5). */
static void test_cumulative_link(void **state)
{
	(void)state;
	const fr get[] = {{"sync.(*RWMutex).RLock", 71}, {"main.(*store).get", 5}};
	const fr peek[] = {{"sync.(*RWMutex).RLock", 71}, {"main.(*store).peek", 8}};
	const fr snap[] = {{"sync.(*RWMutex).Unlock", 213}, {"main.(*store).snapshot", 20}};
	hs_profile p[5];
	contention(&p[0], get, 2, 2, 200);    /* block, first moment */
	contention(&p[1], snap, 2, 1, 30);    /* mutex, first moment */
	contention(&p[2], get, 2, 5, 500);    /* block, second: holds the first's too */
	contention(&p[3], snap, 2, 3, 90);
	init2(&p[4], "contentions", "count", "delay", "nanoseconds");   /* a trace's waits */
	sample(&p[4], get, 2, 1, 40);
	sample(&p[4], peek, 2, 1, 7);
	finish(&p[4]);
	hs_error e;
	hs_error_clear(&e);
	hs_inventory *inv = hs_inventory_new(&e);
	assert_non_null(inv);
	size_t in[5];
	for (int i = 0; i < 5; i++) {
		char name[16];
		snprintf(name, sizeof name, "f%d", i);
		in[i] = hs_inventory_add(inv, name, i < 4 ? HS_IN_CONTENTION : HS_IN_TRACE,
		                         HS_TIME_NONE, 0, 1);
	}
	hs_inventory_finish(inv, true);
	hs_blocking *b = hs_blocking_new(&e);
	assert_non_null(b);
	for (int i = 0; i < 5; i++)
		assert_int_equal(hs_blocking_add_input(b, &p[i], inv, in[i], &e), HS_OK);
	hs_blocking_finish(b);
	const hs_lock_site *s = site_named(b, "main.(*store)");
	assert_non_null(s);
	/* get: the second profile's 5, not 2 + 5 (+ the trace's 1); peek: the trace's */
	assert_int_equal(s->part[HS_LOCK_OP_RLOCK].contentions, 5 + 1);
	assert_int_equal(s->part[HS_LOCK_OP_RLOCK].delay_ns, 500 + 7);
	assert_int_equal(s->part[HS_LOCK_OP_UNLOCK].contentions, 3);
	assert_int_equal(s->part[HS_LOCK_OP_UNLOCK].delay_ns, 90);
	int linked = 0;
	for (size_t i = 0; i < hs_blocking_n(b); i++) {
		const hs_hotspot *h = hs_blocking_at(b, i);
		hs_lock_op op, other;
		if (strcmp(h->culprit, "main.(*store).get") != 0)
			continue;
		assert_true(hs_blocking_lock_link(b, h, &op, &other) >= 0);
		assert_int_equal(op, HS_LOCK_OP_RLOCK);
		assert_int_equal(other, HS_LOCK_OP_UNLOCK);
		assert_int_equal(h->contentions, 5);   /* the hotspot: the same rule */
		linked++;
	}
	assert_int_equal(linked, 1);
	hs_blocking_free(b);
	hs_inventory_free(inv);
	for (int i = 0; i < 5; i++)
		hs_profile_release(&p[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_op),
		cmocka_unit_test(test_site_key),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_dumps),
		cmocka_unit_test(test_cumulative_link),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
