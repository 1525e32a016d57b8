/* Goroutines of cores of a cgo program, and of goroutines running when
 * the core was taken (src/formats/core_goroutines.c), on testdata/core/cgo/
 * (GOMAXPROCS=8, more Ps than CPUs) and testdata/core/cgo1/
 * (GOMAXPROCS=1), written by testdata/gen/generate-corecgo.sh from one run
 * of testdata/gen/corecgo each (go1.19.8, amd64, cgo, dynamically linked
 * against libc): goroutines parked in Go, two blocked inside a C call
 * (pthread_cond_wait: state syscall), two spinning in Go, a thread made by
 * C, and the printing goroutine stopped by gdb inside
 * runtime.setGCPercent.func1, on its thread's g0 stack (systemstack).
 * core.core.zst is gdb's gcore at that stop; kernel.core.zst the kernel's
 * core after gdb delivered SIGQUIT to that thread under GOTRACEBACK=crash,
 * every Go thread then inside the runtime's signal handler on its gsignal
 * stack.  Sources of the expected values:
 *   - crash.txt: what the runtime printed for that SIGQUIT, every goroutine
 *     with every frame (GOTRACEBACK=crash): the running ones from the
 *     registers the signal interrupted (signal_unix.go, sighandler), the
 *     one on g0 from g.sched (tracebackothers); the gcore was taken at the
 *     same gdb stop, before the signal (the spinners' loop is two
 *     instructions: the same pc);
 *   - stack.txt: the program's own runtime.Stack(buf, true), printed before
 *     the spinners were released: the goroutines but the spinners and the
 *     printing one are unchanged since (counts.json names them);
 *   - gdb-goroutines.txt, kernel-gdb-goroutines.txt: gdb's `info
 *     goroutines` (runtime-gdb.py) of each core: ids and the states
 *     running, runnable, syscall;
 *   - counts.json: the goroutine ids the program put in C and spinning,
 *     the printing one, GOMAXPROCS;
 *   - the core changed in place (test_g0_syscall_context), against its
 *     own text before the change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/core.h"
#include "core_poke.h"

#define TD SOURCE_ROOT "/testdata/core/"
#define MAX_G 64

typedef struct gblock {
	long id;
	char *text;        /* header and frames, arguments as "(...)" */
} gblock;

typedef struct run {
	const char *dir;
	hs_core *gcore, *kernel;
	char *counts;
} run;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: cannot open", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	return b;
}

static const char *in(const run *r, const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s%s/%s", TD, r->dir, name);
	return buf[k];
}

static hs_core *open_core(const char *core)
{
	hs_input input;
	hs_error e;
	hs_error_clear(&e);
	hs_core *c = NULL;
	hs_core_side side;
	assert_int_equal(hs_input_open(&input, core, 0, &e), HS_OK);
	if (hs_core_open_input(&c, &input, TD "cgo/core.exe.zst", &side, &e) != HS_OK)
		fail_msg("%s: %s", core, e.detail);
	return c;
}

/* A register line of a crash's dump ("rax    0x1", "rflags 0x246"). */
static bool register_line(const char *l, size_t len)
{
	size_t i = 0;
	while (i < len && l[i] >= 'a' && l[i] <= 'z')
		i++;
	return i >= 2 && i < len && l[i] == ' ' && strstr(l, " 0x") && strstr(l, " 0x") < l + len;
}

/* The goroutines of a traceback text as blocks: a frame's arguments
 * become "(...)", GOTRACEBACK=crash's " fp=... sp=... pc=..." goes; a
 * blank line, a register dump or "-----" ends a block.  Goroutine 0 (an
 * idle M's g0) and blocks without frames ("goroutine running on other
 * thread; stack unavailable") are left out. */
static size_t blocks(const char *text, gblock *out, size_t max)
{
	size_t n = 0;
	char *cur = NULL;
	size_t len = 0, cap = 0;
	bool keep = false;
	long id = 0;
	for (const char *l = text;; ) {
		const char *end = strchr(l, '\n');
		size_t ll = end ? (size_t)(end - l) : strlen(l);
		bool header = strncmp(l, "goroutine ", 10) == 0 && memchr(l, '[', ll);
		if (cur && (header || ll == 0 || !end || register_line(l, ll) || strncmp(l, "-----", 5) == 0)) {
			if (keep && id != 0 && n < max)
				out[n++] = (gblock){id, cur};
			else
				free(cur);
			cur = NULL;
		}
		if (header) {
			id = strtol(l + 10, NULL, 10);
			cap = 4096;
			cur = malloc(cap);
			assert_non_null(cur);
			len = 0;
			keep = true;
		}
		if (cur) {
			char line[1024];
			assert_true(ll < sizeof line);
			memcpy(line, l, ll);
			line[ll] = '\0';
			char *fp = strstr(line, " fp=0x");
			if (fp)
				*fp = '\0';
			if (strstr(line, "stack unavailable"))
				keep = false;
			size_t k = strlen(line);
			if (!header && line[0] != '\t' && strncmp(line, "created by ", 11) != 0 && k &&
			    line[k - 1] == ')') {
				char *open = strrchr(line, '(');   /* arguments hold no '(' */
				if (open)
					strcpy(open, "(...)");
			}
			k = strlen(line);
			if (len + k + 2 > cap) {
				cap = (len + k + 2) * 2;
				cur = realloc(cur, cap);
				assert_non_null(cur);
			}
			memcpy(cur + len, line, k);
			len += k;
			cur[len++] = '\n';
			cur[len] = '\0';
		}
		if (!end)
			break;
		l = end + 1;
	}
	return n;
}

static void free_blocks(gblock *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(b[i].text);
}

static const gblock *find(const gblock *b, size_t n, long id)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].id == id)
			return &b[i];
	return NULL;
}

/* fn on both cores of both runs. */
static void each_core(void **state, void (*fn)(const run *r, hs_core *c, bool kernel))
{
	run *runs = *state;
	for (int i = 0; i < 2; i++) {
		fn(&runs[i], runs[i].gcore, false);
		fn(&runs[i], runs[i].kernel, true);
	}
}

static char *goroutine_text(hs_core *c, bool system)
{
	char *t;
	size_t n;
	hs_error e;
	hs_error_clear(&e);
	if (hs_core_goroutine_text(c, system, &t, &n, &e) != HS_OK)
		fail_msg("%s", e.detail);
	return t;
}

/* Every goroutine, every frame, line and pc offset, as the runtime printed
 * it on SIGQUIT: crash.txt's blocks of one goroutine agree, and the core's
 * goroutines are crash.txt's. */
static void equals_crash(const run *r, hs_core *c, bool kernel)
{
	(void)kernel;
	static gblock want[4 * MAX_G], got[MAX_G];
	char *crash = slurp(in(r, "crash.txt"));
	char *text = goroutine_text(c, true);
	size_t nw = blocks(crash, want, 4 * MAX_G), ng = blocks(text, got, MAX_G);
	size_t distinct = 0;
	for (size_t i = 0; i < nw; i++) {
		const gblock *first = find(want, nw, want[i].id);
		assert_string_equal(want[i].text, first->text);
		distinct += first == &want[i];
	}
	assert_int_equal(ng, distinct);
	for (size_t i = 0; i < ng; i++) {
		const gblock *w = find(want, nw, got[i].id);
		if (!w)
			fail_msg("%s: goroutine %ld is not in crash.txt", r->dir, got[i].id);
		assert_string_equal(got[i].text, w->text);
	}
	free_blocks(want, nw);
	free_blocks(got, ng);
	free(text);
	free(crash);
}

static void test_crash_traceback(void **state)
{
	each_core(state, equals_crash);
}

/* The ids in counts.json under key. */
static size_t ids(const run *r, const char *key, long *out, size_t max)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\": [", key);
	const char *p = strstr(r->counts, k);
	assert_non_null(p);
	size_t n = 0;
	for (p += strlen(k); *p && *p != ']' && n < max;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		out[n++] = v;
		p = end;
	}
	return n;
}

static long count(const run *r, const char *key)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\": ", key);
	const char *p = strstr(r->counts, k);
	assert_non_null(p);
	return strtol(p + strlen(k), NULL, 10);
}

/* The user goroutines' text equals runtime.Stack's for those that did not
 * move since it was printed: all but the spinners and the printer. */
static void equals_stack(const run *r, hs_core *c, bool kernel)
{
	(void)kernel;
	static gblock want[MAX_G], got[MAX_G];
	char *stack = slurp(in(r, "stack.txt"));
	char *text = goroutine_text(c, false);
	size_t nw = blocks(stack, want, MAX_G), ng = blocks(text, got, MAX_G);
	long moved[8];
	size_t nm = ids(r, "running", moved, 7);
	moved[nm++] = count(r, "printer");
	assert_int_equal(ng, nw);
	assert_int_equal(ng, count(r, "goroutines"));
	size_t same = 0;
	for (size_t i = 0; i < ng; i++) {
		bool skip = false;
		for (size_t k = 0; k < nm; k++)
			skip |= got[i].id == moved[k];
		const gblock *w = find(want, nw, got[i].id);
		assert_non_null(w);
		if (!skip) {
			assert_string_equal(got[i].text, w->text);
			same++;
		}
	}
	assert_int_equal(same, ng - nm);
	free_blocks(want, nw);
	free_blocks(got, ng);
	free(text);
	free(stack);
}

static void test_runtime_stack(void **state)
{
	each_core(state, equals_stack);
}

/* gdb's list: the same ids in the same order (the runtime's goroutines
 * too), and where gdb says running, runnable or syscall, the same state. */
static void equals_gdb(const run *r, hs_core *c, bool kernel)
{
	char *gdb = slurp(in(r, kernel ? "kernel-gdb-goroutines.txt" : "gdb-goroutines.txt"));
	char *text = goroutine_text(c, true);
	const char *line = gdb;
	int n = 0;
	for (const char *g = text; (g = strstr(g, "goroutine ")) != NULL; g++) {
		if (g != text && g[-1] != '\n')
			continue;
		char *end;
		long id = strtol(g + 10, &end, 10);
		long want = strtol(line + 1, &end, 10);   /* "* 1 running ..." or "  1 waiting ..." */
		assert_int_equal(id, want);
		while (*end == ' ')
			end++;
		const char *state = strchr(g, '[') + 1;
		static const char *const named[] = {"running", "runnable", "syscall"};
		for (int k = 0; k < 3; k++)
			if (strncmp(end, named[k], strlen(named[k])) == 0 && end[strlen(named[k])] == ' ')
				assert_memory_equal(state, named[k], strlen(named[k]));
		line = strchr(end, '\n');
		assert_non_null(line);
		line++;
		n++;
	}
	assert_int_equal(*line, '\0');
	assert_true(n > 12);
	free(text);
	free(gdb);
}

static void test_gdb(void **state)
{
	each_core(state, equals_gdb);
}

/* What the program did: its goroutines in C are in a syscall inside
 * main.inC's C call; its spinners run (one P is the printer's at
 * GOMAXPROCS=1: there they wait for it); the printer runs, on g0, its
 * stack from debug.SetGCPercent. */
static void program_did(const run *r, hs_core *c, bool kernel)
{
	(void)kernel;
	static gblock got[MAX_G];
	char *text = goroutine_text(c, false);
	size_t ng = blocks(text, got, MAX_G);
	long v[8];
	size_t nc = ids(r, "in_c", v, 8);
	assert_int_equal(nc, 2);
	for (size_t j = 0; j < nc; j++) {
		const gblock *b = find(got, ng, v[j]);
		assert_non_null(b);
		assert_non_null(strstr(b->text, " [syscall]:\nmain._Cfunc_block_forever(...)\n"));
		assert_non_null(strstr(b->text, "\nmain.inC(...)\n"));
	}
	size_t ns = ids(r, "running", v, 8);
	assert_int_equal(ns, 2);
	const char *want = count(r, "gomaxprocs") > 1 ? " [running]:\nmain.spin(...)\n" : " [runnable]:\n";
	for (size_t j = 0; j < ns; j++) {
		const gblock *b = find(got, ng, v[j]);
		assert_non_null(b);
		assert_non_null(strstr(b->text, want));
	}
	const gblock *p = find(got, ng, count(r, "printer"));
	assert_non_null(p);
	assert_non_null(strstr(p->text, " [running]:\nruntime/debug.setGCPercent(...)\n"));
	assert_non_null(strstr(p->text, "\nmain.report(...)\n"));
	size_t recv = 0, cond = 0;
	for (size_t j = 0; j < ng; j++) {
		recv += strstr(got[j].text, " [chan receive]:\n") != NULL;
		cond += strstr(got[j].text, " [sync.Cond.Wait]:\n") != NULL;
	}
	assert_int_equal(recv, count(r, "chan_receive"));
	assert_int_equal(cond, count(r, "cond_wait"));
	free_blocks(got, ng);
	free(text);
}

static void test_counts(void **state)
{
	each_core(state, program_did);
}

static uint64_t member(hs_core *c, const char *type, const char *name)
{
	uint64_t off;
	uint32_t t;
	if (!hs_dwarf_member(c->dwarf, hs_dwarf_type(c->dwarf, type), name, &off, &t))
		fail_msg("%s.%s", type, name);
	return off;
}

/* The runtime.g of goroutine goid, from runtime.allgs. */
static uint64_t g_of(hs_core *c, long goid)
{
	uint64_t addr, arr, n, gp, id;
	uint32_t type;
	assert_true(hs_dwarf_global(c->dwarf, "runtime.allgs", &addr, &type));
	addr += hs_core_bias(c);
	assert_true(hs_core_read(c, addr, &arr, 8) && hs_core_read(c, addr + 8, &n, 8));
	for (uint64_t i = 0; i < n; i++)
		if (hs_core_read(c, arr + 8 * i, &gp, 8) &&
		    hs_core_read(c, gp + member(c, "runtime.g", "goid"), &id, 8) && id == (uint64_t)goid)
			return gp;
	fail_msg("goroutine %ld is not in runtime.allgs", goid);
	return 0;
}

/* A goroutine running on g0 whose syscallsp is set starts from its
 * syscall's context, as the runtime's traceback does (gentraceback
 * prefers syscallsp/pc to g.sched): the printer's g.sched moved to
 * syscallsp/pc, sched zeroed, prints the same text. */
static void test_g0_syscall_context(void **state)
{
	const run *r = *state;
	hs_core *c = r->gcore;
	uint64_t g = g_of(c, count(r, "printer"));
	static const char *const from[2] = {"sched.sp", "sched.pc"}, *const to[2] = {"syscallsp",
	                                                                           "syscallpc"};
	uint64_t saved[2][2], zero = 0, old = 0;
	char *before = goroutine_text(c, true);
	for (int i = 0; i < 2; i++) {
		assert_true(hs_core_read(c, g + member(c, "runtime.g", from[i]), &saved[i][0], 8));
		assert_true(saved[i][0] != 0);
		poke(c, g + member(c, "runtime.g", to[i]), &saved[i][0], &saved[i][1], 8);
		poke(c, g + member(c, "runtime.g", from[i]), &zero, &old, 8);
	}
	char *after = goroutine_text(c, true);
	for (int i = 0; i < 2; i++) {
		poke(c, g + member(c, "runtime.g", from[i]), &saved[i][0], &old, 8);
		poke(c, g + member(c, "runtime.g", to[i]), &saved[i][1], &old, 8);
	}
	assert_string_equal(after, before);
	free(after);
	free(before);
}

static int setup(void **state)
{
	static run runs[2] = {{.dir = "cgo"}, {.dir = "cgo1"}};
	for (int i = 0; i < 2; i++) {
		runs[i].gcore = open_core(in(&runs[i], "core.core.zst"));
		runs[i].kernel = open_core(in(&runs[i], "kernel.core.zst"));
		runs[i].counts = slurp(in(&runs[i], "counts.json"));
	}
	*state = runs;
	return 0;
}

static int teardown(void **state)
{
	run *runs = *state;
	for (int i = 0; i < 2; i++) {
		hs_core_close(runs[i].gcore);
		hs_core_close(runs[i].kernel);
		free(runs[i].counts);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_traceback),
		cmocka_unit_test(test_runtime_stack),
		cmocka_unit_test(test_gdb),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_g0_syscall_context),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
