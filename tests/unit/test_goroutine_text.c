/* The goroutine dump loader on small hand-written dumps: every header,
 * frame and section form, dumps inside logs and concatenated, truncated
 * dumps, and the inputs it must refuse.  Expected values are read off the
 * dumps by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"

static hs_profile prof;
static hs_error err;

/* Load n bytes of text into prof (err: its error). */
static hs_err load_n(const char *text, size_t n)
{
	hs_profile_release(&prof);
	hs_error_clear(&err);
	return hs_goroutine_text_decode(&prof, (const uint8_t *)text, n, &err);
}

static hs_err load(const char *text)
{
	return load_n(text, strlen(text));
}

static void load_ok(const char *text)
{
	hs_err rc = load(text);
	if (rc != HS_OK)
		fail_msg("load failed: %d %s at %u:%u", rc, err.detail, err.line, err.col);
}

static const hs_label *label(size_t s, const char *key)
{
	uint32_t n;
	const hs_label *l = hs_sample_labels(&prof, s, &n);
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(hs_s(&prof, l[i].key), key) == 0)
			return &l[i];
	return NULL;
}

/* A string label's value, or NULL when the sample has none. */
static const char *lstr(size_t s, const char *key)
{
	const hs_label *l = label(s, key);
	return l && l->str ? hs_s(&prof, l->str) : NULL;
}

static int64_t lnum(size_t s, const char *key)
{
	const hs_label *l = label(s, key);
	assert_non_null(l);
	assert_int_equal(l->str, 0);
	return l->num;
}

static uint32_t depth(size_t s)
{
	uint32_t n;
	hs_sample_stack(&prof, s, &n);
	return n;
}

static const hs_line *frame_line(size_t s, uint32_t k)
{
	uint32_t n;
	const uint32_t *st = hs_sample_stack(&prof, s, &n);
	assert_true(k < n);
	const hs_location *l = hs_location_at(&prof, st[k]);
	assert_int_equal(l->nlines, 1);
	return hs_line_at(&prof, l->line_start);
}

static const char *fname(size_t s, uint32_t k)
{
	return hs_s(&prof, hs_function_at(&prof, frame_line(s, k)->function)->name);
}

static const char *ffile(size_t s, uint32_t k)
{
	return hs_s(&prof, hs_function_at(&prof, frame_line(s, k)->function)->filename);
}

static int64_t fline(size_t s, uint32_t k)
{
	return frame_line(s, k)->line;
}

/* Append to the text being built in buf. */
static void appendf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static const char basic[] =
	"goroutine 1 [running]:\n"
	"main.main()\n"
	"\t/src/app/main.go:20 +0x1d\n"
	"\n"
	"goroutine 7 [chan send, 12 minutes]:\n"
	"main.(*Pool).send(0xc000010000, {0x4b2f40, 0x5})\n"
	"\t/src/app/pool.go:41 +0x5b\n"
	"main.worker(...)\n"
	"\t/src/app/pool.go:30\n"
	"created by main.start\n"
	"\t/src/app/pool.go:12 +0x8c\n"
	"\n"
	"goroutine 8 [chan send, 3 minutes, locked to thread]:\n"
	"main.(*Pool).send(0xc000010000, {0x4b2f40, 0x5})\n"
	"\t/src/app/pool.go:41 +0x5b\n"
	"main.worker(...)\n"
	"\t/src/app/pool.go:30\n"
	"created by main.start in goroutine 1\n"
	"\t/src/app/pool.go:12 +0x8c\n";

static void test_basic(void **state)
{
	(void)state;
	load_ok(basic);
	assert_int_equal(prof.format, HS_FMT_GOROUTINE_DUMP);
	assert_int_equal(hs_ntypes(&prof), 1);
	const hs_value_type *vt = hs_sample_type(&prof, 0);
	assert_string_equal(hs_s(&prof, vt->type), "goroutine");
	assert_string_equal(hs_s(&prof, vt->unit), "count");
	assert_int_equal(prof.nsamples, 3);
	for (size_t s = 0; s < 3; s++)
		assert_int_equal(hs_sample_values(&prof, s)[0], 1);
	assert_int_equal(hs_profile_total(&prof, 0), 3);

	assert_string_equal(lstr(0, "state"), "running");
	assert_int_equal(lnum(0, "wait_minutes"), 0);
	assert_int_equal(lnum(0, "dump"), 0);
	assert_null(lstr(0, "created_by"));
	assert_null(lstr(0, "locked"));
	assert_int_equal(depth(0), 1);
	assert_string_equal(fname(0, 0), "main.main");
	assert_string_equal(ffile(0, 0), "/src/app/main.go");
	assert_int_equal(fline(0, 0), 20);

	assert_string_equal(lstr(1, "state"), "chan send");
	assert_int_equal(lnum(1, "wait_minutes"), 12);
	assert_string_equal(lstr(1, "created_by"), "main.start");
	assert_string_equal(lstr(1, "created_by_loc"), "/src/app/pool.go:12");
	assert_null(label(1, "created_by_goid"));
	assert_int_equal(depth(1), 2);
	assert_string_equal(fname(1, 0), "main.(*Pool).send");   /* leaf first */
	assert_int_equal(fline(1, 0), 41);
	assert_string_equal(fname(1, 1), "main.worker");
	assert_int_equal(fline(1, 1), 30);

	assert_int_equal(lnum(2, "wait_minutes"), 3);
	assert_string_equal(lstr(2, "locked"), "true");
	assert_null(label(2, "created_by_goid"));
	assert_string_equal(lstr(2, "created_by"), "main.start");
	/* Same frames, same locations: one per (function, file, line). */
	assert_int_equal(hs_sample_stack_id(&prof, 1), hs_sample_stack_id(&prof, 2));
	assert_int_equal(prof.locations.len, 3);
	assert_int_equal(prof.functions.len, 3);
}

static void test_wait_reasons(void **state)
{
	(void)state;
	static const char *const reasons[] = {
		"chan send", "chan receive", "chan receive (nil chan)", "select", "select (no cases)",
		"sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait",
		"semacquire", "IO wait", "sleep", "syscall", "running", "runnable", "force gc (idle)",
	};
	size_t nr = sizeof reasons / sizeof reasons[0];
	char text[4096] = "";
	for (size_t i = 0; i < nr; i++)
		appendf(text, sizeof text, "goroutine %zu [%s%s]:\nmain.f%zu()\n\t/a/b.go:%zu +0x1\n\n",
		        i + 1, reasons[i], i % 2 ? ", 7 minutes" : "", i, i + 1);
	load_ok(text);
	assert_int_equal(prof.nsamples, nr);
	for (size_t i = 0; i < nr; i++) {
		assert_string_equal(lstr(i, "state"), reasons[i]);
		assert_int_equal(lnum(i, "wait_minutes"), i % 2 ? 7 : 0);
		assert_int_equal(fline(i, 0), (int64_t)i + 1);
	}
}

/* Go 1.24 crash output: gp=/m=/mp= in headers, fp=/sp=/pc= after frames,
 * a "runtime stack:" section that belongs to no goroutine, frames elided
 * in the middle. */
static void test_go124_crash(void **state)
{
	(void)state;
	load_ok("runtime: goroutine stack exceeds 1000000000-byte limit\n"
	        "fatal error: stack overflow\n"
	        "\n"
	        "runtime stack:\n"
	        "runtime.throw({0x4c7520?, 0x200000008?})\n"
	        "\truntime/panic.go:1101 +0x48 fp=0x7ffc6b27f160 sp=0x7ffc6b27f130 pc=0x468ae8\n"
	        "runtime.morestack()\n"
	        "\truntime/asm_amd64.s:621 +0x7a fp=0x7ffc6b27f2a0 sp=0x7ffc6b27f298 pc=0x46d4da\n"
	        "\n"
	        "goroutine 6 gp=0xc0000036c0 m=0 mp=0x579480 [running]:\n"
	        "main.overflow()\n"
	        "\t./so.go:54 +0x16 fp=0xc00010e3a0 sp=0xc00010e398 pc=0x4a0056\n"
	        "main.overflow()\n"
	        "\t./so.go:55 +0xf fp=0xc00010e3b0 sp=0xc00010e3a0 pc=0x4a004f\n"
	        "...864 frames elided...\n"
	        "main.overflow()\n"
	        "\t./so.go:55 +0xf fp=0xc000111cc0 sp=0xc000111cb0 pc=0x4a004f\n"
	        "created by main.main in goroutine 1\n"
	        "\t./so.go:26 +0x25\n"
	        "\n"
	        "goroutine 1 gp=0xc000002380 m=nil [sync.WaitGroup.Wait]:\n"
	        "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
	        "\truntime/proc.go:435 +0xce fp=0xc000059e50 sp=0xc000059e30 pc=0x46901e\n"
	        "main.main()\n"
	        "\t./so.go:30 +0x7c fp=0xc000059f50 sp=0xc000059f10 pc=0x49ffbc\n"
	        "\n"
	        "goroutine 2 gp=0xc0000028c0 m=nil [force gc (idle), 2 minutes]:\n"
	        "runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)\n"
	        "\truntime/proc.go:435 +0xce fp=0xc00004cfa8 sp=0xc00004cf88 pc=0x46901e\n");
	assert_int_equal(prof.nsamples, 3);
	assert_string_equal(lstr(0, "elided"), "true");
	assert_int_equal(depth(0), 3);
	assert_string_equal(fname(0, 0), "main.overflow");
	assert_string_equal(ffile(0, 0), "./so.go");
	assert_int_equal(fline(0, 0), 54);
	assert_int_equal(fline(0, 2), 55);
	/* The two "so.go:55" frames are one location. */
	uint32_t n;
	const uint32_t *st = hs_sample_stack(&prof, 0, &n);
	assert_int_equal(st[1], st[2]);
	assert_null(label(0, "created_by_goid"));
	assert_string_equal(lstr(0, "created_by_loc"), "./so.go:26");
	assert_string_equal(lstr(1, "state"), "sync.WaitGroup.Wait");
	assert_null(lstr(1, "elided"));
	assert_string_equal(fname(1, 1), "main.main");
	assert_string_equal(lstr(2, "state"), "force gc (idle)");
	assert_int_equal(lnum(2, "wait_minutes"), 2);
	/* runtime.throw and runtime.morestack are in no goroutine. */
	for (size_t i = 0; i < prof.functions.len; i++) {
		const char *f = hs_s(&prof, hs_function_at(&prof, (uint32_t)i)->name);
		assert_true(strcmp(f, "runtime.throw") != 0 && strcmp(f, "runtime.morestack") != 0);
	}
	for (size_t s = 0; s < 3; s++)
		assert_int_equal(lnum(s, "dump"), 0);
}

static void test_elided_old(void **state)
{
	(void)state;
	load_ok("goroutine 18 [running]:\n"
	        "main.stackDump(0x0)\n"
	        "\t/a/x.go:24 +0x97\n"
	        "...additional frames elided...\n"
	        "created by main.main\n"
	        "\t/a/x.go:16 +0x45\n");
	assert_int_equal(prof.nsamples, 1);
	assert_string_equal(lstr(0, "elided"), "true");
	assert_string_equal(lstr(0, "created_by"), "main.main");
	assert_int_equal(depth(0), 1);
}

static void test_paths(void **state)
{
	(void)state;
	load_ok("goroutine 1 [running]:\r\n"
	        "runtime/pprof.writeGoroutineStacks(0x14e5940, 0xc0000abc50)\r\n"
	        "\tC:/Users/felixge/pprof.go:693 +0x9f\r\n"
	        "main.main.func1()\r\n"
	        "\t/home/andrey/Рабочий стол/Дамп горутин.go:23 +0x3d\r\n"
	        "main.generic[...](0x1)\r\n"
	        "\tC:\\go\\src\\my app\\gen.go:7\r\n"
	        "main.asm()\r\n"
	        "\t?:0\r\n");
	assert_int_equal(prof.nsamples, 1);
	assert_int_equal(depth(0), 4);
	assert_string_equal(fname(0, 0), "runtime/pprof.writeGoroutineStacks");
	assert_string_equal(ffile(0, 0), "C:/Users/felixge/pprof.go");
	assert_int_equal(fline(0, 0), 693);
	assert_string_equal(ffile(0, 1), "/home/andrey/Рабочий стол/Дамп горутин.go");
	assert_int_equal(fline(0, 1), 23);
	assert_string_equal(fname(0, 2), "main.generic[...]");
	assert_string_equal(ffile(0, 2), "C:\\go\\src\\my app\\gen.go");
	assert_int_equal(fline(0, 2), 7);
	assert_string_equal(ffile(0, 3), "?");
	assert_int_equal(fline(0, 3), 0);
}

/* Goroutines alike but for their ids, argument words and creators' ids
 * are one sample counting them; a different wait time is another group. */
static void test_grouped(void **state)
{
	(void)state;
	char text[8192] = "";
	for (int i = 0; i < 30; i++)
		appendf(text, sizeof text,
		        "goroutine %d [select, %d minutes]:\n"
		        "main.wheel(0xc%06x)\n\t/a/w.go:12 +0x1\n"
		        "created by main.newCache in goroutine %d\n\t/a/c.go:40 +0x2\n\n",
		        100 + i, i < 20 ? 5 : 6, i * 64, 1000 + i);
	load_ok(text);
	assert_int_equal(prof.nsamples, 2);
	assert_int_equal(hs_sample_values(&prof, 0)[0], 20);
	assert_int_equal(hs_sample_values(&prof, 1)[0], 10);
	assert_int_equal(lnum(0, "wait_minutes"), 5);
	assert_int_equal(lnum(1, "wait_minutes"), 6);
	assert_string_equal(lstr(0, "created_by"), "main.newCache");
	assert_int_equal(hs_sample_stack_id(&prof, 0), hs_sample_stack_id(&prof, 1));
	assert_int_equal(prof.locations.len, 1);
}

static void test_ancestors(void **state)
{
	(void)state;
	load_ok("goroutine 25 [chan receive]:\n"
	        "main.bar(0x140000a4060, 0x0)\n"
	        "\t/a/anc.go:57 +0x11c\n"
	        "created by main.d1\n"
	        "\t/a/anc.go:69 +0x34\n"
	        "[originating from goroutine 24]:\n"
	        "main.d1(...)\n"
	        "\t/a/anc.go:70 +0x34\n"
	        "main.foo(...)\n"
	        "\t/a/anc.go:52 +0xec\n"
	        "created by main.d0\n"
	        "\t/a/anc.go:99 +0x34\n"
	        "[originating from goroutine 1]:\n"
	        "main.main(...)\n"
	        "\t/a/anc.go:5 +0x34\n"
	        "\n"
	        "goroutine 26 [select]:\n"
	        "main.baz()\n"
	        "\t/a/anc.go:80 +0x1\n");
	assert_int_equal(prof.nsamples, 2);
	assert_int_equal(depth(0), 1);
	assert_string_equal(fname(0, 0), "main.bar");
	assert_string_equal(lstr(0, "created_by"), "main.d1");
	assert_string_equal(lstr(0, "created_by_loc"), "/a/anc.go:69");
	assert_string_equal(lstr(0, "ancestors"), "24,1");
	assert_null(lstr(1, "ancestors"));
	assert_int_equal(lnum(1, "dump"), 0);
	/* The ancestors' frames are in no stack. */
	assert_int_equal(prof.functions.len, 2);
}

/* A dump in a log: a header after other text on its line, log lines
 * around and between dumps, a log line that looks like a frame. */
static void test_in_log(void **state)
{
	(void)state;
	load_ok("2024-05-01 12:00:00 starting\n"
	        "dumping all stacksgoroutine 1 [running]:\n"
	        "main.main()\n"
	        "\t/a/m.go:26 +0x228\n"
	        "\n"
	        "goroutine 18 [sleep, 1 minutes]:\n"
	        "time.Sleep(0x104c533c00)\n"
	        "\t/go/src/runtime/time.go:188 +0xbf\n"
	        "created by main.main\n"
	        "\t/a/m.go:12 +0x56\n"
	        "2024-05-01 12:00:01 still alive\n"
	        "^\\SIGQUIT: quit\n"
	        "PC=0x7fff739f9882 m=0 sigcode=0\n"
	        "\n"
	        "goroutine 20 [chan receive, 3 minutes]:\n"
	        "main.recv()\n"
	        "\t/a/m.go:43 +0x4d\n"
	        "looks.like(a frame)\n"
	        "but this is a log line\n"
	        "goroutine 21 [select]:\n"
	        "main.sel()\n"
	        "\t/a/m.go:50 +0x4d\n"
	        "rax    0x0\n"
	        "exit status 2\n");
	assert_int_equal(prof.nsamples, 4);
	assert_int_equal(lnum(0, "dump"), 0);
	assert_int_equal(lnum(1, "dump"), 0);
	assert_string_equal(lstr(1, "created_by"), "main.main");
	assert_int_equal(lnum(2, "dump"), 1);
	assert_int_equal(depth(2), 1);        /* "looks.like" was no frame */
	assert_null(lstr(2, "truncated"));
	assert_int_equal(lnum(3, "dump"), 2);
	assert_int_equal(prof.comments.len, 0);
}

/* Dumps appended to each other with nothing between: a goroutine id seen
 * again starts the next dump. */
static void test_concatenated(void **state)
{
	(void)state;
	const char one[] = "goroutine 1 [running]:\nmain.main()\n\t/a/m.go:1 +0x1\n\n"
	                   "goroutine 2 [select]:\nmain.w()\n\t/a/m.go:2 +0x1\n\n";
	char text[512];
	snprintf(text, sizeof text, "%s%s%s", one, one, one);
	load_ok(text);
	assert_int_equal(prof.nsamples, 6);
	for (size_t s = 0; s < 6; s++)
		assert_int_equal(lnum(s, "dump"), (int64_t)s / 2);
	assert_int_equal(prof.nstacks, 2);
}

static void test_truncated(void **state)
{
	(void)state;
	/* A function line without its file line, then a blank, then at the end. */
	load_ok("goroutine 1 [running]:\n"
	        "main.main()\n"
	        "\n"
	        "goroutine 2 [chan send]:\n"
	        "main.send(0x1)\n"
	        "\t/a/s.go:10 +0x1\n"
	        "main.loop()\n");
	assert_int_equal(prof.nsamples, 2);
	assert_string_equal(lstr(0, "truncated"), "true");
	assert_int_equal(depth(0), 1);
	assert_string_equal(fname(0, 0), "main.main");
	assert_string_equal(ffile(0, 0), "");
	assert_int_equal(fline(0, 0), 0);
	assert_string_equal(lstr(1, "truncated"), "true");
	assert_int_equal(depth(1), 2);
	assert_string_equal(fname(1, 0), "main.send");
	assert_string_equal(fname(1, 1), "main.loop");
	assert_int_equal(prof.comments.len, 1);
	const char *c = hs_s(&prof, HS_VEC_AT(&prof.comments, hs_str, 0));
	assert_non_null(strstr(c, "2 goroutine(s)"));
	assert_non_null(strstr(c, "line 2"));

	/* Cut inside a file line: the frame is kept, without a line number. */
	load_ok("goroutine 3 [select]:\nmain.w()\n\t/a/m.go:2 +0x1\nmain.x()\n\t/a/very/long/pa");
	assert_int_equal(prof.nsamples, 1);
	assert_int_equal(depth(0), 2);
	assert_string_equal(lstr(0, "truncated"), "true");
	assert_non_null(strstr(hs_s(&prof, HS_VEC_AT(&prof.comments, hs_str, 0)), "line 4"));

	/* Cut inside a header: the complete goroutines load. */
	load_ok("goroutine 3 [select]:\nmain.w()\n\t/a/m.go:2 +0x1\n\ngoroutine 4 [sel");
	assert_int_equal(prof.nsamples, 1);
	assert_null(lstr(0, "truncated"));
}

static void test_unavailable_stack(void **state)
{
	(void)state;
	load_ok("goroutine 5 [running]:\n"
	        "\tgoroutine running on other thread; stack unavailable\n"
	        "created by main.main\n"
	        "\t/a/m.go:9 +0x1\n");
	assert_int_equal(prof.nsamples, 1);
	assert_int_equal(depth(0), 0);
	assert_string_equal(lstr(0, "created_by"), "main.main");
}

static void test_debug1_refused(void **state)
{
	(void)state;
	const char d1[] = "goroutine profile: total 3\n"
	                  "2 @ 0x437c31 0x47171d\n"
	                  "#\t0x4c2590\tmain.f+0xb0\t/a/m.go:788\n";
	assert_false(hs_goroutine_text_detect((const uint8_t *)d1, sizeof d1 - 1));
	assert_int_equal(load(d1), HS_E_FORMAT);
	assert_string_equal(err.detail,
	                    "goroutine debug=1 count profile: handled by the legacy text loader");
	assert_int_equal(prof.nsamples, 0);
}

static void test_errors(void **state)
{
	(void)state;
	assert_int_equal(load(""), HS_E_EMPTY);
	assert_int_equal(load("hello\nworld\n"), HS_E_SYNTAX);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.col, 1);
	assert_int_equal(load("log line\ngoroutine 12 [running\nmain.main()\n"), HS_E_SYNTAX);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.col, 22);
	assert_int_equal(load("goroutine 12 running]:\n"), HS_E_SYNTAX);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.col, 14);
	assert_int_equal(load("goroutine 99999999999999999999 [running]:\n"), HS_E_SYNTAX);
	assert_int_equal(err.col, 11);
	assert_non_null(strstr(err.detail, "out of range"));
	assert_int_equal(prof.nsamples, 0);
}

static void test_detect(void **state)
{
	(void)state;
	assert_true(hs_goroutine_text_detect((const uint8_t *)basic, sizeof basic - 1));
	const char log[] = "line one\nline two\n2024 x goroutine 3 [IO wait, 5 minutes]:\n";
	assert_true(hs_goroutine_text_detect((const uint8_t *)log, sizeof log - 1));
	const char no[] = "goroutine 3 is fine\ncreated by nobody\n";
	assert_false(hs_goroutine_text_detect((const uint8_t *)no, sizeof no - 1));
	const uint8_t bin[] = {0x0a, 0x04, 0x08, 0x01, 0x10, 0x02, 'g', 'o', 'r', 'o', 'u', 't',
	                       'i', 'n', 'e', ' ', '1', ' ', '[', 'x', ']', ':', '\n'};
	assert_false(hs_goroutine_text_detect(bin, sizeof bin));
	assert_false(hs_goroutine_text_detect((const uint8_t *)"", 0));
}

/* A debug=1 count profile is the legacy text loader's, after a UTF-8 byte
 * order mark and blank lines too, whatever follows it (here a debug=2
 * goroutine appended: the file's first lines decide). */
static void test_debug1_with_bom(void **state)
{
	(void)state;
	const char d1[] = "\xef\xbb\xbf\n\ngoroutine profile: total 1\n1 @ 0x1\n"
	                  "#\t0x1\tmain.f+0x0\t/x.go:1\n\n"
	                  "goroutine 1 [running]:\nmain.main()\n\t/x.go:1 +0x1\n";
	assert_int_equal(load(d1), HS_E_FORMAT);
	if (!strstr(err.detail, "count profile"))
		fail_msg("error '%s'", err.detail);
	assert_false(hs_goroutine_text_detect((const uint8_t *)d1, sizeof d1 - 1));
}

/* Lines of any length: a megabyte-long name and a long line of repeated
 * header fragments load without trouble. */
static void test_long_lines(void **state)
{
	(void)state;
	size_t big = (size_t)3 << 20;
	char *text = malloc(big + 256);
	if (!text)
		fail_msg("out of memory");
	if (!text)
		return;
	size_t n = (size_t)sprintf(text, "goroutine 1 [running]:\nmain.");
	memset(text + n, 'x', big);
	n += big;
	n += (size_t)sprintf(text + n, "()\n\t/a/m.go:1 +0x1\n");
	assert_int_equal(load_n(text, n), HS_OK);
	assert_int_equal(prof.nsamples, 1);
	assert_int_equal(strlen(fname(0, 0)), (size_t)1 << 20);   /* cut at 1 MiB */

	n = 0;
	while (n + 16 < big)
		n += (size_t)sprintf(text + n, "goroutine 1 [");
	n += (size_t)sprintf(text + n, "x]:\n");
	assert_int_equal(load_n(text, n), HS_OK);
	assert_int_equal(prof.nsamples, 1);
	assert_string_equal(lstr(0, "state"), "x");
	free(text);
}

static int setup(void **state)
{
	(void)state;
	hs_profile_init(&prof);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hs_profile_release(&prof);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_wait_reasons),
		cmocka_unit_test(test_go124_crash),
		cmocka_unit_test(test_elided_old),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_grouped),
		cmocka_unit_test(test_ancestors),
		cmocka_unit_test(test_in_log),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_unavailable_stack),
		cmocka_unit_test(test_debug1_refused),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_debug1_with_bom),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
