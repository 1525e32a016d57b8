/* Every rule of the analyses at and beside its threshold, on hand-made
 * inputs whose outcomes are worked out by hand in the comments:
 *   goroutine grouping (goroutines.h): the fine key holds every frame's
 *     function, file and line, the state and the creation site; top frame;
 *     a merged group's representative; the lower median wait;
 *   leak candidates (leaks.h): blocked goroutines at min_high / min_medium /
 *     min_wait_minutes, growth raising a severity, pile-ups, benign groups,
 *     creation sites, heap growth at 10% of the last total, growing
 *     retainers, ranking;
 *   blocking hotspots (blocking.h): most in one snapshot, runtime-only
 *     goroutines left out, ranking by delay;
 *   own-code culprits (frames.h): the innermost own frame and its chain
 *     for goroutine groups, hotspots and heap growth (summed at the own
 *     frame), the old culprit when no frame is own, --own;
 *   gctrace verdicts (gctrace.h): leak suspect (5 GCs, quarters, ratio 1.5,
 *     4 MB), GC thrash at 25%, long pause at 100 ms, forced GCs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "build_profile.h"
#include "heapscope/blocking.h"
#include "heapscope/gctrace.h"
#include "heapscope/goroutines.h"
#include "heapscope/leaks.h"
#include "heapscope/load.h"

/* ---- goroutine dumps written by hand ------------------------------------ */

typedef struct dump {
	char text[1 << 19];   /* 1000 goroutines of a short stack */
	size_t len;
	int next_id;
} dump;

/* n goroutines "goroutine ID [STATE]:" followed by BODY (frames and the
 * "created by" lines, each frame "func(...)\n\tfile:line +0x1\n"). */
static void gor(dump *d, int n, const char *state, const char *body)
{
	for (int i = 0; i < n; i++) {
		int k = snprintf(d->text + d->len, sizeof d->text - d->len, "goroutine %d [%s]:\n%s\n",
		                 ++d->next_id, state, body);
		assert_true(k > 0 && (size_t)k < sizeof d->text - d->len);
		d->len += (size_t)k;
	}
}

/* An empty dump (two in turn, so a test can hold the last two). */
static dump *fresh(void)
{
	static dump pool[2];
	static int next;
	dump *d = &pool[next++ % 2];
	memset(d, 0, sizeof *d);
	return d;
}

static void load(hs_profile *p, const dump *d)
{
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(p);
	assert_int_equal(hs_goroutine_text_decode(p, (const uint8_t *)d->text, d->len, &e), HS_OK);
}

/* A receive inside a call (fn called by main.run), not a loop at the
 * goroutine's entry, which idle.h would call a worker loop. */
#define RECV(fn, line)                                                                             \
	"runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"                                   \
	"runtime.chanrecv(0x0)\n\t/go/src/runtime/chan.go:583 +0x1\n"                                 \
	"runtime.chanrecv1(0x0)\n\t/go/src/runtime/chan.go:442 +0x1\n" fn "()\n\t/src/main.go:" line \
	" +0x1\nmain.run()\n\t/src/main.go:70 +0x1\ncreated by main.spawn\n\t/src/main.go:90 +0x1\n"
#define SEND(fn, line)                                                                             \
	"runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"                                   \
	"runtime.chansend(0x0)\n\t/go/src/runtime/chan.go:259 +0x1\n"                                 \
	"runtime.chansend1(0x0)\n\t/go/src/runtime/chan.go:145 +0x1\n" fn "()\n\t/src/main.go:" line \
	" +0x1\ncreated by main.spawn\n\t/src/main.go:90 +0x1\n"
#define MUTEX(fn, creator)                                                                         \
	"sync.runtime_SemacquireMutex(0x0)\n\t/go/src/runtime/sema.go:77 +0x1\n"                      \
	"sync.(*Mutex).lockSlow(0x0)\n\t/go/src/sync/mutex.go:171 +0x1\n"                             \
	"sync.(*Mutex).Lock(0x0)\n\t/go/src/sync/mutex.go:90 +0x1\n" fn "()\n\t/src/main.go:50 +0x1\n" \
	"created by " creator "\n\t/src/main.go:91 +0x1\n"

/* ---- goroutine grouping ------------------------------------------------- */

static void groups_of(hs_goroutines **gp, hs_group_by by, const dump *d)
{
	hs_profile p;
	hs_error e;
	hs_error_clear(&e);
	load(&p, d);
	hs_goroutines *g = *gp = hs_goroutines_new(by, 1, &e);
	assert_non_null(g);
	assert_int_equal(hs_goroutines_add(g, &p, 0, &e), HS_OK);
	assert_int_equal(hs_goroutines_finish(g, &e), HS_OK);
	hs_profile_release(&p);
}

static const hs_ggroup *grp(const hs_goroutines *g, size_t i)
{
	assert_true(i < hs_goroutines_ngroups(g));
	return &hs_goroutines_groups(g)[i];
}

/* Same functions and files, lines 20 and 21: two groups (3 and 2).
 * Same stack, chan receive vs chan send states written by hand on the
 * same frames: two groups.  Same stack and state, created at main.go:90
 * and main.go:95: two groups. */
static void test_group_key(void **state)
{
	(void)state;
	char created95[1024];
	snprintf(created95, sizeof created95, "%s", RECV("main.worker", "20"));
	char *at = strstr(created95, "main.go:90");
	assert_non_null(at);
	memcpy(at, "main.go:95", 10);
	/* two kinds of goroutines each: n, state, body; the groups, biggest
	 * first, are the two */
	const struct {
		int n[2];
		const char *state[2], *body[2];
	} cases[] = {
		{{3, 2}, {"chan receive", "chan receive"},
		 {RECV("main.worker", "20"), RECV("main.worker", "21")}},
		{{4, 1}, {"chan receive", "chan send"},
		 {RECV("main.worker", "20"), RECV("main.worker", "20")}},
		{{2, 1}, {"chan receive", "chan receive"}, {RECV("main.worker", "20"), created95}},
	};
	static dump d;
	for (size_t c = 0; c < 3; c++) {
		memset(&d, 0, sizeof d);
		for (int k = 0; k < 2; k++)
			gor(&d, cases[c].n[k], cases[c].state[k], cases[c].body[k]);
		hs_goroutines *g = NULL;
		groups_of(&g, HS_BY_STACK, &d);
		if (hs_goroutines_ngroups(g) != 2)
			fail_msg("case %zu: %zu groups, want 2", c, hs_goroutines_ngroups(g));
		for (size_t k = 0; k < 2; k++) {
			assert_int_equal(grp(g, k)->count, cases[c].n[k]);
			assert_string_equal(grp(g, k)->rep->state, cases[c].state[k]);
		}
		assert_int_equal(hs_goroutines_total(g), cases[c].n[0] + cases[c].n[1]);
		if (c == 2) {
			assert_string_equal(grp(g, 0)->rep->created_loc, "/src/main.go:90");
			assert_string_equal(grp(g, 1)->rep->created_loc, "/src/main.go:95");
		}
		hs_goroutines_free(g);
	}
}

/* By state: 3 at main.a and 5 at main.b, both chan receive, make one group
 * of 8 shown by its biggest fine group (main.b), with 2 fine groups.  By
 * top frame, a mutex wait's top is sync.(*Mutex).lockSlow: the first frame
 * outside package runtime that is not a runtime entry (.runtime_*). */
static void test_group_merge(void **state)
{
	(void)state;
	dump *d = fresh();
	gor(d, 3, "chan receive", RECV("main.a", "20"));
	gor(d, 5, "chan receive", RECV("main.b", "30"));
	gor(d, 4, "semacquire", MUTEX("main.c", "main.spawn"));
	hs_goroutines *g = NULL;
	groups_of(&g, HS_BY_STATE, d);
	assert_int_equal(hs_goroutines_ngroups(g), 2);
	assert_int_equal(grp(g, 0)->count, 8);
	assert_int_equal(grp(g, 0)->nfine, 2);
	/* main.b, called by main.run (the root) */
	assert_string_equal(grp(g, 0)->rep->frames[grp(g, 0)->rep->nframes - 2].func, "main.b");
	hs_goroutines_free(g);

	groups_of(&g, HS_BY_TOP_FRAME, d);
	bool seen = false;
	for (size_t i = 0; i < hs_goroutines_ngroups(g); i++)
		if (grp(g, i)->count == 4) {
			assert_string_equal(grp(g, i)->rep->top, "sync.(*Mutex).lockSlow");
			seen = true;
		}
	assert_true(seen);
	hs_goroutines_free(g);
}

/* One goroutine per wait (minutes), all at one stack: its group's min,
 * lower median and max. */
static void waits_of(const int *minutes, int n, int64_t *out)
{
	static dump d;
	memset(&d, 0, sizeof d);
	for (int i = 0; i < n; i++) {
		char st[64];
		snprintf(st, sizeof st, "chan receive, %d minutes", minutes[i]);
		gor(&d, 1, st, RECV("main.a", "20"));
	}
	hs_goroutines *g = NULL;
	groups_of(&g, HS_BY_STACK, &d);
	assert_int_equal(hs_goroutines_ngroups(g), 1);
	memcpy(out, grp(g, 0)->wait, 3 * sizeof *out);
	hs_goroutines_free(g);
}

/* Waits 9, 1 and 5 minutes: min 1, lower median 5 (the 2nd of 3), max 9.
 * Waits 2, 4, 6, 8: lower median 4 (the 2nd of 4). */
static void test_group_waits(void **state)
{
	(void)state;
	int64_t w[3];
	waits_of((const int[]){9, 1, 5}, 3, w);
	assert_int_equal(w[0], 1);
	assert_int_equal(w[1], 5);
	assert_int_equal(w[2], 9);
	waits_of((const int[]){2, 4, 6, 8}, 4, w);
	assert_int_equal(w[0], 2);
	assert_int_equal(w[1], 4);
	assert_int_equal(w[2], 8);
}

/* ---- leaks ---------------------------------------------------------------- */

/* The candidates of the dumps, in order, with o (NULL: the defaults). */
static void leaks_of(hs_leaks **lp, const hs_leak_opts *o, dump *const *ds, size_t n)
{
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = *lp = hs_leaks_new(o, &e);
	assert_non_null(l);
	for (size_t i = 0; i < n; i++) {
		hs_profile p;
		load(&p, ds[i]);
		assert_int_equal(hs_leaks_add(l, &p, "dump", &e), HS_OK);
		hs_profile_release(&p);
	}
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
}

/* One dump of n goroutines in `state` at BODY; the candidates' count, and
 * the first one's severity and kind (kind NULL when there is none). */
static void one(int n, const char *state, const char *body, size_t want_n, hs_severity sev,
                const char *kind)
{
	dump *d = fresh();
	gor(d, n, state, body);
	dump *ds[] = {d};
	hs_leaks *l = NULL;
	leaks_of(&l, NULL, ds, 1);
	if (hs_leaks_n(l) != want_n)
		fail_msg("%d x [%s]: %zu candidates, want %zu", n, state, hs_leaks_n(l), want_n);
	if (want_n) {
		assert_int_equal(hs_leaks_at(l, 0)->severity, sev);
		assert_string_equal(hs_leak_kind_name(hs_leaks_at(l, 0)->kind), kind);
		assert_int_equal(hs_leaks_at(l, 0)->weight, n);
	}
	hs_leaks_free(l);
}

static void test_leak_defaults(void **state)
{
	(void)state;
	hs_leak_opts o;
	hs_leak_opts_default(&o);
	assert_int_equal(o.min_high, 100);
	assert_int_equal(o.min_medium, 10);
	assert_int_equal(o.min_wait_minutes, 10);
}

/* Blocked on a channel: high from 100, medium from 10, low below that if
 * one waited 10 minutes, nothing otherwise (the defaults). */
static void test_leak_blocked(void **state)
{
	(void)state;
	one(100, "chan receive", RECV("main.c", "20"), 1, HS_SEV_HIGH, "blocked goroutines");
	one(99, "chan receive", RECV("main.c", "20"), 1, HS_SEV_MEDIUM, "blocked goroutines");
	one(10, "chan receive", RECV("main.c", "20"), 1, HS_SEV_MEDIUM, "blocked goroutines");
	one(9, "chan receive, 10 minutes", RECV("main.c", "20"), 1, HS_SEV_LOW, "blocked goroutines");
	one(9, "chan receive, 9 minutes", RECV("main.c", "20"), 0, 0, NULL);
	one(9, "chan receive", RECV("main.c", "20"), 0, 0, NULL);
	/* sync.Cond.Wait counts as a channel-like wait: medium from 10 */
	one(10, "sync.Cond.Wait",
	    "sync.runtime_notifyListWait(0x0)\n\t/go/src/runtime/sema.go:517 +0x1\n"
	    "sync.(*Cond).Wait(0x0)\n\t/go/src/sync/cond.go:70 +0x1\n"
	    "main.waiter()\n\t/src/main.go:60 +0x1\ncreated by main.spawn\n\t/src/main.go:90 +0x1\n",
	    1, HS_SEV_MEDIUM, "blocked goroutines");
}

/* Benign: a select inside a call with fewer than 10 goroutines (10 are a
 * candidate); a select or receive at the goroutine's entry (a worker
 * loop, idle.h) below 1000 goroutines in one snapshot (1000 are a high
 * candidate); select {} in main.main, however many; runtime internals. */
static void test_leak_benign(void **state)
{
	(void)state;
	const char *sel = "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"
	                  "runtime.selectgo(0x0)\n\t/go/src/runtime/select.go:328 +0x1\n"
	                  "main.loop()\n\t/src/main.go:40 +0x1\n"
	                  "main.run()\n\t/src/main.go:50 +0x1\n"
	                  "created by main.spawn\n\t/src/main.go:90 +0x1\n";
	const char *entry = "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"
	                    "runtime.selectgo(0x0)\n\t/go/src/runtime/select.go:328 +0x1\n"
	                    "main.loop()\n\t/src/main.go:40 +0x1\n"
	                    "created by main.spawn\n\t/src/main.go:90 +0x1\n";
	one(9, "select", sel, 0, 0, NULL);
	one(10, "select", sel, 1, HS_SEV_MEDIUM, "blocked goroutines");
	one(999, "select", entry, 0, 0, NULL);
	one(1000, "select", entry, 1, HS_SEV_HIGH, "blocked goroutines");
	one(100, "select (no cases)", "main.main()\n\t/src/main.go:10 +0x1\n", 0, 0, NULL);
	one(100, "chan receive",
	    "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"
	    "runtime.chanrecv1(0x0)\n\t/go/src/runtime/chan.go:442 +0x1\n",
	    0, 0, NULL);
}

/* Other waits: a pile-up (medium) from 100 goroutines, not below, and
 * never for network waits: 100 of those are only a creation site's
 * (100 live goroutines from main.serve, no candidate naming them). */
static void test_leak_pileup(void **state)
{
	(void)state;
	one(100, "semacquire", MUTEX("main.locker", "main.spawn"), 1, HS_SEV_MEDIUM,
	    "goroutine pile-up");
	one(99, "semacquire", MUTEX("main.locker", "main.spawn"), 0, 0, NULL);
	one(100, "IO wait",
	    "internal/poll.runtime_pollWait(0x0)\n\t/go/src/runtime/netpoll.go:305 +0x1\n"
	    "internal/poll.(*pollDesc).wait(0x0)\n\t/go/src/internal/poll/fd_poll_runtime.go:84 +0x1\n"
	    "main.readLoop()\n\t/src/main.go:70 +0x1\n"
	    "created by main.serve\n\t/src/main.go:92 +0x1\n",
	    1, HS_SEV_MEDIUM, "created-by site");
}

/* Snapshots of one chan send group at main.s with the given counts. */
static hs_severity grown(const int *counts, size_t n, size_t *ncand)
{
	static dump ds[4];
	dump *dp[4];
	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++) {
		memset(&ds[i], 0, sizeof ds[i]);
		gor(&ds[i], counts[i], "chan send", SEND("main.s", "20"));
		dp[i] = &ds[i];
	}
	hs_leaks *l = NULL;
	leaks_of(&l, NULL, dp, n);
	*ncand = hs_leaks_n(l);
	hs_severity s = *ncand ? hs_leaks_at(l, 0)->severity : HS_SEV_LOW;
	hs_leaks_free(l);
	return s;
}

/* Growth (never down, by 10 or more) raises a blocked group one step:
 * 20 -> 50 is high (medium raised), 20 -> 30 too (grew by exactly 10),
 * 20 -> 29 stays medium; 20 -> 19 -> 40 dips once: no growth, medium;
 * 1 -> 11 is medium by count, raised to high; 1 -> 10 grew by 9 only. */
static void test_leak_growth(void **state)
{
	(void)state;
	size_t n;
	assert_int_equal(grown((const int[]){20, 50}, 2, &n), HS_SEV_HIGH);
	assert_int_equal(grown((const int[]){20, 30}, 2, &n), HS_SEV_HIGH);
	assert_int_equal(grown((const int[]){20, 29}, 2, &n), HS_SEV_MEDIUM);
	assert_int_equal(grown((const int[]){20, 19, 40}, 3, &n), HS_SEV_MEDIUM);
	assert_int_equal(grown((const int[]){1, 11}, 2, &n), HS_SEV_HIGH);
	assert_int_equal(n, 1);
	assert_int_equal(grown((const int[]){1, 10}, 2, &n), HS_SEV_MEDIUM);
	/* a single snapshot never grows */
	assert_int_equal(grown((const int[]){50}, 1, &n), HS_SEV_MEDIUM);
}

/* Leaks of one dump of n groups: count[i] goroutines in state[i] at body[i]
 * (state NULL: all "semacquire"). */
static void leaks_groups(hs_leaks **l, size_t n, const int *count, const char *const *state,
                         const char *const *body)
{
	dump *d = fresh();
	for (size_t i = 0; i < n; i++)
		gor(d, count[i], state ? state[i] : "semacquire", body[i]);
	dump *ds[] = {d};
	leaks_of(l, NULL, ds, 1);
}

/* Creation sites: 50 + 50 live goroutines in mutex waits (below a pile-up)
 * from main.spawnA: a created-by candidate of 100; 50 + 49 from main.spawnB
 * are not.  95 in mutex waits and then 10 in chan receive (named, medium)
 * from main.spawnC: the site is covered by the named group, though that
 * group comes second: only the named group is a candidate. */
static void test_leak_created_by(void **state)
{
	(void)state;
	hs_leaks *l = NULL;
	leaks_groups(&l, 4, (const int[]){50, 50, 50, 49}, NULL,
	             (const char *const[]){MUTEX("main.a1", "main.spawnA"),
	                                   MUTEX("main.a2", "main.spawnA"),
	                                   MUTEX("main.b1", "main.spawnB"),
	                                   MUTEX("main.b2", "main.spawnB")});
	assert_int_equal(hs_leaks_n(l), 1);
	assert_string_equal(hs_leak_kind_name(hs_leaks_at(l, 0)->kind), "created-by site");
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.spawnA");
	assert_int_equal(hs_leaks_at(l, 0)->weight, 100);
	assert_int_equal(hs_leaks_at(l, 0)->severity, HS_SEV_MEDIUM);
	/* its evidence: the one snapshot's sum of its groups; one snapshot's
	 * size: confidence low; many goroutines from one function other than
	 * main.main: per instance */
	assert_int_equal(hs_leaks_at(l, 0)->npoints, 1);
	assert_int_equal(hs_leaks_at(l, 0)->points[0].value, 100);
	assert_int_equal(hs_leaks_at(l, 0)->confidence, HS_CONF_LOW);
	assert_int_equal(hs_leaks_at(l, 0)->mechanism, HS_MECH_PER_INSTANCE);
	hs_leaks_free(l);

	char recv[1024];
	snprintf(recv, sizeof recv, "%s", RECV("main.c1", "20"));
	char *at = strstr(recv, "created by main.spawn");
	assert_non_null(at);
	strcpy(at, "created by main.spawnC\n\t/src/main.go:91 +0x1\n");
	leaks_groups(&l, 2, (const int[]){95, 10}, (const char *const[]){"semacquire", "chan receive"},
	             (const char *const[]){MUTEX("main.c2", "main.spawnC"), recv});
	assert_int_equal(hs_leaks_n(l), 1);
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.c1");
	hs_leaks_free(l);
}

/* Ranked by severity, then weight: medium 20 at main.b before medium 10 at
 * main.a, both after high 100 at main.h. */
static void test_leak_rank(void **state)
{
	(void)state;
	hs_leaks *l = NULL;
	const char *const st[] = {"chan receive", "chan receive", "chan receive"};
	leaks_groups(&l, 3, (const int[]){10, 20, 100}, st,
	             (const char *const[]){RECV("main.a", "20"), RECV("main.b", "21"),
	                                   RECV("main.h", "22")});
	assert_int_equal(hs_leaks_n(l), 3);
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.h");
	assert_string_equal(hs_leaks_at(l, 1)->culprit, "main.b");
	assert_string_equal(hs_leaks_at(l, 2)->culprit, "main.a");
	hs_leaks_free(l);
}

/* Three inuse_space profiles a minute apart: main.leak grows 0 -> 100 ->
 * `last` while main.steady holds 2000 - last at the end, so the last total
 * is 2000: growth `last` >= 10% of 2000 (200) is high, 199 is medium. */
/* Add heap profile p, taken at minute `minute`, to l and release it. */
static void add_heap_at(hs_leaks *l, hs_profile *p, int minute)
{
	hs_error e;
	hs_error_clear(&e);
	p->time_nanos = (int64_t)minute * 60000000000LL;
	assert_int_equal(hs_profile_finish(p, &e), HS_OK);
	assert_int_equal(hs_leaks_add(l, p, "heap", &e), HS_OK);
	hs_profile_release(p);
}

/* Three heap profiles at minutes 0, 1, 2: main.leak and main.steady
 * holding leak[i] and steady[i] bytes. */
static void add_leak_heaps(hs_leaks *l, const int64_t *leak, const int64_t *steady)
{
	for (int i = 0; i < 3; i++) {
		hs_profile p;
		tp_init(&p, "inuse_space", "bytes");
		uint32_t fl = add_function(&p, "main.leak"), fs = add_function(&p, "main.steady");
		uint32_t ll = add_location(&p, &fl, 1), ls = add_location(&p, &fs, 1);
		if (leak[i])
			add_sample(&p, &ll, 1, leak[i]);
		add_sample(&p, &ls, 1, steady[i]);
		add_heap_at(l, &p, i);
	}
}

static hs_severity heap_growth(int64_t last)
{
	hs_leaks *l = NULL;
	hs_error e;
	hs_error_clear(&e);
	assert_non_null(l = hs_leaks_new(NULL, &e));
	add_leak_heaps(l, (const int64_t[]){0, 100, last}, (const int64_t[]){1800, 1800, 2000 - last});
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 1);
	assert_string_equal(hs_leak_kind_name(hs_leaks_at(l, 0)->kind), "heap growth");
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.leak");
	assert_int_equal(hs_leaks_at(l, 0)->weight, last);
	hs_severity s = hs_leaks_at(l, 0)->severity;
	hs_leaks_free(l);
	return s;
}

static void test_leak_heap(void **state)
{
	(void)state;
	assert_int_equal(heap_growth(200), HS_SEV_HIGH);
	assert_int_equal(heap_growth(199), HS_SEV_MEDIUM);
}

/* Heap growth noise (leaks.h HS_LEAK_HEAP_MIN_RISES): beside main.steady
 * at 1800 bytes, main.leak at 0 -> 0 -> 512 (one sampled allocation) and
 * 0 -> 100 -> 100 (a lazy init) rise in one step of two: growth.h flags
 * both (slope > 0, never fell, rising 0.5, 512 / 2312 and 100 / 1900 above
 * 1%), leaks drops them; 100 -> 200 -> 300 rises in both steps: one
 * candidate. */
static size_t heap_candidates(const int64_t *leak)
{
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	assert_non_null(l);
	add_leak_heaps(l, leak, (const int64_t[]){1800, 1800, 1800});
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	size_t n = hs_leaks_n(l);
	hs_leaks_free(l);
	return n;
}

static void test_leak_heap_noise(void **state)
{
	(void)state;
	assert_int_equal(heap_candidates((const int64_t[]){0, 0, 512}), 0);
	assert_int_equal(heap_candidates((const int64_t[]){0, 100, 100}), 0);
	assert_int_equal(heap_candidates((const int64_t[]){100, 200, 300}), 1);
}

/* Heap dump roots over two dumps of 1000 reachable bytes: a 70 -> 90 (7% ->
 * 9%: ends below 10%), b 80 -> 100 (8% -> 10%, up 2 points: medium),
 * c 100 -> 200 (10% -> 20%, up 10 points: high), d 150 -> 165 (15% ->
 * 16.5%, up 1.5 points: none). */
static const hs_leak *leak_named(const hs_leaks *l, const char *culprit);

static void test_leak_retainers(void **state)
{
	(void)state;
	hs_leaks *l = NULL;
	hs_error e;
	hs_error_clear(&e);
	assert_non_null(l = hs_leaks_new(NULL, &e));
	const char *keys[] = {"a", "b", "c", "d"};
	const uint64_t d1[] = {70, 80, 100, 150}, d2[] = {90, 100, 200, 165};
	assert_int_equal(hs_leaks_add_retainers(l, "dump", keys, d1, 4, 1000, &e), HS_OK);
	assert_int_equal(hs_leaks_add_retainers(l, "dump", keys, d2, 4, 1000, &e), HS_OK);
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 2);
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "c");
	assert_int_equal(hs_leaks_at(l, 0)->severity, HS_SEV_HIGH);
	assert_int_equal(hs_leaks_at(l, 0)->weight, 100);
	assert_string_equal(hs_leaks_at(l, 1)->culprit, "b");
	assert_int_equal(hs_leaks_at(l, 1)->severity, HS_SEV_MEDIUM);
	/* two dumps: medium confidence, retention */
	assert_int_equal(hs_leaks_at(l, 0)->confidence, HS_CONF_MEDIUM);
	assert_int_equal(hs_leaks_at(l, 0)->mechanism, HS_MECH_RETENTION);
	hs_leaks_free(l);

	/* three dumps: c 100 -> 150 -> 200 rose twice: high; e 100 -> 100 ->
	 * 200 rose once: medium */
	assert_non_null(l = hs_leaks_new(NULL, &e));
	const char *k3[] = {"c", "e"};
	const uint64_t t1[] = {100, 100}, t2[] = {150, 100}, t3[] = {200, 200};
	assert_int_equal(hs_leaks_add_retainers(l, "d1", k3, t1, 2, 1000, &e), HS_OK);
	assert_int_equal(hs_leaks_add_retainers(l, "d2", k3, t2, 2, 1000, &e), HS_OK);
	assert_int_equal(hs_leaks_add_retainers(l, "d3", k3, t3, 2, 1000, &e), HS_OK);
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 2);
	assert_int_equal(leak_named(l, "c")->confidence, HS_CONF_HIGH);
	assert_int_equal(leak_named(l, "e")->confidence, HS_CONF_MEDIUM);
	hs_leaks_free(l);
}

/* ---- blocking ------------------------------------------------------------ */

/* Two dumps of 5 and 7 goroutines at main.c, as two files or appended in
 * one: the hotspot has 7 (the most in one snapshot, not 12); 3
 * runtime-only goroutines are no hotspot. */
static void test_blocking_snapshots(void **state)
{
	(void)state;
	static dump a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	gor(&a, 5, "chan receive", RECV("main.c", "20"));
	gor(&b, 7, "chan receive", RECV("main.c", "20"));
	gor(&b, 3, "chan receive",
	    "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"
	    "runtime.chanrecv1(0x0)\n\t/go/src/runtime/chan.go:442 +0x1\n");
	hs_blocking *bl = NULL;
	hs_error e;
	hs_error_clear(&e);
	assert_non_null(bl = hs_blocking_new(&e));
	dump *ds[] = {&a, &b};
	for (int i = 0; i < 2; i++) {
		hs_profile p;
		load(&p, ds[i]);
		assert_int_equal(hs_blocking_add(bl, &p, "d", &e), HS_OK);
		hs_profile_release(&p);
	}
	hs_blocking_finish(bl);
	assert_int_equal(hs_blocking_n(bl), 1);
	assert_string_equal(hs_blocking_at(bl, 0)->culprit, "main.c");
	assert_int_equal(hs_blocking_at(bl, 0)->goroutines, 7);
	hs_blocking_free(bl);

	/* The two dumps appended in one file, the bigger first (goroutine ids
	 * 1-7, then 1-5 again: a second dump): 7 again. */
	b.next_id = 0;
	gor(&b, 5, "chan receive", RECV("main.c", "20"));
	hs_profile p;
	load(&p, &b);
	assert_non_null(bl = hs_blocking_new(&e));
	assert_int_equal(hs_blocking_add(bl, &p, "d", &e), HS_OK);
	hs_blocking_finish(bl);
	assert_int_equal(hs_blocking_n(bl), 1);
	assert_int_equal(hs_blocking_at(bl, 0)->goroutines, 7);
	hs_blocking_free(bl);
	hs_profile_release(&p);
}

/* An empty contention profile: contentions and delay. */
static void contention_init(hs_profile *p)
{
	tp_init(p, "contentions", "count");
	hs_value_type *vt = hs_vec_push(&p->sample_types, 1);
	vt->type = hs_profile_intern(p, "delay", 5);
	vt->unit = hs_profile_intern(p, "nanoseconds", 11);
}

/* A mutex profile: main.a 5 contentions 100 ns, main.b 1 contention 200 ns:
 * no goroutines, so by delay: main.b first. */
static void test_blocking_delay(void **state)
{
	(void)state;
	hs_profile p;
	contention_init(&p);
	uint32_t fu = add_function(&p, "sync.(*Mutex).Unlock");
	uint32_t fa = add_function(&p, "main.a"), fb = add_function(&p, "main.b");
	uint32_t lu = add_location(&p, &fu, 1), la = add_location(&p, &fa, 1),
	         lb = add_location(&p, &fb, 1);
	const int64_t vals[2][2] = {{5, 100}, {1, 200}};
	const uint32_t stacks[2][2] = {{lu, la}, {lu, lb}};
	for (int i = 0; i < 2; i++) {
		int64_t *v = hs_profile_begin_sample(&p);
		v[0] = vals[i][0];
		v[1] = vals[i][1];
		for (int k = 0; k < 2; k++)
			hs_profile_push_location(&p, stacks[i][k]);
		hs_profile_end_sample(&p);
	}
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	hs_blocking *bl = NULL;
	assert_non_null(bl = hs_blocking_new(&e));
	assert_int_equal(hs_blocking_add(bl, &p, "mutex", &e), HS_OK);
	hs_blocking_finish(bl);
	assert_int_equal(hs_blocking_n(bl), 2);
	assert_string_equal(hs_blocking_at(bl, 0)->culprit, "main.b");
	assert_int_equal(hs_blocking_at(bl, 0)->delay_ns, 200);
	assert_string_equal(hs_blocking_at(bl, 1)->culprit, "main.a");
	assert_int_equal(hs_blocking_at(bl, 1)->contentions, 5);
	hs_blocking_free(bl);
	hs_profile_release(&p);
}

/* A contention profile of one sample: `count` contentions and `delay` ns
 * at leaf -> main.a. */
static void one_contention(hs_profile *p, const char *leaf, int64_t count, int64_t delay)
{
	contention_init(p);
	uint32_t fl = add_function(p, leaf), fa = add_function(p, "main.a");
	uint32_t ll = add_location(p, &fl, 1), la = add_location(p, &fa, 1);
	int64_t *v = hs_profile_begin_sample(p);
	v[0] = count;
	v[1] = delay;
	hs_profile_push_location(p, ll);
	hs_profile_push_location(p, la);
	hs_profile_end_sample(p);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(p, &e), HS_OK);
}

/* The two sides of one lock are never summed: a block profile's wait in
 * Lock (7 contentions, 1500 ns) and a mutex profile's release in Unlock
 * (3, 400 ns) at the same main.a are two hotspots, waiting and holding,
 * each with its own numbers (not 10 and 1900). */
static void test_blocking_lock_sides(void **state)
{
	(void)state;
	hs_profile blk, mtx;
	one_contention(&blk, "sync.(*Mutex).Lock", 7, 1500);
	one_contention(&mtx, "sync.(*Mutex).Unlock", 3, 400);
	hs_error e;
	hs_error_clear(&e);
	hs_blocking *bl = hs_blocking_new(&e);
	assert_non_null(bl);
	assert_int_equal(hs_blocking_add(bl, &blk, "block", &e), HS_OK);
	assert_int_equal(hs_blocking_add(bl, &mtx, "mutex", &e), HS_OK);
	hs_blocking_finish(bl);
	assert_int_equal(hs_blocking_n(bl), 2);
	for (size_t i = 0; i < 2; i++) {
		const hs_hotspot *h = hs_blocking_at(bl, i);
		assert_string_equal(h->culprit, "main.a");
		assert_int_equal(h->kind, HS_WAIT_MUTEX);
		bool waiting = h->side == HS_SIDE_WAITING;
		assert_true(waiting || h->side == HS_SIDE_HOLDING);
		assert_int_equal(h->contentions, waiting ? 7 : 3);
		assert_int_equal(h->delay_ns, waiting ? 1500 : 400);
	}
	assert_int_not_equal(hs_blocking_at(bl, 0)->side, hs_blocking_at(bl, 1)->side);
	hs_blocking_free(bl);
	hs_profile_release(&blk);
	hs_profile_release(&mtx);
}

/* ---- own-code culprits (issue 13 part 2) --------------------------------- */

/* main.* in /home/u/app: own; errgroup from the module cache: dependency. */
#define ERRGROUP_WAIT                                                                              \
	"sync.runtime_Semacquire(0x0)\n\t/go/src/runtime/sema.go:62 +0x1\n"                           \
	"sync.(*WaitGroup).Wait(0x0)\n\t/go/src/sync/waitgroup.go:116 +0x1\n"                          \
	"golang.org/x/sync/errgroup.(*Group).Wait(0x0)\n\t"                                            \
	"/go/pkg/mod/golang.org/x/sync@v0.1.0/errgroup/errgroup.go:53 +0x1\n"                          \
	"main.fetchAll()\n\t/home/u/app/fetch.go:30 +0x1\n"                                           \
	"created by main.main\n\t/home/u/app/main.go:12 +0x1\n"
#define POOL_GET                                                                                   \
	"runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"                                   \
	"runtime.selectgo(0x0)\n\t/go/src/runtime/select.go:328 +0x1\n"                               \
	"github.com/x/pool.(*Pool).get(0x0)\n\t/go/pkg/mod/github.com/x/pool@v1.0.0/pool.go:40 +0x1\n" \
	"main.handle()\n\t/home/u/app/handle.go:20 +0x1\n"                                            \
	"created by main.serve\n\t/home/u/app/main.go:30 +0x1\n"
#define POOL_RUN                                                                                   \
	"runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"                                   \
	"runtime.selectgo(0x0)\n\t/go/src/runtime/select.go:328 +0x1\n"                               \
	"github.com/x/pool.(*Pool).run(0x0)\n\t/go/pkg/mod/github.com/x/pool@v1.0.0/pool.go:80 +0x1\n" \
	"created by github.com/x/pool.New\n\t/go/pkg/mod/github.com/x/pool@v1.0.0/pool.go:20 +0x1\n"

static const hs_leak *leak_named(const hs_leaks *l, const char *culprit)
{
	for (size_t i = 0; i < hs_leaks_n(l); i++)
		if (strcmp(hs_leaks_at(l, i)->culprit, culprit) == 0)
			return hs_leaks_at(l, i);
	fail_msg("no candidate %s", culprit);
	return NULL;
}

/* chain, culprit first, as " -> "-joined names (leaf-first storage). */
static void assert_chain(const hs_chain *ch, const char *want)
{
	char buf[512] = "";
	for (size_t i = ch->n; i-- > 0;)
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s%s", ch->funcs[i],
		         ch->inlined[i] ? " (inline)" : "", i ? " -> " : "");
	assert_string_equal(buf, want);
}

/* ---- time order and twins ------------------------------------------------ */

/* Add dump d to l under `name` (its name stamp is its moment: no such file
 * on disk, so no mtime). */
static void add_named(hs_leaks *l, const dump *d, const char *name)
{
	hs_profile p;
	hs_error e;
	hs_error_clear(&e);
	load(&p, d);
	assert_int_equal(hs_leaks_add(l, &p, name, &e), HS_OK);
	hs_profile_release(&p);
}

/* A ?debug=1 goroutine profile of n goroutines at SEND("main.s", "20"),
 * added under `name`. */
static void add_debug1(hs_leaks *l, int n, const char *name)
{
	char text[512];
	int k = snprintf(text, sizeof text,
	                 "goroutine profile: total %d\n%d @ 0x1 0x2 0x3 0x4\n"
	                 "#\t0x1\truntime.gopark+0x1\t/go/src/runtime/proc.go:364\n"
	                 "#\t0x2\truntime.chansend+0x1\t/go/src/runtime/chan.go:259\n"
	                 "#\t0x3\truntime.chansend1+0x1\t/go/src/runtime/chan.go:145\n"
	                 "#\t0x4\tmain.s+0x1\t/src/main.go:20\n\n", n, n);
	hs_profile p;
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&p);
	assert_int_equal(hs_load_profile_buffer(&p, (const uint8_t *)text, (size_t)k, 1 << 20, &e),
	                 HS_OK);
	assert_int_equal(hs_leaks_add(l, &p, name, &e), HS_OK);
	hs_profile_release(&p);
}

/* The chan send candidate at main.s: its points' counts in order. */
static const hs_leak *send_leak(const hs_leaks *l, int64_t *counts, size_t max)
{
	const hs_leak *k = leak_named(l, "main.s");
	assert_non_null(k);
	assert_true(k->npoints <= max);
	for (size_t i = 0; i < k->npoints; i++)
		counts[i] = k->points[i].value;
	return k;
}

/* Chan send groups of 20, 30, 40 goroutines at 03:00, 03:01, 03:02 (name
 * stamps), added newest first: the series is 20 -> 30 -> 40 (grew by 20,
 * never fell: medium by count raised to high).  The same dumps under
 * names without a moment stay in the order given: 40 -> 30 -> 20, no
 * growth, medium.  Equal moments go by name: b-... given before a-... of
 * the same stamp reads a's 5 then b's 25 (grew by 20: high). */
static void test_leak_time_order(void **state)
{
	(void)state;
	static dump ds[3];
	const char *stamped[] = {"g-20261122T030200.txt", "g-20261122T030100.txt",
	                         "g-20261122T030000.txt"};
	const char *plain[] = {"dump-c", "dump-b", "dump-a"};
	for (int pass = 0; pass < 2; pass++) {
		hs_error e;
		hs_error_clear(&e);
		hs_leaks *l = hs_leaks_new(NULL, &e);
		for (int i = 0; i < 3; i++) {
			memset(&ds[i], 0, sizeof ds[i]);
			gor(&ds[i], 40 - 10 * i, "chan send", SEND("main.s", "20"));
			add_named(l, &ds[i], pass ? plain[i] : stamped[i]);
		}
		assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
		int64_t c[3];
		const hs_leak *k = send_leak(l, c, 3);
		assert_int_equal(k->npoints, 3);
		assert_int_equal(c[0], pass ? 40 : 20);
		assert_int_equal(c[2], pass ? 20 : 40);
		assert_string_equal(k->points[0].file, pass ? "dump-c" : "g-20261122T030000.txt");
		assert_int_equal(k->severity, pass ? HS_SEV_MEDIUM : HS_SEV_HIGH);
		hs_leaks_free(l);
	}
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	memset(&ds[0], 0, sizeof ds[0]);
	gor(&ds[0], 25, "chan send", SEND("main.s", "20"));
	add_named(l, &ds[0], "b-20261122T030000.txt");
	memset(&ds[1], 0, sizeof ds[1]);
	gor(&ds[1], 5, "chan send", SEND("main.s", "20"));
	add_named(l, &ds[1], "a-20261122T030000.txt");
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	int64_t c[2];
	const hs_leak *k = send_leak(l, c, 2);
	assert_int_equal(c[0], 5);
	assert_int_equal(c[1], 25);
	assert_int_equal(k->severity, HS_SEV_HIGH);
	hs_leaks_free(l);
}

/* Two moments, 03:00 and 03:01, each a ?debug=1 profile and a debug=2
 * dump of it (20 then 30 goroutines in chan send at main.s), given
 * debug=1 first: two snapshots, not four, the dumps used: 20 -> 30 (grew
 * by 10: medium raised to high), 2 goroutine snapshots from 20 to 30, and
 * each debug=1 file named as the twin of the dump of its moment.  Two
 * dumps of one format at one stamp are never twins: both count. */
static void test_leak_twins(void **state)
{
	(void)state;
	static dump ds[2];
	const char *d1[] = {"g-20261122T030000-debug1.txt", "g-20261122T030100-debug1.txt"};
	const char *d2[] = {"g-20261122T030000-debug2.txt", "g-20261122T030100-debug2.txt"};
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	for (int i = 0; i < 2; i++) {
		memset(&ds[i], 0, sizeof ds[i]);
		gor(&ds[i], 20 + 10 * i, "chan send", SEND("main.s", "20"));
		add_debug1(l, 20 + 10 * i, d1[i]);
		add_named(l, &ds[i], d2[i]);
	}
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	int64_t c[4];
	const hs_leak *k = send_leak(l, c, 4);
	assert_int_equal(k->npoints, 2);
	assert_int_equal(c[0], 20);
	assert_int_equal(c[1], 30);
	assert_string_equal(k->points[1].file, d2[1]);
	assert_int_equal(k->severity, HS_SEV_HIGH);
	hs_leak_summary sum;
	hs_leaks_summary(l, &sum);
	assert_int_equal(sum.goroutine_snapshots, 2);
	assert_int_equal(sum.goroutines_first, 20);
	assert_int_equal(sum.goroutines_last, 30);
	const char *dropped, *used;
	assert_int_equal(hs_leaks_nfiles(l), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(hs_leaks_twin(l, i, &dropped, &used), i % 2 == 0);
		if (i % 2 == 0) {
			assert_string_equal(dropped, d1[i / 2]);
			assert_string_equal(used, d2[i / 2]);
		}
	}
	hs_leaks_free(l);
	l = hs_leaks_new(NULL, &e);
	add_named(l, &ds[0], "x-20261122T030000.txt");
	add_named(l, &ds[1], "y-20261122T030000.txt");
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	hs_leaks_summary(l, &sum);
	assert_int_equal(sum.goroutine_snapshots, 2);
	assert_false(hs_leaks_twin(l, 1, &dropped, &used));
	hs_leaks_free(l);
}

/* Heap twins: protobuf profiles at minutes 1, 2, 3 with main.leak at 100,
 * 200, 300 bytes, and a text profile of minute 2 (half a second later,
 * given last) with 5000: one snapshot with the protobuf one, so the series
 * is 100 -> 200 -> 300 over 3 heap snapshots, and the text file is named as
 * the twin of "heap-2". */
static void test_leak_heap_twins(void **state)
{
	(void)state;
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	const char *names[] = {"heap-1", "heap-2", "heap-3", "heap-2-text"};
	const int64_t leak[] = {100, 200, 300, 5000};
	for (int i = 0; i < 4; i++) {
		hs_profile p;
		tp_init(&p, "inuse_space", "bytes");
		uint32_t f = add_function(&p, "main.leak");
		uint32_t loc = add_location(&p, &f, 1);
		add_sample(&p, &loc, 1, leak[i]);
		p.format = i < 3 ? HS_FMT_PPROF : HS_FMT_HEAP_TEXT;
		p.time_nanos = (i < 3 ? i + 1 : 2) * 60000000000LL + (i < 3 ? 0 : 500000000);
		assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
		assert_int_equal(hs_leaks_add(l, &p, names[i], &e), HS_OK);
		hs_profile_release(&p);
	}
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	const hs_leak *k = leak_named(l, "main.leak");
	assert_non_null(k);
	assert_int_equal(k->npoints, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(k->points[i].value, leak[i]);
		assert_string_equal(k->points[i].file, names[i]);
	}
	hs_leak_summary sum;
	hs_leaks_summary(l, &sum);
	assert_int_equal(sum.heap_snapshots, 3);
	assert_int_equal(sum.heap_last, 300);
	const char *dropped, *used;
	assert_false(hs_leaks_twin(l, 1, &dropped, &used));
	assert_true(hs_leaks_twin(l, 3, &dropped, &used));
	assert_string_equal(dropped, "heap-2-text");
	assert_string_equal(used, "heap-2");
	hs_leaks_free(l);
}

/* Blocking evidence in time order: chan send dumps of 20 and 30 goroutines
 * stamped 03:01 and 03:00, given in that order: the 03:00 file (30) comes
 * first in the hotspot's evidence; unstamped names (no moment) keep the
 * order given. */
static void test_blocking_time_order(void **state)
{
	(void)state;
	static dump ds[2];
	const char *names[2][2] = {{"g-20261122T030100.txt", "g-20261122T030000.txt"},
	                           {"dump-x", "dump-y"}};
	for (int pass = 0; pass < 2; pass++) {
		hs_error e;
		hs_error_clear(&e);
		hs_blocking *b = hs_blocking_new(&e);
		for (int i = 0; i < 2; i++) {
			memset(&ds[i], 0, sizeof ds[i]);
			gor(&ds[i], 20 + 10 * i, "chan send", SEND("main.s", "20"));
			hs_profile p;
			load(&p, &ds[i]);
			assert_int_equal(hs_blocking_add(b, &p, names[pass][i], &e), HS_OK);
			hs_profile_release(&p);
		}
		hs_blocking_finish(b);
		assert_int_equal(hs_blocking_n(b), 1);
		const hs_wait_evidence_vec *ev = &hs_blocking_at(b, 0)->evidence;
		assert_int_equal(hs_wait_evidence_vec_len(ev), 2);
		assert_string_equal(hs_wait_evidence_vec_at(ev, 0)->file, names[pass][pass ? 0 : 1]);
		assert_int_equal(hs_wait_evidence_vec_at(ev, 0)->goroutines, pass ? 20 : 30);
		hs_blocking_free(b);
	}
}

/* With min_high 10, min_medium 5 (the dump holds 64 kB): 12 in a select
 * under a dependency called from main.handle: high blocked goroutines at
 * main.handle (the user frame was the dependency's), the chain down to
 * the dependency (the runtime frames end it).  12 in errgroup's Wait under
 * main.fetchAll: a pile-up (12 >= 10), medium, at main.fetchAll ->
 * errgroup -> sync.  12 of a pool's own loop, no frame own: the old
 * culprit, no chain.  Counts are those of the groups. */
static void test_culprit_own_goroutines(void **state)
{
	(void)state;
	dump *d = fresh();
	gor(d, 12, "select", POOL_GET);
	gor(d, 12, "semacquire", ERRGROUP_WAIT);
	gor(d, 12, "select", POOL_RUN);
	dump *ds[] = {d};
	hs_leaks *l = NULL;
	const hs_leak_opts o = {.min_high = 10, .min_medium = 5, .min_wait_minutes = 10};
	leaks_of(&l, &o, ds, 1);
	/* the pool's own loop is a worker loop (idle.h): 12 < 1000, idle */
	assert_int_equal(hs_leaks_n(l), 2);
	const hs_leak *k = leak_named(l, "main.handle");
	assert_int_equal(k->kind, HS_LEAK_BLOCKED);
	assert_int_equal(k->severity, HS_SEV_HIGH);
	assert_int_equal(k->goroutines, 12);
	assert_chain(&k->chain, "main.handle -> github.com/x/pool.(*Pool).get");
	k = leak_named(l, "main.fetchAll");
	assert_int_equal(k->kind, HS_LEAK_PILEUP);
	assert_int_equal(k->goroutines, 12);
	assert_chain(&k->chain, "main.fetchAll -> golang.org/x/sync/errgroup.(*Group).Wait -> "
	                        "sync.(*WaitGroup).Wait");
	for (size_t i = 0; i < hs_leaks_n(l); i++)
		assert_string_not_equal(hs_leaks_at(l, i)->culprit, "github.com/x/pool.(*Pool).run");
	hs_leak_summary sm;
	hs_leaks_summary(l, &sm);
	assert_int_equal(sm.biggest_group, 12);
	hs_leaks_free(l);
}

/* 150 in POOL_GET, --own naming the pool: its frames are own, and main.* stays own; the
 * innermost own frame of POOL_GET is now the pool's get, whose chain is
 * itself (only the runtime below it); POOL_RUN is named as before but now
 * as own code.  A regex that does not compile: HS_E_REGEX. */
static void test_culprit_own_override(void **state)
{
	(void)state;
	dump *d = fresh();
	gor(d, 150, "select", POOL_GET);
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	assert_non_null(l);
	assert_int_equal(hs_leaks_set_own(l, "(", &e), HS_E_REGEX);
	hs_error_clear(&e);
	assert_int_equal(hs_leaks_set_own(l, "^github\\.com/x/pool\\.", &e), HS_OK);
	hs_profile p;
	load(&p, d);
	assert_int_equal(hs_leaks_add(l, &p, "dump", &e), HS_OK);
	hs_profile_release(&p);
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 1);
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "github.com/x/pool.(*Pool).get");
	assert_int_equal(hs_leaks_at(l, 0)->chain.n, 1);
	hs_leaks_free(l);
}

/* Three heap profiles a minute apart, in-use bytes per stack:
 *   bufio.NewWriterSize <- main.openConn      0  1000  2000
 *   bufio.NewReaderSize <- main.openConn      0  1000  2000
 *   main.openConn (its own flat bytes)      100   200   300
 *   main.steady                           10000 10000 10000
 *   compress/flate.NewWriter <- github.com/x/y.Compress  0 500 1000
 * Totals 10100, 12700, 15300.  Weighed at the own frame, main.openConn
 * holds 100, 2200, 4300: growth 4200 >= 10% of 15300: high, chain of its
 * heaviest stack (writer and reader tie at 2000: the first seen, the
 * writer).  The flate stack has no own frame: its leaf, flat, as before:
 * growth 1000 < 1530: medium, no chain.  No bufio candidate. */
static void test_culprit_own_heap(void **state)
{
	(void)state;
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	assert_non_null(l);
	const int64_t v[5][3] = {{0, 1000, 2000}, {0, 1000, 2000}, {100, 200, 300},
	                         {10000, 10000, 10000}, {0, 500, 1000}};
	for (int i = 0; i < 3; i++) {
		hs_profile p;
		tp_init(&p, "inuse_space", "bytes");
		uint32_t fw = add_function(&p, "bufio.NewWriterSize"),
		         fr = add_function(&p, "bufio.NewReaderSize"),
		         fo = add_function(&p, "main.openConn"), fs = add_function(&p, "main.steady"),
		         ff = add_function(&p, "compress/flate.NewWriter"),
		         fc = add_function(&p, "github.com/x/y.Compress");
		uint32_t lw = add_location(&p, &fw, 1), lr = add_location(&p, &fr, 1),
		         lo = add_location(&p, &fo, 1), ls = add_location(&p, &fs, 1),
		         lf = add_location(&p, &ff, 1), lc = add_location(&p, &fc, 1);
		const uint32_t st[5][2] = {{lw, lo}, {lr, lo}, {lo, 0}, {ls, 0}, {lf, lc}};
		const size_t depth[5] = {2, 2, 1, 1, 2};
		for (int k = 0; k < 5; k++)
			if (v[k][i])
				add_sample(&p, st[k], depth[k], v[k][i]);
		add_heap_at(l, &p, i);
	}
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 2);
	const hs_leak *k = hs_leaks_at(l, 0);
	assert_string_equal(k->culprit, "main.openConn");
	assert_int_equal(k->severity, HS_SEV_HIGH);
	assert_int_equal(k->weight, 4200);
	assert_int_equal(k->first, 100);
	assert_int_equal(k->last, 4300);
	assert_int_equal(k->points[1].value, 2200);
	assert_chain(&k->chain, "main.openConn -> bufio.NewWriterSize");
	k = hs_leaks_at(l, 1);
	assert_string_equal(k->culprit, "compress/flate.NewWriter");
	assert_int_equal(k->severity, HS_SEV_MEDIUM);
	assert_int_equal(k->weight, 1000);
	assert_int_equal(k->chain.n, 0);
	hs_leaks_free(l);
}

/* A mutex profile: sync.runtime_SemacquireMutex <- [sync.(*Mutex).Lock
 * inlined into github.com/x/db.(*Conn).Query] <- main.query, 3
 * contentions.  The hotspot is main.query (the user frame was the
 * dependency's), chain down to Lock, marked inline; the runtime leaf is
 * not shown.  With --own on the db package, the culprit is Query. */
static void blocking_query(const char *own, const char *culprit, const char *chain)
{
	hs_profile p;
	contention_init(&p);
	uint32_t fs = add_function(&p, "sync.runtime_SemacquireMutex");
	uint32_t fq[2] = {add_function(&p, "sync.(*Mutex).Lock"),
	                  add_function(&p, "github.com/x/db.(*Conn).Query")};
	uint32_t fm = add_function(&p, "main.query");
	uint32_t locs[3] = {add_location(&p, &fs, 1), add_location(&p, fq, 2),
	                    add_location(&p, &fm, 1)};
	int64_t *v = hs_profile_begin_sample(&p);
	v[0] = 3;
	v[1] = 300;
	for (int k = 0; k < 3; k++)
		hs_profile_push_location(&p, locs[k]);
	hs_profile_end_sample(&p);
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
	hs_blocking *bl = hs_blocking_new(&e);
	assert_non_null(bl);
	if (own)
		assert_int_equal(hs_blocking_set_own(bl, own, &e), HS_OK);
	assert_int_equal(hs_blocking_add(bl, &p, "mutex", &e), HS_OK);
	hs_blocking_finish(bl);
	assert_int_equal(hs_blocking_n(bl), 1);
	assert_string_equal(hs_blocking_at(bl, 0)->culprit, culprit);
	assert_int_equal(hs_blocking_at(bl, 0)->contentions, 3);
	assert_chain(&hs_blocking_at(bl, 0)->chain, chain);
	hs_blocking_free(bl);
	hs_profile_release(&p);
}

static void test_culprit_own_blocking(void **state)
{
	(void)state;
	blocking_query(NULL, "main.query",
	               "main.query -> github.com/x/db.(*Conn).Query -> sync.(*Mutex).Lock (inline)");
	blocking_query("^github\\.com/x/db\\.", "github.com/x/db.(*Conn).Query",
	               "github.com/x/db.(*Conn).Query -> sync.(*Mutex).Lock (inline)");
}

/* ---- idle loops, creators, mechanisms, confidence (leaks.h, idle.h) ---- */

#define LOOP(fn, creator)                                                                          \
	"runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"                                   \
	"runtime.selectgo(0x0)\n\t/go/src/runtime/select.go:328 +0x1\n" fn                            \
	"()\n\t/src/main.go:40 +0x1\ncreated by " creator "\n\t/src/main.go:90 +0x1\n"

/* A worker loop (select at the goroutine's entry) at 1-minute name stamps
 * 03:00, 03:01, 03:02 with `counts` goroutines; the candidates. */
static hs_leaks *loop_series(const int *counts, const char *creator)
{
	static dump ds[3];
	char body[1024];
	snprintf(body, sizeof body, LOOP("main.loop", "%s"), creator);
	const char *names[] = {"g-20261122T030000.txt", "g-20261122T030100.txt",
	                       "g-20261122T030200.txt"};
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	assert_non_null(l);
	for (int i = 0; i < 3; i++) {
		memset(&ds[i], 0, sizeof ds[i]);
		gor(&ds[i], counts[i], "select", body);
		add_named(l, &ds[i], names[i]);
	}
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	return l;
}

/* 16 workers in each of three dumps: idle, no candidate, and the summary
 * says so (flat at 16, the biggest wait group a worker loop).  4 -> 9 ->
 * 13 (up 9 < 10): idle.  4 -> 9 -> 14 (up 10, never falling): a candidate,
 * medium from 14 goroutines raised to high by growth; it rose in two
 * steps over three snapshots: confidence high; 5 per minute over the
 * stamps' 2 minutes; a goroutine leak (one per call of main.newCache in
 * words), and so when main.main started them. */
static void test_leak_idle_loop(void **state)
{
	(void)state;
	hs_leaks *l = loop_series((const int[]){16, 16, 16}, "main.main");
	assert_int_equal(hs_leaks_n(l), 0);
	hs_leak_summary sm;
	hs_leaks_summary(l, &sm);
	assert_true(sm.goroutines_flat);
	assert_int_equal(sm.goroutines_first, 16);
	assert_int_equal(sm.biggest_group, 16);
	assert_int_equal(sm.biggest_idle, HS_IDLE_WORKER_LOOP);
	hs_leaks_free(l);

	l = loop_series((const int[]){4, 9, 13}, "main.newCache");
	assert_int_equal(hs_leaks_n(l), 0);
	hs_leaks_summary(l, &sm);
	assert_false(sm.goroutines_flat);
	hs_leaks_free(l);

	l = loop_series((const int[]){4, 9, 14}, "main.newCache");
	assert_int_equal(hs_leaks_n(l), 1);
	const hs_leak *k = hs_leaks_at(l, 0);
	assert_int_equal(k->severity, HS_SEV_HIGH);
	assert_int_equal(k->confidence, HS_CONF_HIGH);
	assert_int_equal(k->idle, HS_IDLE_WORKER_LOOP);
	assert_int_equal(k->mechanism, HS_MECH_GOROUTINE_LEAK);
	assert_true(k->has_rate);
	assert_true(fabs(k->per_min - 5.0) < 1e-9);
	hs_leaks_free(l);

	l = loop_series((const int[]){4, 9, 14}, "main.main");
	assert_int_equal(hs_leaks_n(l), 1);
	assert_int_equal(hs_leaks_at(l, 0)->mechanism, HS_MECH_GOROUTINE_LEAK);
	hs_leaks_free(l);
}

/* 150 goroutines waiting in main.expire's select one call below their
 * entry (main.run), created by main.startExpiry.  A heap profile's stack
 * holds main.startExpiry with its callers: runtime.makechan <-
 * main.startExpiry <- main.newLocalCache <- main.(*api).getItems <-
 * net/http.HandlerFunc.ServeHTTP <- net/http.(*conn).serve.  Who calls the
 * creator: getItems -> newLocalCache -> startExpiry (the own frames, up
 * to net/http), under net/http's server: one per request, a goroutine
 * leak.  Without the heap profile: no callers, not per request. */
static void test_leak_creators(void **state)
{
	(void)state;
	const char *body = "runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:364 +0x1\n"
	                   "runtime.selectgo(0x0)\n\t/go/src/runtime/select.go:328 +0x1\n"
	                   "main.expire()\n\t/src/main.go:40 +0x1\n"
	                   "main.run()\n\t/src/main.go:45 +0x1\n"
	                   "created by main.startExpiry\n\t/src/main.go:90 +0x1\n";
	for (int with_heap = 0; with_heap < 2; with_heap++) {
		dump *d = fresh();
		gor(d, 150, "select", body);
		hs_error e;
		hs_error_clear(&e);
		hs_leaks *l = hs_leaks_new(NULL, &e);
		assert_non_null(l);
		add_named(l, d, "goroutines.txt");
		if (with_heap) {
			hs_profile p;
			tp_init(&p, "inuse_space", "bytes");
			const char *fn[] = {"runtime.makechan", "main.startExpiry", "main.newLocalCache",
			                    "main.(*api).getItems", "net/http.HandlerFunc.ServeHTTP",
			                    "net/http.(*conn).serve"};
			uint32_t locs[6];
			for (int i = 0; i < 6; i++) {
				uint32_t f = add_function(&p, fn[i]);
				locs[i] = add_location(&p, &f, 1);
			}
			add_sample(&p, locs, 6, 4096);
			hs_error_clear(&e);
			assert_int_equal(hs_profile_finish(&p, &e), HS_OK);
			assert_int_equal(hs_leaks_add(l, &p, "heap.pb.gz", &e), HS_OK);
			hs_profile_release(&p);
		}
		assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
		assert_int_equal(hs_leaks_n(l), 1);
		const hs_leak *k = hs_leaks_at(l, 0);
		assert_string_equal(k->created_by, "main.startExpiry");
		assert_int_equal(k->mechanism, HS_MECH_GOROUTINE_LEAK);
		assert_int_equal(k->confidence, HS_CONF_LOW);   /* one snapshot's size */
		if (with_heap) {
			assert_chain(&k->creators,
			             "main.(*api).getItems -> main.newLocalCache -> main.startExpiry");
			assert_string_equal(k->creators_file, "heap.pb.gz");
			assert_true(k->per_request);
		} else {
			assert_int_equal(k->creators.n, 0);
			assert_false(k->per_request);
		}
		hs_leaks_free(l);
	}
}

/* A pile-up of 100 on a sync.Mutex: lock contention.  Heap growth
 * (heap_growth's main.leak, 0 -> 100 -> 200) beside two dumps of 16
 * flat workers: retention with the goroutine count flat at 16; with 16
 * then 40 goroutines beside it: not flat. */
static void test_leak_mechanisms(void **state)
{
	(void)state;
	hs_leaks *l = NULL;
	leaks_groups(&l, 1, (const int[]){100}, NULL,
	             (const char *const[]){MUTEX("main.locker", "main.spawn")});
	assert_int_equal(hs_leaks_n(l), 1);
	assert_int_equal(hs_leaks_at(l, 0)->mechanism, HS_MECH_LOCK_CONTENTION);
	hs_leaks_free(l);

	for (int flat = 0; flat < 2; flat++) {
		hs_error e;
		hs_error_clear(&e);
		assert_non_null(l = hs_leaks_new(NULL, &e));
		for (int i = 0; i < 2; i++) {
			dump *d = fresh();
			gor(d, flat || i == 0 ? 16 : 40, "select", LOOP("main.loop", "main.main"));
			add_named(l, d, i ? "g-2.txt" : "g-1.txt");
		}
		add_leak_heaps(l, (const int64_t[]){0, 100, 200}, (const int64_t[]){1800, 1800, 1800});
		assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
		const hs_leak *k = leak_named(l, "main.leak");
		assert_non_null(k);
		assert_int_equal(k->mechanism, HS_MECH_RETENTION);
		assert_int_equal(k->confidence, HS_CONF_HIGH);   /* rose in both steps */
		assert_int_equal(k->goroutine_snapshots, 2);
		assert_int_equal(k->goroutines_first, 16);
		assert_int_equal(k->goroutines_last, flat ? 16 : 40);
		assert_int_equal(k->goroutines_flat, flat);
		hs_leaks_free(l);
	}
}

/* Dumps at 03:00, 03:01, 03:02 of 100, 150, 200 goroutines in select
 * running `body`. */
static void add_growing_loop(hs_leaks *l, const char *body)
{
	for (int i = 0; i < 3; i++) {
		dump *d = fresh();
		gor(d, 100 + 50 * i, "select", body);
		char name[32];
		snprintf(name, sizeof name, "g-20261122T03%02d00.txt", i);
		add_named(l, d, name);
	}
}

/* 100 -> 150 -> 200 goroutines in main.loop, created by main.newCache,
 * beside heap growth at main.newCache (0 -> 100 -> 2000 of 3800: high):
 * both high; the heap growth follows from the group (its goroutines keep
 * what their creator allocated) and ranks after it, though its weight
 * (bytes) is larger.  Without the group's creator matching, bytes first. */
static void test_leak_follows(void **state)
{
	(void)state;
	for (int match = 0; match < 2; match++) {
		hs_error e;
		hs_error_clear(&e);
		hs_leaks *l = hs_leaks_new(NULL, &e);
		char body[1024];
		snprintf(body, sizeof body, LOOP("main.loop", "%s"), match ? "main.leak" : "main.other");
		add_growing_loop(l, body);
		add_leak_heaps(l, (const int64_t[]){0, 100, 2000}, (const int64_t[]){1800, 1800, 1800});
		assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
		assert_int_equal(hs_leaks_n(l), 2);
		const hs_leak *heap = leak_named(l, "main.leak");
		assert_int_equal(heap->severity, HS_SEV_HIGH);
		if (match) {
			assert_string_equal(heap->follows, "main.loop");
			assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.loop");
		} else {
			assert_null(heap->follows);
			assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.leak");
		}
		hs_leaks_free(l);
	}
}

/* Three heap profiles (inuse_objects, inuse_space) at minutes 0, 1, 2:
 * a cache built per call of main.newCache under main.handler (one 512 B
 * header and 10 parts of 64 B each, 100 -> 200 -> 300 caches: per
 * instance, instances.h), one 64 B object under main.startLoop called by
 * main.newCache (the stack that shows who calls the creator), and a flat
 * 18000 B at main.steady. */
static void add_cache_heaps(hs_leaks *l)
{
	for (int i = 0; i < 3; i++) {
		hs_profile p;
		tp_init(&p, "inuse_objects", "count");
		hs_value_type *vt = hs_vec_push(&p.sample_types, 1);
		vt->type = hs_profile_intern(&p, "inuse_space", strlen("inuse_space"));
		vt->unit = hs_profile_intern(&p, "bytes", strlen("bytes"));
		uint32_t fc = add_function(&p, "main.newCache"), fh = add_function(&p, "main.handler");
		uint32_t fs = add_function(&p, "main.startLoop"), ft = add_function(&p, "main.steady");
		uint32_t lc = add_location(&p, &fc, 1), lh = add_location(&p, &fh, 1);
		uint32_t ls = add_location(&p, &fs, 1), lt = add_location(&p, &ft, 1);
		const struct {
			uint32_t locs[3];
			size_t n;
			int64_t objects, size;
		} s[] = {{{lc, lh}, 2, 100 * (i + 1), 512}, {{lc, lh}, 2, 1000 * (i + 1), 64},
		         {{ls, lc, lh}, 3, 1, 64}, {{lt}, 1, 1, 18000}};
		for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
			int64_t *v = hs_profile_begin_sample(&p);
			v[0] = s[k].objects;
			v[1] = s[k].objects * s[k].size;
			for (size_t j = 0; j < s[k].n; j++)
				hs_profile_push_location(&p, s[k].locs[j]);
			hs_profile_end_sample(&p);
		}
		add_heap_at(l, &p, i);
	}
}

/* One finding (leaks.h): 100 -> 150 -> 200 goroutines in main.loop
 * created by main.startLoop, which the heap profiles show called by
 * main.newCache, built per instance (100 -> 300 caches of 11 objects,
 * 1152 B, 10 parts): the group carries the heap candidate as builds, and
 * it is not listed apart; one candidate.  With the group created by
 * main.other (no stack has main.newCache calling it), and with the
 * creator main.newCache itself, the same check: apart, then joined. */
static void test_leak_builds(void **state)
{
	(void)state;
	const char *creator[] = {"main.other", "main.startLoop", "main.newCache"};
	for (int c = 0; c < 3; c++) {
		hs_error e;
		hs_error_clear(&e);
		hs_leaks *l = hs_leaks_new(NULL, &e);
		char body[1024];
		snprintf(body, sizeof body, LOOP("main.loop", "%s"), creator[c]);
		add_growing_loop(l, body);
		add_cache_heaps(l);
		assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
		const hs_leak *g = leak_named(l, "main.loop");
		if (c == 0) {
			assert_int_equal(hs_leaks_n(l), 2);
			assert_null(g->builds);
			const hs_leak *h = leak_named(l, "main.newCache");
			assert_non_null(h->instances);
			hs_leaks_free(l);
			continue;
		}
		assert_int_equal(hs_leaks_n(l), 1);
		assert_non_null(g->builds);
		assert_string_equal(g->builds->culprit, "main.newCache");
		assert_int_equal(g->builds->instances->first, 100);
		assert_int_equal(g->builds->instances->last, 300);
		assert_int_equal(g->builds->instances->objects_per_instance, 11);
		assert_int_equal(g->builds->instances->parts_per_instance, 10);
		assert_int_equal(g->builds->instances->bytes_per_instance, 1152);
		assert_int_equal(g->severity, HS_SEV_HIGH);
		assert_int_equal(g->mechanism, HS_MECH_GOROUTINE_LEAK);
		hs_leaks_free(l);
	}
}

/* 100 -> 150 -> 200 goroutines in main.leak (created by main.other)
 * beside heap growth at main.leak itself (0 -> 100 -> 2000 of 3800): the
 * goroutines' own memory, so one candidate, the group (leaks.h). */
static void test_leak_group_heap(void **state)
{
	(void)state;
	hs_error e;
	hs_error_clear(&e);
	hs_leaks *l = hs_leaks_new(NULL, &e);
	add_growing_loop(l, LOOP("main.leak", "main.other"));
	add_leak_heaps(l, (const int64_t[]){0, 100, 2000}, (const int64_t[]){1800, 1800, 1800});
	assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
	assert_int_equal(hs_leaks_n(l), 1);
	assert_true(hs_leak_kind_is_group(hs_leaks_at(l, 0)->kind));
	assert_string_equal(hs_leaks_at(l, 0)->culprit, "main.leak");
	assert_int_equal(hs_leaks_at(l, 0)->weight, 200);
	hs_leaks_free(l);
}

/* Heap at runtime.malg alone (no own-code frame: a Go heap profile cuts
 * newproc1's stack at systemstack) 0 -> 100 -> 2000 of 3800, beside
 * main.steady.  With main.loop growing 100 -> 150 -> 200 it is those
 * goroutines' own memory: folded into the group as its library heap, no
 * candidate of its own; with no goroutines it stays, at severity low
 * (leaks.h, library heap). */
static void test_leak_library_heap(void **state)
{
	(void)state;
	for (int group = 0; group < 2; group++) {
		hs_error e;
		hs_error_clear(&e);
		hs_leaks *l = hs_leaks_new(NULL, &e);
		if (group)
			add_growing_loop(l, LOOP("main.loop", "main.other"));
		const int64_t malg[] = {0, 100, 2000};
		for (int i = 0; i < 3; i++) {
			hs_profile p;
			tp_init(&p, "inuse_space", "bytes");
			uint32_t fm = add_function(&p, "runtime.malg"), fs = add_function(&p, "main.steady");
			uint32_t lm = add_location(&p, &fm, 1), ls = add_location(&p, &fs, 1);
			if (malg[i])
				add_sample(&p, &lm, 1, malg[i]);
			add_sample(&p, &ls, 1, 1800);
			add_heap_at(l, &p, i);
		}
		assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
		assert_int_equal(hs_leaks_n(l), 1);
		const hs_leak *k = hs_leaks_at(l, 0);
		if (group) {
			assert_string_equal(k->culprit, "main.loop");
			assert_int_equal(k->lib_heap_sites, 1);
			assert_string_equal(k->lib_heap_site, "runtime.malg");
			assert_int_equal(k->lib_heap_first, 0);
			assert_int_equal(k->lib_heap_last, 2000);
		} else {
			assert_string_equal(k->culprit, "runtime.malg");
			assert_int_equal(k->severity, HS_SEV_LOW);
		}
		hs_leaks_free(l);
	}
}

/* Confidence of a channel group over dumps: 100 -> 150 -> 200: high; 300
 * flat in two dumps: low; the same waiting 10 minutes or more in both:
 * medium; one dump: low. */
static void test_leak_confidence(void **state)
{
	(void)state;
	static dump ds[3];
	struct {
		int n, counts[3];
		const char *state;
		hs_confidence want;
	} cases[] = {
		{3, {100, 150, 200}, "chan send", HS_CONF_HIGH},
		{2, {300, 300, 0}, "chan send", HS_CONF_LOW},
		{2, {300, 300, 0}, "chan send, 12 minutes", HS_CONF_MEDIUM},
		{1, {500, 0, 0}, "chan send, 60 minutes", HS_CONF_LOW},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		hs_error e;
		hs_error_clear(&e);
		hs_leaks *l = hs_leaks_new(NULL, &e);
		char name[32];
		for (int i = 0; i < cases[c].n; i++) {
			memset(&ds[i], 0, sizeof ds[i]);
			gor(&ds[i], cases[c].counts[i], cases[c].state, SEND("main.s", "20"));
			snprintf(name, sizeof name, "g-20261122T03%02d00.txt", i);
			add_named(l, &ds[i], name);
		}
		assert_int_equal(hs_leaks_finish(l, &e), HS_OK);
		const hs_leak *k = leak_named(l, "main.s");
		assert_non_null(k);
		if (k->confidence != cases[c].want)
			fail_msg("case %zu: confidence %s", c, hs_confidence_name(k->confidence));
		hs_leaks_free(l);
	}
}

/* ---- gctrace verdicts ---------------------------------------------------- */

#define MiB ((int64_t)1 << 20)

/* A run of n GCs a minute apart with live heaps live[i] MB, cpu% on the
 * last line, the first GC's clock phases a+1+b ms, `forced` of them forced. */
static void gc_run(hs_gc_run *r, const int *live, int n, int cpu, double a, double b,
                   int forced)
{
	static char text[8192];
	size_t len = 0;
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		                        "gc %d @%d.0s %d%%: %.1f+1+%.1f ms clock, 1+1/1/1+1 ms cpu, "
		                        "%d->%d->%d MB, %d MB goal, 4 P%s\n",
		                        i + 1, 60 * i, cpu, i ? 0.1 : a, i ? 0.1 : b, live[i] + 1,
		                        live[i] + 1, live[i], 2 * live[i], i < forced ? " (forced)" : "");
	hs_gctrace t;
	hs_error e;
	hs_gctrace_init(&t);
	hs_error_clear(&e);
	assert_int_equal(hs_gctrace_parse(&t, (const uint8_t *)text, len, true, &e), HS_OK);
	hs_gctrace_run(&t, 0, 0, r);
	hs_gctrace_release(&t);
}

/* Leak suspect: 5 GCs or more, slope > 0, mean of the last quarter >= 1.5 x
 * the first quarter's and 4 MB more.  8 GCs: quarters of 2. */
static void test_gc_leak(void **state)
{
	(void)state;
	hs_gc_run r;
	/* 100 -> 125 MB: ratio 1.25, not a suspect */
	gc_run(&r, (const int[]){100, 100, 100, 100, 125, 125, 125, 125}, 8, 5, 0.1, 0.1, 0);
	assert_false(r.leak_suspect);
	/* 100 -> 150: exactly 1.5 */
	gc_run(&r, (const int[]){100, 100, 120, 130, 140, 140, 150, 150}, 8, 5, 0.1, 0.1, 0);
	assert_true(r.leak_suspect);
	/* 10, 10 ... 16, 16: quarters 10 -> 16 (1.6, 6 MB) a suspect; halves
	 * (12 -> 15, 1.25) would not be */
	gc_run(&r, (const int[]){10, 10, 14, 14, 14, 14, 16, 16}, 8, 5, 0.1, 0.1, 0);
	assert_true(r.leak_suspect);
	/* 2 -> 6 MB: ratio 3, exactly 4 MB more; 2 -> 5: 3 MB more, no */
	gc_run(&r, (const int[]){2, 2, 3, 4, 5, 5, 6, 6}, 8, 5, 0.1, 0.1, 0);
	assert_true(r.leak_suspect);
	gc_run(&r, (const int[]){2, 2, 3, 4, 4, 4, 5, 5}, 8, 5, 0.1, 0.1, 0);
	assert_false(r.leak_suspect);
	/* 5 GCs (quarter 1): 10 -> 40; 4 GCs are too few */
	gc_run(&r, (const int[]){10, 20, 30, 35, 40}, 5, 5, 0.1, 0.1, 0);
	assert_true(r.leak_suspect);
	gc_run(&r, (const int[]){10, 20, 30, 40}, 4, 5, 0.1, 0.1, 0);
	assert_false(r.leak_suspect);
}

/* GC thrash from 25% of CPU (the last line's); a long pause from 100 ms of
 * stop-the-world (first + last clock phase); forced GCs counted. */
static void test_gc_thrash_pause(void **state)
{
	(void)state;
	const int flat[] = {10, 10, 10, 10, 10, 10};
	hs_gc_run r;
	gc_run(&r, flat, 6, 25, 0.1, 0.1, 2);
	assert_true(r.gc_thrash);
	assert_false(r.long_pause);
	assert_false(r.leak_suspect);
	assert_int_equal(r.forced, 2);
	assert_int_equal(r.live_max, 10 * MiB);
	gc_run(&r, flat, 6, 24, 60.0, 40.0, 0);
	assert_false(r.gc_thrash);
	assert_true(r.long_pause);
	assert_true(fabs(r.stw_max_ms - 100.0) < 1e-9);
	assert_int_equal(r.forced, 0);
	gc_run(&r, flat, 6, 24, 59.9, 40.0, 0);
	assert_false(r.long_pause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_key),
		cmocka_unit_test(test_group_merge),
		cmocka_unit_test(test_group_waits),
		cmocka_unit_test(test_leak_defaults),
		cmocka_unit_test(test_leak_blocked),
		cmocka_unit_test(test_leak_benign),
		cmocka_unit_test(test_leak_pileup),
		cmocka_unit_test(test_leak_growth),
		cmocka_unit_test(test_leak_created_by),
		cmocka_unit_test(test_leak_rank),
		cmocka_unit_test(test_leak_heap),
		cmocka_unit_test(test_leak_heap_noise),
		cmocka_unit_test(test_leak_retainers),
		cmocka_unit_test(test_blocking_snapshots),
		cmocka_unit_test(test_blocking_delay),
		cmocka_unit_test(test_blocking_lock_sides),
		cmocka_unit_test(test_leak_time_order),
		cmocka_unit_test(test_leak_twins),
		cmocka_unit_test(test_leak_heap_twins),
		cmocka_unit_test(test_blocking_time_order),
		cmocka_unit_test(test_culprit_own_goroutines),
		cmocka_unit_test(test_culprit_own_override),
		cmocka_unit_test(test_culprit_own_heap),
		cmocka_unit_test(test_culprit_own_blocking),
		cmocka_unit_test(test_leak_idle_loop),
		cmocka_unit_test(test_leak_creators),
		cmocka_unit_test(test_leak_mechanisms),
		cmocka_unit_test(test_leak_confidence),
		cmocka_unit_test(test_leak_follows),
		cmocka_unit_test(test_leak_builds),
		cmocka_unit_test(test_leak_group_heap),
		cmocka_unit_test(test_leak_library_heap),
		cmocka_unit_test(test_gc_leak),
		cmocka_unit_test(test_gc_thrash_pause),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
