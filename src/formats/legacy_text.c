/* Loader for the legacy text profiles (doc/format-legacy-text.md).
 *
 * Go 1.19's `go tool pprof` reads these with the text parsers of its
 * vendored profile package (legacy_profile.go: parseHeap, parseGoCount,
 * parseThread, parseContention; legacy_java_profile.go: parseJavaProfile),
 * tried in that order: a parser that does not recognize the input hands it
 * to the next, any other error ends the load.  This file does the same,
 * parser by parser, so that a profile heapscope loads is the one pprof
 * loads: same sample types, values (including pprof's un-sampling of heap
 * profiles, done with the same floating-point steps), locations and ids,
 * mappings from the memory map, drop_frames.  pprof's regular expressions
 * run here as written, on the small engine shared with the binary CPU
 * loader (legacy_maps.c), so a line matches here exactly when it matches
 * there.  Lines are split as bufio.Scanner splits them.  Where pprof says
 * "unrecognized" or "malformed", heapscope says which line and column. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"
#include "legacy_maps.h"

/* ---- Go's numbers -------------------------------------------------------- */

static int go_lower(int c)
{
	return c | ('x' - 'X');
}

/* strconv's underscoreOK: base-0 underscores only between digits. */
static bool underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	bool hex = false;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' &&
	    (go_lower(s[1]) == 'b' || go_lower(s[1]) == 'o' || go_lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = go_lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		int c = (unsigned char)s[i];
		if ((c >= '0' && c <= '9') || (hex && go_lower(c) >= 'a' && go_lower(c) <= 'f')) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseUint(s, base, 64), base 0 (0x, 0o, 0b, a leading 0 for
 * octal, underscores), 10 or 16; false on any error. */
static bool go_parse_uint(const char *s, size_t n, int base, uint64_t *out)
{
	const char *s0 = s;
	size_t n0 = n;
	bool base0 = base == 0;
	if (n == 0)
		return false;
	if (base0) {
		base = 10;
		if (s[0] == '0') {
			int c = n >= 3 ? go_lower(s[1]) : 0;
			base = c == 'b' ? 2 : c == 'o' ? 8 : c == 'x' ? 16 : 8;
			s += c == 'b' || c == 'o' || c == 'x' ? 2 : 1;
			n -= c == 'b' || c == 'o' || c == 'x' ? 2 : 1;
		}
	}
	uint64_t cutoff = UINT64_MAX / (uint64_t)base + 1, v = 0;
	bool underscores = false;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;
		if (c == '_' && base0) {
			underscores = true;
			continue;
		} else if (c >= '0' && c <= '9') {
			d = c - '0';
		} else if (go_lower(c) >= 'a' && go_lower(c) <= 'z') {
			d = go_lower(c) - 'a' + 10;
		} else {
			return false;
		}
		if (d >= base || v >= cutoff)
			return false;
		v *= (uint64_t)base;
		if (v + (uint64_t)d < v)
			return false;
		v += (uint64_t)d;
	}
	if (underscores && !underscore_ok(s0, n0))
		return false;
	*out = v;
	return true;
}

/* strconv.ParseInt(s, base, 64). */
static bool go_parse_int(const char *s, size_t n, int base, int64_t *out)
{
	bool neg = false;
	uint64_t u;
	if (n == 0)
		return false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!go_parse_uint(s, n, base, &u))
		return false;
	if (u > (uint64_t)INT64_MAX + neg)
		return false;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

/* int64(f) on amd64 (CVTTSD2SQ): truncation, and 0x8000000000000000 for
 * NaN and anything out of range. */
static int64_t go_f2i(double f)
{
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

static double from_bits(uint64_t b)
{
	double d;
	memcpy(&d, &b, sizeof d);
	return d;
}

/* math.Exp as Go 1.19 computes it on amd64 (math/exp_amd64.s, the path
 * taken when the CPU has FMA, as every x86-64 CPU of the last decade
 * does).  It is not correctly rounded, and pprof truncates what it
 * scales to integers, so libm's exp would give other values now and then.
 * One operation per statement: nothing may be contracted differently. */
static double go_exp(double x)
{
	static const double ln2u = 0.69314718055966295651160180568695068359375;
	static const double ln2l = 0.28235290563031577122588448175013436025525412068e-12;
	static const double log2e = 1.4426950408889634073599246810018920;
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	if ((bits & ~(UINT64_C(1) << 63)) >= UINT64_C(0x7FF0000000000000))
		return bits == UINT64_C(0xFFF0000000000000) ? 0 : x;   /* -Inf; NaN, +Inf */
	if (x > 7.09782712893384e+02)
		return from_bits(UINT64_C(0x7FF0000000000000));
	double t = log2e * x;
	double r = nearbyint(t);   /* CVTSD2SL: round to nearest even */
	int64_t e = r >= -2147483648.0 && r <= 2147483647.0 ? (int64_t)r : INT32_MIN;
	double fe = (double)e;
	x = fma(-ln2u, fe, x);
	x = fma(-ln2l, fe, x);
	x = x * 0.0625;
	double y = 2.4801587301587301587e-5;
	y = fma(y, x, 1.9841269841269841270e-4);
	y = fma(y, x, 1.3888888888888888889e-3);
	y = fma(y, x, 8.3333333333333333333e-3);
	y = fma(y, x, 4.1666666666666666667e-2);
	y = fma(y, x, 1.6666666666666666667e-1);
	y = fma(y, x, 0.5);
	y = fma(y, x, 1.0);
	x = x * y;
	for (int i = 0; i < 3; i++) {
		y = x + 2.0;
		x = x * y;
	}
	y = x + 2.0;
	x = fma(x, y, 1.0);
	e += 0x3FF;
	if (e <= 0) {   /* the result is subnormal, or 0 */
		if (e < -52)
			return 0;
		x = x * from_bits((uint64_t)(uint32_t)(e + 0x3FE) << 52);
		return x * from_bits(UINT64_C(1) << 52);
	}
	if (e >= 0x7FF)
		return from_bits(UINT64_C(0x7FF0000000000000));
	return x * from_bits((uint64_t)e << 52);
}

/* scaleHeapSample: a sample of objects of average size S taken with
 * Poisson rate R had probability 1-exp(-S/R) of being recorded; divide by
 * it.  Worked example in tests/unit/test_legacy_text.c. */
static void scale_heap_sample(int64_t *count, int64_t *size, int64_t rate)
{
	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return;
	}
	if (rate <= 1)
		return;
	double avg = (double)*size / (double)*count;
	double e = go_exp(-avg / (double)rate);
	double scale = 1 / (1 - e);
	*count = go_f2i((double)*count * scale);
	*size = go_f2i((double)*size * scale);
}

/* Go's a / b: truncated, and MinInt64 / -1 is MinInt64 (no trap). */
static int64_t go_div(int64_t a, int64_t b)
{
	if (b == -1)
		return (int64_t)(0 - (uint64_t)a);
	return a / b;
}

static int64_t go_mul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* ---- strings -------------------------------------------------------------- */

typedef struct span {
	const char *s;
	size_t n;
} span;

static bool span_is(span a, const char *lit)
{
	size_t n = strlen(lit);
	return a.n == n && memcmp(a.s, lit, n) == 0;
}

static bool span_eq(span a, span b)
{
	return a.n == b.n && memcmp(a.s, b.s, a.n) == 0;
}

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

static span trimmed(const char *s, size_t n)
{
	span r = {s, n};
	lm_trim_space(&r.s, &r.n);
	return r;
}

/* isSpaceOrComment. */
static bool space_or_comment(const char *s, size_t n)
{
	span t = trimmed(s, n);
	return t.n == 0 || t.s[0] == '#';
}

/* isMemoryMapSentinel. */
static bool sentinel(const char *s, size_t n)
{
	return contains(s, n, "--- Memory map: ---") || contains(s, n, "MAPPED_LIBRARIES:");
}

/* filepath.Base (Unix). */
static span path_base(span p)
{
	if (p.n == 0)
		return (span){".", 1};
	while (p.n > 0 && p.s[p.n - 1] == '/')
		p.n--;
	if (p.n == 0)
		return (span){"/", 1};
	const char *slash = NULL;
	for (size_t i = p.n; i-- > 0;) {
		if (p.s[i] == '/') {
			slash = p.s + i;
			break;
		}
	}
	if (slash)
		return (span){slash + 1, p.n - (size_t)(slash + 1 - p.s)};
	return p;
}

/* ---- lines, as bufio.Scanner gives them ----------------------------------- */

typedef struct scanner {
	const char *d;
	size_t n, next;
	const char *s;        /* Text(): "" once Scan has returned false */
	size_t len;
	uint32_t line;        /* 1-based number of the line in s */
	bool too_long;
} scanner;

static void scan_init(scanner *sc, const uint8_t *d, size_t n)
{
	memset(sc, 0, sizeof *sc);
	sc->d = (const char *)d;
	sc->n = n;
	sc->s = "";
}

/* Split on \n, drop one \r before it; a line of LM_SCAN_MAX bytes or
 * more stops the scanner (ErrTooLong), as pprof's does. */
static bool scan(scanner *sc)
{
	sc->s = "";
	sc->len = 0;
	if (sc->too_long || sc->next >= sc->n)
		return false;
	const char *start = sc->d + sc->next;
	const char *nl = memchr(start, '\n', sc->n - sc->next);
	size_t len = nl ? (size_t)(nl - start) : sc->n - sc->next;
	sc->line++;
	if (len >= LM_SCAN_MAX) {
		sc->too_long = true;
		return false;
	}
	sc->s = start;
	sc->len = len && start[len - 1] == '\r' ? len - 1 : len;
	sc->next = nl ? sc->next + len + 1 : sc->n;
	return true;
}

/* Scan to the first line that is neither blank nor a # comment (s is ""
 * when there is none); false when a line is too long. */
static bool scan_first(scanner *sc, const uint8_t *d, size_t n)
{
	scan_init(sc, d, n);
	while (scan(sc) && space_or_comment(sc->s, sc->len))
		;
	return !sc->too_long;
}

/* ---- the decoder ------------------------------------------------------------ */

enum {
	RX_HEAP_HEADER, RX_GROWTH_HEADER, RX_FRAGMENTATION_HEADER, RX_HEAP_SAMPLE,
	RX_CONTENTION_SAMPLE, RX_THREADZ_START, RX_THREAD_START, RX_COUNT_START, RX_COUNT,
	RX_ATTRIBUTE, RX_JAVA_SAMPLE, RX_JAVA_LOCATION, RX_JAVA_FILE_LINE, RX_JAVA_PATH,
	RX_DETECT_COUNT, RX_N
};

/* pprof's patterns, verbatim (the last one is detection's relaxed
 * countStartRE, for a header line cut by the window). */
static const char *const patterns[RX_N] = {
	[RX_HEAP_HEADER] = "heap profile: *(\\d+): *(\\d+) *\\[ *(\\d+): *(\\d+) *\\] *@ *(heap[_a-z0-9]*)/?(\\d*)",
	[RX_GROWTH_HEADER] = "heap profile: *(\\d+): *(\\d+) *\\[ *(\\d+): *(\\d+) *\\] @ growthz?",
	[RX_FRAGMENTATION_HEADER] = "heap profile: *(\\d+): *(\\d+) *\\[ *(\\d+): *(\\d+) *\\] @ fragmentationz?",
	[RX_HEAP_SAMPLE] = "(-?\\d+): *(-?\\d+) *\\[ *(\\d+): *(\\d+) *] @([ x0-9a-f]*)",
	[RX_CONTENTION_SAMPLE] = "(\\d+) *(\\d+) @([ x0-9a-f]*)",
	[RX_THREADZ_START] = "--- threadz \\d+ ---",
	[RX_THREAD_START] = "--- Thread ([[:xdigit:]]+) \\(name: (.*)/(\\d+)\\) stack: ---",
	[RX_COUNT_START] = "\\A(\\S+) profile: total \\d+\\z",
	[RX_COUNT] = "\\A(\\d+) @(( 0x[0-9a-f]+)+)\\z",
	[RX_ATTRIBUTE] = "([\\w ]+)=([\\w ]+)",
	[RX_JAVA_SAMPLE] = " *(\\d+) +(\\d+) +@ +([ x0-9a-f]*)",
	[RX_JAVA_LOCATION] = "^\\s*0x([[:xdigit:]]+)\\s+(.*)\\s*$",
	[RX_JAVA_FILE_LINE] = "^(.*)\\s+\\((.+):(-?[[:digit:]]+)\\)$",
	[RX_JAVA_PATH] = "^(.*)\\s+\\((.*)\\)$",
	[RX_DETECT_COUNT] = "\\A\\S+ profile: ",
};

/* drop_frames / keep_frames as addLegacyFrameInfo sets them. */
static const char alloc_rx[] =
	"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|"
	"realloc|tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|"
	"tc_posix_memalign|tc_pvalloc|tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|"
	"tc_deletearray|tc_new_nothrow|tc_newarray_nothrow|malloc_zone_malloc|"
	"malloc_zone_calloc|malloc_zone_valloc|malloc_zone_realloc|malloc_zone_memalign|"
	"malloc_zone_free|runtime\\..*|BaseArena::.*|(::)?do_malloc_no_errno|"
	"(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|"
	"MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|"
	"__builtin_(vec_)?new|__gnu_cxx::new_allocator::allocate|__libc_malloc|"
	"__malloc_alloc_template::allocate|allocate|cpp_alloc|operator new(\\[\\])?|"
	"simple_alloc::allocate";
static const char alloc_skip_rx[] = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
static const char cpu_profiler_rx[] = "ProfileData::Add|ProfileData::prof_handler|"
                                      "CpuProfiler::prof_handler|__pthread_sighandler|__restore";
static const char lock_rx[] =
	"RecordLockProfileData|(base::)?RecordLockProfileData.*|"
	"(base::)?SubmitMutexProfileData.*|(base::)?SubmitSpinLockProfileData.*|"
	"(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|(base::Mutex::)?UnlockSlow.*|"
	"(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|(Mutex::)?AwaitCommon.*|"
	"(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|"
	"(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|"
	"(SpinLockHolder::)?~SpinLockHolder.*";

/* A parser's verdict, as pprof's: loaded, errUnrecognized (the next parser
 * gets the input), or a hard error. */
enum { P_OK, P_UNREC, P_FAIL };

enum { ADJ_NONE, ADJ_ALL, ADJ_BUT_LEAF };

typedef struct java_frame {
	bool has;
	uint32_t fn;          /* index into java_fns */
	int64_t line;
} java_frame;

typedef struct java_fn {
	hs_str name, file;
	uint64_t id;          /* given by first use, 0 until then */
} java_fn;

typedef struct tdec {
	hs_profile *p;
	hs_error *err;        /* this attempt's error */
	const uint8_t *d;
	size_t n;
	lm_rx *re;            /* patterns[], compiled */
	lm_rx_run run;
	int32_t cap[LM_RX_MAX_SAVE];
	lm_frames frames;
	hs_vec addrs;         /* uint64: the addresses of the sample being read */
	hs_str bytes_key;
	/* Why the parser that got furthest gave up with "unrecognized". */
	hs_error why;
	size_t java_untyped;  /* Java samples read while there are no sample types */
	bool by_address;      /* as pprof: no # lines read (no labels either) */
	const char *labels;   /* "# labels: {...}" of the next count sample, or NULL */
	size_t labels_len;
} tdec;

static int fail(tdec *t, hs_err code, uint32_t line, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int fail(tdec *t, hs_err code, uint32_t line, size_t col, const char *fmt, ...)
{
	char msg[sizeof t->err->detail];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	hs_fail_line(t->err, code, line, col > UINT32_MAX ? UINT32_MAX : (uint32_t)col, "%s", msg);
	return P_FAIL;
}

static int nomem(tdec *t, uint32_t line)
{
	return fail(t, HS_E_NOMEM, line, 1, "out of memory");
}

/* "Unrecognized" after a header was accepted: remember why, keeping the
 * reason of the parser that read furthest (the earlier one on a tie). */
static int unrec(tdec *t, uint32_t line, size_t col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int unrec(tdec *t, uint32_t line, size_t col, const char *fmt, ...)
{
	uint32_t c = col > UINT32_MAX ? UINT32_MAX : (uint32_t)col;
	if (t->why.code == HS_OK || line > t->why.line || (line == t->why.line && c > t->why.col)) {
		va_list ap;
		va_start(ap, fmt);
		hs_error_clear(&t->why);
		t->why.code = HS_E_SYNTAX;
		t->why.line = line;
		t->why.col = c;
		vsnprintf(t->why.detail, sizeof t->why.detail, fmt, ap);
		va_end(ap);
	}
	return P_UNREC;
}

static int scan_fail(tdec *t, const scanner *sc)
{
	return fail(t, HS_E_LIMIT, sc->line, LM_SCAN_MAX,
	            "line of %d bytes or more: pprof's line scanner (bufio.Scanner) stops there",
	            LM_SCAN_MAX);
}

/* Column (1-based) of p in the line starting at line. */
static size_t col_of(const char *line, const char *p)
{
	return (size_t)(p - line) + 1;
}

/* Run pattern k on s; 1 match (t->cap), 0 none, -1 failed (t->err set). */
static int rx(tdec *t, int k, const char *s, size_t n, uint32_t line)
{
	if (n >= (size_t)INT32_MAX) {
		fail(t, HS_E_LIMIT, line, 1, "line of %zu bytes: heapscope reads lines below 2 GiB", n);
		return -1;
	}
	int r = lm_rx_match(&t->re[k], &t->run, s, n, t->cap);
	if (r < 0)
		nomem(t, line);
	return r;
}

static span grp(const tdec *t, const char *s, int k)
{
	if (t->cap[2 * k] < 0 || t->cap[2 * k + 1] < 0)
		return (span){s, 0};
	return (span){s + t->cap[2 * k], (size_t)(t->cap[2 * k + 1] - t->cap[2 * k])};
}

static hs_str str(tdec *t, const char *s, size_t n)
{
	return hs_profile_intern(t->p, s, n);
}

static hs_str cstr(tdec *t, const char *s)
{
	return str(t, s, strlen(s));
}

/* Sample types from (type, unit) pairs, replacing any earlier ones. */
static bool set_types(tdec *t, const span *names, size_t ntypes)
{
	hs_profile *p = t->p;
	p->sample_types.len = 0;
	hs_value_type *vt = ntypes ? hs_vec_push(&p->sample_types, ntypes) : NULL;
	if (ntypes && !vt)
		return false;
	for (size_t i = 0; i < ntypes; i++) {
		vt[i].type = str(t, names[2 * i].s, names[2 * i].n);
		vt[i].unit = str(t, names[2 * i + 1].s, names[2 * i + 1].n);
		if (vt[i].type == HS_NONE || vt[i].unit == HS_NONE)
			return false;
	}
	return true;
}

#define SPI(lit) {lit, sizeof lit - 1}
#define SP(lit) ((span)SPI(lit))

static bool set_period_type(tdec *t, const char *type, size_t tn, const char *unit)
{
	t->p->period_type.type = str(t, type, tn);
	t->p->period_type.unit = cstr(t, unit);
	return t->p->period_type.type != HS_NONE && t->p->period_type.unit != HS_NONE;
}

/* parseHexAddresses: every "0x[0-9a-f]+" in s, appended to t->addrs.  A
 * number over 64 bits fails; *bad is then where it starts. */
static int hex_addresses(tdec *t, const char *s, size_t n, const char **bad)
{
	for (size_t i = 0; i + 2 < n;) {
		const char *c = s + i;
		bool hex = c[0] == '0' && c[1] == 'x' &&
		           ((c[2] >= '0' && c[2] <= '9') || (c[2] >= 'a' && c[2] <= 'f'));
		if (!hex) {
			i++;
			continue;
		}
		size_t j = i + 2;
		while (j < n && ((s[j] >= '0' && s[j] <= '9') || (s[j] >= 'a' && s[j] <= 'f')))
			j++;
		uint64_t a;
		if (!go_parse_uint(s + i + 2, j - i - 2, 16, &a)) {
			*bad = s + i;
			return P_FAIL;
		}
		uint64_t *slot = hs_vec_push(&t->addrs, 1);
		if (!slot) {
			*bad = NULL;
			return P_FAIL;
		}
		*slot = a;
		i = j;
	}
	return P_OK;
}

/* hex_addresses, reporting a failure at line:column. */
static int addresses(tdec *t, const char *line, const char *s, size_t n, uint32_t lno)
{
	const char *bad = NULL;
	if (hex_addresses(t, s, n, &bad) == P_OK)
		return P_OK;
	if (!bad)
		return nomem(t, lno);
	size_t k = 2;
	while (bad + k < s + n && ((bad[k] >= '0' && bad[k] <= '9') || (bad[k] >= 'a' && bad[k] <= 'f')))
		k++;
	return fail(t, HS_E_SYNTAX, lno, col_of(line, bad),
	            "address %.*s does not fit in 64 bits", (int)(k > 40 ? 40 : k), bad);
}

/* One Go-quoted string (strconv.Quote, as %q prints) at s[*i]: its bytes
 * into out (never longer than the quoted text), its length into *on; *i
 * past the closing quote.  False when it is not one. */
static bool go_unquote(const char *s, size_t n, size_t *i, char *out, size_t *on)
{
	size_t k = *i, o = 0;
	if (k >= n || s[k++] != '"')
		return false;
	while (k < n && s[k] != '"') {
		if (s[k] != '\\') {
			out[o++] = s[k++];
			continue;
		}
		if (++k >= n)
			return false;
		char c = s[k++];
		const char *simple = strchr("abfnrtv\\\"'", c);
		if (simple && c) {
			static const char val[] = "\a\b\f\n\r\t\v\\\"'";
			out[o++] = val[simple - "abfnrtv\\\"'"];
			continue;
		}
		int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : c >= '0' && c <= '7' ? 2 : -1;
		if (digits < 0 || k + (size_t)digits > n)
			return false;
		uint32_t v = c >= '0' && c <= '7' ? (uint32_t)(c - '0') : 0;
		for (int d = 0; d < digits; d++) {
			char h = s[k++];
			int x = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
			      : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
			bool octal = c >= '0' && c <= '7';
			if (x < 0 || (octal && x > 7))
				return false;
			v = v * (octal ? 8 : 16) + (uint32_t)x;
		}
		if (c == 'x' || (c >= '0' && c <= '7')) {
			if (v > 255)
				return false;
			out[o++] = (char)v;
		} else if (v < 0x80) {
			out[o++] = (char)v;
		} else if (v < 0x800) {
			out[o++] = (char)(0xc0 | v >> 6);
			out[o++] = (char)(0x80 | (v & 0x3f));
		} else if (v < 0x10000) {
			out[o++] = (char)(0xe0 | v >> 12);
			out[o++] = (char)(0x80 | ((v >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (v & 0x3f));
		} else if (v < 0x110000) {
			out[o++] = (char)(0xf0 | v >> 18);
			out[o++] = (char)(0x80 | ((v >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((v >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (v & 0x3f));
		} else {
			return false;
		}
	}
	if (k >= n)
		return false;
	*i = k + 1;
	*on = o;
	return true;
}

/* The labels of a count record, as runtime/pprof prints them after its
 * addresses: `# labels: {"k":"v", "k2":"v2"}` (labelMap.String, keys
 * %q-quoted).  Pushed on the open sample when the whole set reads; a line
 * that does not read is a comment, as pprof takes it.  HS_E_NOMEM only. */
static hs_err push_count_labels(tdec *t, const char *s, size_t n)
{
	char *buf = malloc(n + 1);
	size_t *at = malloc((n / 2 + 1) * sizeof *at);   /* offset, length pairs */
	if (!buf || !at) {
		free(buf);
		free(at);
		return HS_E_NOMEM;
	}
	size_t i = 0, o = 0, na = 0;
	bool ok = i < n && s[i++] == '{';
	while (ok && i < n && s[i] != '}') {
		if (na && !(s[i] == ',' && i + 1 < n && s[i + 1] == ' ' && (i += 2)))
			ok = false;
		size_t kl = 0, vl = 0;
		if (ok && go_unquote(s, n, &i, buf + o, &kl) && i < n && s[i] == ':' && ++i &&
		    go_unquote(s, n, &i, buf + o + kl, &vl)) {
			at[na++] = o;
			at[na++] = kl;
			o += kl + vl;
		} else {
			ok = false;
		}
	}
	ok = ok && i + 1 == n && s[i] == '}';
	hs_err rc = HS_OK;
	for (size_t k = 0; ok && rc == HS_OK && k < na; k += 2) {
		size_t vo = at[k] + at[k + 1], vl = (k + 2 < na ? at[k + 2] : o) - vo;
		hs_label l = {.key = hs_profile_intern(t->p, buf + at[k], at[k + 1]),
		              .str = hs_profile_intern(t->p, buf + vo, vl)};
		rc = l.key == HS_NONE || l.str == HS_NONE ? HS_E_NOMEM : hs_profile_push_label(t->p, &l);
	}
	free(buf);
	free(at);
	return rc;
}

/* A sample of nv values (nv == the number of sample types) whose stack is
 * t->addrs, leaf first; pprof subtracts 1 from return addresses. */
static int add_sample(tdec *t, const int64_t *vals, size_t nv, int adjust, bool label,
                      int64_t bytes, uint32_t lno)
{
	hs_profile *p = t->p;
	int64_t *v = hs_profile_begin_sample(p);
	if (!v)
		return nomem(t, lno);
	for (size_t i = 0; i < nv; i++)
		v[i] = vals[i];
	const uint64_t *a = t->addrs.data;
	for (size_t i = 0; i < t->addrs.len; i++) {
		uint64_t addr = a[i] - (adjust == ADJ_ALL || (adjust == ADJ_BUT_LEAF && i > 0));
		uint32_t fi = 0;
		hs_err rc = lm_frame_index(&t->frames, addr, &fi);
		if (rc == HS_OK)
			rc = hs_profile_push_location(p, fi);
		if (rc == HS_E_LIMIT)
			return fail(t, HS_E_LIMIT, lno, 1, "too many addresses");
		if (rc)
			return nomem(t, lno);
	}
	if (label) {
		hs_label l = {.key = t->bytes_key, .num = bytes};
		if (hs_profile_push_label(p, &l))
			return nomem(t, lno);
	}
	if (t->labels && push_count_labels(t, t->labels, t->labels_len))
		return nomem(t, lno);
	t->labels = NULL;
	if (hs_profile_end_sample(p))
		return nomem(t, lno);
	return P_OK;
}

/* parseAdditionalSections + ParseMemoryMapFromScanner: skip to a memory
 * map sentinel, read the map, then pprof's mapping and id remapping. */
static int additional_sections(tdec *t, scanner *sc)
{
	hs_profile *p = t->p;
	while (!sentinel(sc->s, sc->len) && scan(sc))
		;
	if (sc->too_long)
		return scan_fail(t, sc);
	if (lm_read_maps(p, t->err, t->d, t->n, sc->next, sc->line + 1) ||
	    lm_massage_mappings(p, t->err) || lm_assign_location_ids(p, &t->frames, t->err) ||
	    lm_attach_mappings(p, t->err))
		return P_FAIL;
	return P_OK;
}

/* The end of the samples: a line too long fails, else the sections after. */
static int end_samples(tdec *t, scanner *sc)
{
	return sc->too_long ? scan_fail(t, sc) : additional_sections(t, sc);
}

/* ---- heap: parseHeap ------------------------------------------------------ */

/* "# Key = value" in the runtime.MemStats trailer: integers, "a / b"
 * (Key + "Inuse", Key + "Sys") and booleans are kept; the PauseNs and
 * PauseEnd arrays and the GCCPUFraction float are not. */
static bool memstat_number(span v, int64_t *out)
{
	uint64_t u;
	for (size_t i = 0; i < v.n; i++)
		if (v.s[i] < '0' || v.s[i] > '9')
			return false;
	if (!go_parse_uint(v.s, v.n, 10, &u) || u > INT64_MAX)
		return false;
	*out = (int64_t)u;
	return true;
}

static bool memstat_push(tdec *t, span key, const char *suffix, int64_t value)
{
	char buf[128];
	size_t sn = strlen(suffix);
	if (key.n + sn > sizeof buf)
		return true;
	memcpy(buf, key.s, key.n);
	memcpy(buf + key.n, suffix, sn);
	hs_str k = str(t, buf, key.n + sn);
	hs_memstat *m = k == HS_NONE ? NULL : hs_vec_push(&t->p->memstats, 1);
	if (!m)
		return false;
	m->key = k;
	m->value = value;
	return true;
}

static int memstat_line(tdec *t, span s, uint32_t lno)
{
	span body = trimmed(s.s + 1, s.n - 1);
	const char *eq = memchr(body.s, '=', body.n);
	if (!eq)
		return P_OK;
	span key = trimmed(body.s, (size_t)(eq - body.s));
	span val = trimmed(eq + 1, body.n - (size_t)(eq + 1 - body.s));
	if (key.n == 0)
		return P_OK;
	for (size_t i = 0; i < key.n; i++) {
		int c = (unsigned char)key.s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'))
			return P_OK;
	}
	int64_t a, b;
	bool ok = true;
	const char *slash = memchr(val.s, '/', val.n);
	if (span_is(val, "true") || span_is(val, "false")) {
		ok = memstat_push(t, key, "", span_is(val, "true"));
	} else if (memstat_number(val, &a)) {
		ok = memstat_push(t, key, "", a);
	} else if (slash && memstat_number(trimmed(val.s, (size_t)(slash - val.s)), &a) &&
	           memstat_number(trimmed(slash + 1, val.n - (size_t)(slash + 1 - val.s)), &b)) {
		ok = memstat_push(t, key, "Inuse", a) && memstat_push(t, key, "Sys", b);
	}
	return ok ? P_OK : nomem(t, lno);
}

/* parseHeapSample's addValues. */
static int heap_values(tdec *t, const char *line, uint32_t lno, span cs, span ss,
                       const char *what, bool v2, int64_t rate, int64_t *vals, size_t *nv,
                       int64_t *blocksize)
{
	int64_t count, size;
	if (!go_parse_int(cs.s, cs.n, 10, &count))
		return fail(t, HS_E_SYNTAX, lno, col_of(line, cs.s),
		            "%s count %.*s does not fit in 64 bits", what, (int)(cs.n > 40 ? 40 : cs.n), cs.s);
	if (!go_parse_int(ss.s, ss.n, 10, &size))
		return fail(t, HS_E_SYNTAX, lno, col_of(line, ss.s),
		            "%s bytes %.*s do not fit in 64 bits", what, (int)(ss.n > 40 ? 40 : ss.n), ss.s);
	if (count == 0 && size != 0)
		return fail(t, HS_E_SYNTAX, lno, col_of(line, cs.s),
		            "%s count is 0 but %s bytes is %lld", what, what, (long long)size);
	if (count != 0) {
		*blocksize = go_div(size, count);
		if (v2)
			scale_heap_sample(&count, &size, rate);
	}
	vals[(*nv)++] = count;
	vals[(*nv)++] = size;
	return P_OK;
}

static int heap_sample(tdec *t, const scanner *sc, span s, int64_t rate, bool v2, bool has_alloc)
{
	int r = rx(t, RX_HEAP_SAMPLE, s.s, s.n, sc->line);
	if (r < 0)
		return P_FAIL;
	if (r == 0)
		return fail(t, HS_E_SYNTAX, sc->line, col_of(sc->s, s.s) + t->run.far,
		            "heap sample does not parse: want \"COUNT: BYTES [COUNT: BYTES] @ 0xADDR...\"");
	span g[6];
	for (int k = 1; k <= 5; k++)
		g[k] = grp(t, s.s, k);
	int64_t vals[4], blocksize = 0;
	size_t nv = 0;
	if (has_alloc && heap_values(t, sc->s, sc->line, g[3], g[4], "allocation", v2, rate, vals,
	                             &nv, &blocksize))
		return P_FAIL;
	if (heap_values(t, sc->s, sc->line, g[1], g[2], "inuse", v2, rate, vals, &nv, &blocksize))
		return P_FAIL;
	t->addrs.len = 0;
	if (addresses(t, sc->s, g[5].s, g[5].n, sc->line))
		return P_FAIL;
	return add_sample(t, vals, nv, ADJ_ALL, true, blocksize, sc->line);
}

static int parse_heap(tdec *t)
{
	hs_profile *p = t->p;
	scanner sc;
	scan_init(&sc, t->d, t->n);
	if (!scan(&sc))
		return sc.too_long ? scan_fail(t, &sc) : P_UNREC;
	span line = {sc.s, sc.len};
	int64_t period = 0;
	bool v2 = false, has_alloc = false;
	int r = rx(t, RX_HEAP_HEADER, line.s, line.n, 1);
	if (r < 0)
		return P_FAIL;
	if (r) {   /* parseHeapHeader */
		span h[7];
		for (int k = 1; k <= 6; k++)
			h[k] = grp(t, line.s, k);
		if (h[6].n && !go_parse_int(h[6].s, h[6].n, 10, &period))
			return unrec(t, 1, col_of(line.s, h[6].s),
			             "heap profile header: sampling period %.*s does not fit in 64 bits",
			             (int)(h[6].n > 40 ? 40 : h[6].n), h[6].s);
		has_alloc = (!span_eq(h[3], h[1]) && !span_is(h[3], "0")) ||
		            (!span_eq(h[4], h[2]) && !span_is(h[4], "0"));
		if (span_is(h[5], "heapz_v2") || span_is(h[5], "heap_v2")) {
			v2 = true;
		} else if (span_is(h[5], "heapprofile")) {
			period = 1;
		} else if (span_is(h[5], "heap")) {
			v2 = true;
			period /= 2;   /* Go writes twice runtime.MemProfileRate */
		} else {
			return unrec(t, 1, col_of(line.s, h[5].s),
			             "heap profile header: unknown kind \"%.*s\" (pprof reads heap, heap_v2, "
			             "heapz_v2, heapprofile, growthz, fragmentationz)",
			             (int)(h[5].n > 40 ? 40 : h[5].n), h[5].s);
		}
	} else {
		if ((r = rx(t, RX_GROWTH_HEADER, line.s, line.n, 1)) == 0)
			r = rx(t, RX_FRAGMENTATION_HEADER, line.s, line.n, 1);
		if (r < 0)
			return P_FAIL;
		if (r == 0)
			return P_UNREC;
		period = 1;
	}
	p->period = period;
	static const span alloc_types[8] = {SPI("alloc_objects"), SPI("count"), SPI("alloc_space"),
	                                    SPI("bytes"), SPI("inuse_objects"), SPI("count"),
	                                    SPI("inuse_space"), SPI("bytes")};
	static const span plain_types[4] = {SPI("objects"), SPI("count"), SPI("space"), SPI("bytes")};
	if (!set_period_type(t, "space", 5, "bytes") ||
	    !(has_alloc ? set_types(t, alloc_types, 4) : set_types(t, plain_types, 2)))
		return nomem(t, 1);
	bool memstats = false;
	while (scan(&sc)) {
		span s = trimmed(sc.s, sc.len);
		if (s.n == 0 || s.s[0] == '#') {
			if (s.n == 0)
				memstats = false;
			else if (span_is(s, "# runtime.MemStats"))
				memstats = true;
			else if (memstats && memstat_line(t, s, sc.line))
				return P_FAIL;
			continue;
		}
		memstats = false;
		if (sentinel(s.s, s.n))
			break;
		if (heap_sample(t, &sc, s, period, v2, has_alloc))
			return P_FAIL;
	}
	return end_samples(t, &sc);
}

/* ---- goroutine / threadcreate counts: parseGoCount ------------------------- */

static int parse_count(tdec *t)
{
	hs_profile *p = t->p;
	scanner sc;
	if (!scan_first(&sc, t->d, t->n))
		return scan_fail(t, &sc);
	int r = rx(t, RX_COUNT_START, sc.s, sc.len, sc.line);
	if (r <= 0)
		return r < 0 ? P_FAIL : P_UNREC;
	span type = grp(t, sc.s, 1);
	uint32_t header = sc.line;
	if (!set_types(t, (span[]){type, SP("count")}, 1) ||
	    !set_period_type(t, type.s, type.n, "count"))
		return nomem(t, sc.line);
	p->period = 1;
	while (scan(&sc)) {
		if (space_or_comment(sc.s, sc.len))
			continue;
		if (has_prefix(sc.s, sc.len, "---"))
			break;
		if ((r = rx(t, RX_COUNT, sc.s, sc.len, sc.line)) < 0)
			return P_FAIL;
		if (r == 0) {
			size_t far = t->run.far;
			if ((r = rx(t, RX_COUNT_START, sc.s, sc.len, sc.line)) < 0)
				return P_FAIL;
			if (r)
				return fail(t, HS_E_SYNTAX, sc.line, 1,
				            "a second \"%.*s profile: total N\" header (the first is on line "
				            "%u): several profiles in one file, which pprof rejects as malformed",
				            (int)(type.n > 40 ? 40 : type.n), type.s, header);
			return fail(t, HS_E_SYNTAX, sc.line, far + 1,
			            "count sample does not parse: want \"COUNT @ 0xADDR 0xADDR...\"");
		}
		span n = grp(t, sc.s, 1), stk = grp(t, sc.s, 2);
		int64_t count;
		if (!go_parse_int(n.s, n.n, 0, &count))
			return fail(t, HS_E_SYNTAX, sc.line, 1,
			            "count %.*s is not an integer pprof reads (too large, or octal with a "
			            "leading 0 and an 8 or 9)", (int)(n.n > 40 ? 40 : n.n), n.s);
		t->addrs.len = 0;
		scanner next = sc;   /* the record's labels follow its addresses */
		if (!t->by_address && scan(&next) && has_prefix(next.s, next.len, "# labels: ")) {
			t->labels = next.s + 10;
			t->labels_len = next.len - 10;
		}
		if (addresses(t, sc.s, stk.s, stk.n, sc.line) ||
		    add_sample(t, &count, 1, ADJ_ALL, false, 0, sc.line))
			return P_FAIL;
	}
	return end_samples(t, &sc);
}

/* ---- threadz: parseThread ---------------------------------------------------- */

static int parse_thread(tdec *t)
{
	hs_profile *p = t->p;
	scanner sc;
	if (!scan_first(&sc, t->d, t->n))
		return scan_fail(t, &sc);
	span line = {sc.s, sc.len};
	uint32_t lno = sc.line;
	int r = rx(t, RX_THREADZ_START, line.s, line.n, lno);
	if (r < 0)
		return P_FAIL;
	if (r) {   /* skip to the first stack */
		while (scan(&sc)) {
			line = (span){sc.s, sc.len};
			lno = sc.line;
			if (sentinel(line.s, line.n) || has_prefix(line.s, line.n, "-"))
				break;
		}
		if (sc.too_long)
			return scan_fail(t, &sc);
	} else if ((r = rx(t, RX_THREAD_START, line.s, line.n, lno)) <= 0) {
		return r < 0 ? P_FAIL : P_UNREC;
	}
	if (!set_types(t, (span[]){SP("thread"), SP("count")}, 1) ||
	    !set_period_type(t, "thread", 6, "count"))
		return nomem(t, lno);
	p->period = 1;
	while (!sentinel(line.s, line.n)) {
		if (has_prefix(line.s, line.n, "---- no stack trace for"))
			break;
		if ((r = rx(t, RX_THREAD_START, line.s, line.n, lno)) < 0)
			return P_FAIL;
		if (r == 0)
			return unrec(t, lno, 1,
			             "threadz profile: want \"--- Thread ID (name: NAME/TID) stack: ---\" "
			             "or a memory map (\"--- Memory map: ---\")%s",
			             line.n ? "" : "; the profile must end with one");
		/* parseThreadSample */
		bool same = false;
		t->addrs.len = 0;
		line = (span){"", 0};
		while (scan(&sc)) {
			line = trimmed(sc.s, sc.len);
			lno = sc.line;
			if (line.n == 0)
				continue;
			if (has_prefix(line.s, line.n, "---"))
				break;
			if (contains(line.s, line.n, "same as previous thread")) {
				same = true;
				continue;
			}
			if (addresses(t, sc.s, line.s, line.n, sc.line))
				return P_FAIL;
		}
		if (sc.too_long)
			return scan_fail(t, &sc);
		if (same || t->addrs.len == 0) {   /* one more thread like the last */
			if (p->nsamples) {
				int64_t *v = (int64_t *)p->values.data + (p->nsamples - 1);
				*v = hs_add(*v, 1);
			}
			continue;
		}
		int64_t one = 1;
		if (add_sample(t, &one, 1, ADJ_BUT_LEAF, false, 0, lno))
			return P_FAIL;
	}
	if ((r = additional_sections(t, &sc)) != P_OK)
		return r;
	lm_drop_second_frames(p, lm_duplicate_leaf, p);
	return P_OK;
}

/* ---- contention, mutex: parseContention ------------------------------------- */

static int contention_sample(tdec *t, const scanner *sc, span s, int64_t period, int64_t cpu_hz)
{
	int r = rx(t, RX_CONTENTION_SAMPLE, s.s, s.n, sc->line);
	if (r < 0)
		return P_FAIL;
	if (r == 0)
		return unrec(t, sc->line, col_of(sc->s, s.s) + t->run.far,
		             "contention sample does not parse: want \"DELAY COUNT @ 0xADDR...\"");
	span g1 = grp(t, s.s, 1), g2 = grp(t, s.s, 2), g3 = grp(t, s.s, 3);
	int64_t v1, v2;
	if (!go_parse_int(g1.s, g1.n, 10, &v1))
		return fail(t, HS_E_SYNTAX, sc->line, col_of(sc->s, g1.s),
		            "delay %.*s does not fit in 64 bits", (int)(g1.n > 40 ? 40 : g1.n), g1.s);
	if (!go_parse_int(g2.s, g2.n, 10, &v2))
		return fail(t, HS_E_SYNTAX, sc->line, col_of(sc->s, g2.s),
		            "count %.*s does not fit in 64 bits", (int)(g2.n > 40 ? 40 : g2.n), g2.s);
	/* Un-sample: delays from cycles to nanoseconds, counts by the period. */
	if (period > 0) {
		if (cpu_hz > 0) {
			double ghz = (double)cpu_hz / 1e9;
			double d = (double)v1 * (double)period;
			v1 = go_f2i(d / ghz);
		}
		v2 = go_mul(v2, period);
	}
	int64_t vals[2] = {v2, v1};
	t->addrs.len = 0;
	if (addresses(t, sc->s, g3.s, g3.n, sc->line))
		return P_FAIL;
	return add_sample(t, vals, 2, ADJ_ALL, false, 0, sc->line);
}

static int parse_contention(tdec *t)
{
	hs_profile *p = t->p;
	scanner sc;
	scan_init(&sc, t->d, t->n);
	if (!scan(&sc))
		return sc.too_long ? scan_fail(t, &sc) : P_UNREC;
	if (!has_prefix(sc.s, sc.len, "--- contentionz ") && !has_prefix(sc.s, sc.len, "--- mutex:") &&
	    !has_prefix(sc.s, sc.len, "--- contention:"))
		return P_UNREC;
	if (!set_types(t, (span[]){SP("contentions"), SP("count"), SP("delay"), SP("nanoseconds")}, 2) ||
	    !set_period_type(t, "contentions", 11, "count"))
		return nomem(t, 1);
	p->period = 1;
	int64_t cpu_hz = 0;
	while (scan(&sc)) {   /* "attribute = value" lines */
		span s = trimmed(sc.s, sc.len);
		if (space_or_comment(s.s, s.n))
			continue;
		if (has_prefix(s.s, s.n, "---"))
			break;
		const char *eq = memchr(s.s, '=', s.n);
		if (!eq)
			break;
		span key = trimmed(s.s, (size_t)(eq - s.s));
		span val = trimmed(eq + 1, s.n - (size_t)(eq + 1 - s.s));
		int64_t v;
		int kn = (int)(key.n > 40 ? 40 : key.n);
		bool num = go_parse_int(val.s, val.n, 0, &v);
		if (span_is(key, "cycles/second") || span_is(key, "sampling period") ||
		    span_is(key, "ms since reset")) {
			if (!num)
				return unrec(t, sc.line, col_of(sc.s, val.s),
				             "contention profile: %.*s is not an integer", kn, key.s);
			if (span_is(key, "cycles/second"))
				cpu_hz = v;
			else if (span_is(key, "sampling period"))
				p->period = v;
			else
				p->duration_nanos = go_mul(go_mul(v, 1000), 1000);
		} else if (span_is(key, "format") || span_is(key, "resolution")) {
			return unrec(t, sc.line, col_of(sc.s, key.s),
			             "contention profile: \"%.*s\" is an attribute of the Java form", kn,
			             key.s);
		} else if (!span_is(key, "discarded samples")) {
			return unrec(t, sc.line, col_of(sc.s, key.s),
			             "contention profile: unknown attribute \"%.*s\" (pprof reads "
			             "cycles/second, sampling period, ms since reset, discarded samples)",
			             kn, key.s);
		}
	}
	if (sc.too_long)
		return scan_fail(t, &sc);
	for (;;) {   /* samples, from the line that ended the attributes */
		span s = trimmed(sc.s, sc.len);
		if (has_prefix(s.s, s.n, "---"))
			break;
		int r;
		if (!space_or_comment(s.s, s.n) &&
		    (r = contention_sample(t, &sc, s, p->period, cpu_hz)) != P_OK)
			return r;
		if (!scan(&sc))
			break;
	}
	return end_samples(t, &sc);
}

/* ---- Java: parseJavaProfile ---------------------------------------------------- */

typedef struct jline {
	const char *s;     /* the line, \n excluded */
	size_t n;
	span t;            /* trimmed */
	uint32_t no;
} jline;

/* The next \n-terminated line at *pos (bytes.IndexByte); false if none. */
static bool java_line(tdec *t, size_t *pos, uint32_t *no, jline *l, bool last_too)
{
	if (*pos >= t->n)
		return false;
	const char *s = (const char *)t->d + *pos;
	const char *nl = memchr(s, '\n', t->n - *pos);
	if (!nl && !last_too)
		return false;
	l->s = s;
	l->n = nl ? (size_t)(nl - s) : t->n - *pos;
	l->t = trimmed(l->s, l->n);
	l->no = ++*no;
	*pos += l->n + (nl != NULL);
	return true;
}

static int java_header(tdec *t, bool heap, size_t *pos, uint32_t *no)
{
	hs_profile *p = t->p;
	const char *kind = heap ? "heap" : "contention";
	size_t at = *pos;
	uint32_t at_no = *no;
	jline l;
	while (java_line(t, &at, &at_no, &l, false)) {
		if (l.t.n) {
			int r = rx(t, RX_ATTRIBUTE, l.t.s, l.t.n, l.no);
			if (r < 0)
				return P_FAIL;
			if (r == 0)
				return P_OK;   /* the samples start here */
			span a = grp(t, l.t.s, 1), v = grp(t, l.t.s, 2);
			a = trimmed(a.s, a.n);
			v = trimmed(v.s, v.n);
			int an = (int)(a.n > 40 ? 40 : a.n), vn = (int)(v.n > 40 ? 40 : v.n);
			if (span_is(a, "format")) {
				if (!span_is(v, "java"))
					return unrec(t, l.no, col_of(l.s, v.s),
					             "Java %s profile: format is \"%.*s\", not java", kind, vn, v.s);
			} else if (span_is(a, "resolution")) {
				span ty[4] = {heap ? SP("inuse_objects") : SP("contentions"), SP("count"),
				              heap ? SP("inuse_space") : SP("delay"), v};
				if (!set_types(t, ty, 2))
					return nomem(t, l.no);
			} else if (!heap && (span_is(a, "sampling period") || span_is(a, "ms since reset"))) {
				int64_t x;
				if (!go_parse_int(v.s, v.n, 0, &x))
					return fail(t, HS_E_SYNTAX, l.no, col_of(l.s, v.s),
					            "Java contention profile: %.*s \"%.*s\" is not an integer", an,
					            a.s, vn, v.s);
				if (span_is(a, "ms since reset")) {
					p->duration_nanos = go_mul(go_mul(x, 1000), 1000);
				} else {
					p->period = x;
					if (!set_period_type(t, "contentions", 11, "count"))
						return nomem(t, l.no);
				}
			} else {
				return unrec(t, l.no, col_of(l.s, a.s), "Java %s profile: unknown attribute \"%.*s\"",
				             kind, an, a.s);
			}
		}
		*pos = at;
		*no = at_no;
	}
	return P_OK;
}

static int java_samples(tdec *t, bool heap, size_t *pos, uint32_t *no)
{
	hs_profile *p = t->p;
	size_t at = *pos;
	uint32_t at_no = *no;
	jline l;
	while (java_line(t, &at, &at_no, &l, false)) {
		if (l.t.n) {
			int r = rx(t, RX_JAVA_SAMPLE, l.t.s, l.t.n, l.no);
			if (r < 0)
				return P_FAIL;
			if (r == 0)
				return P_OK;   /* the locations start here */
			/* The second number is the count, the first the total. */
			span v1s = grp(t, l.t.s, 2), v2s = grp(t, l.t.s, 1), as = grp(t, l.t.s, 3);
			t->addrs.len = 0;
			if (addresses(t, l.s, as.s, as.n, l.no))
				return P_FAIL;
			for (size_t i = 0; i < t->addrs.len; i++) {   /* locations exist from here on */
				uint32_t fi;
				hs_err rc = lm_frame_index(&t->frames, HS_VEC_AT(&t->addrs, uint64_t, i), &fi);
				if (rc)
					return rc == HS_E_LIMIT ? fail(t, rc, l.no, 1, "too many addresses")
					                        : nomem(t, l.no);
			}
			int64_t v[2];
			if (!go_parse_int(v1s.s, v1s.n, 0, &v[0]) || !go_parse_int(v2s.s, v2s.n, 0, &v[1])) {
				span bad = go_parse_int(v1s.s, v1s.n, 0, &v[0]) ? v2s : v1s;
				return fail(t, HS_E_SYNTAX, l.no, col_of(l.s, bad.s),
				            "%.*s is not an integer pprof reads (too large, or octal with a "
				            "leading 0 and an 8 or 9)", (int)(bad.n > 40 ? 40 : bad.n), bad.s);
			}
			int64_t bytes = 0;
			if (heap) {
				if (v[0] == 0)
					return fail(t, HS_E_SYNTAX, l.no, col_of(l.s, v1s.s),
					            "Java heap sample: the second value (the count) must not be 0");
				bytes = go_div(v[1], v[0]);
				scale_heap_sample(&v[0], &v[1], 524288);   /* javaHeapzSamplingRate */
			} else if (p->period != 0) {
				v[0] = go_mul(v[0], p->period);
				v[1] = go_mul(v[1], p->period);
			}
			if (hs_ntypes(p) == 0) {
				t->java_untyped++;   /* invalid, reported once the file is read */
			} else if (add_sample(t, v, 2, ADJ_NONE, heap, bytes, l.no)) {
				return P_FAIL;
			}
		}
		*pos = at;
		*no = at_no;
	}
	return P_OK;
}

/* "function (file:line)", "function (path)", stubs, or a bare name. */
static int java_symbol(tdec *t, jline *l, span sym, span *fn, span *file, int64_t *lineno)
{
	int r = rx(t, RX_JAVA_FILE_LINE, sym.s, sym.n, l->no);
	*lineno = 0;
	*file = (span){"", 0};
	if (r < 0)
		return P_FAIL;
	if (r) {
		span ln = grp(t, sym.s, 3);
		int64_t n;
		*fn = grp(t, sym.s, 1);
		*file = grp(t, sym.s, 2);
		if (go_parse_int(ln.s, ln.n, 10, &n) && n > 0)
			*lineno = n;
		return P_OK;
	}
	if ((r = rx(t, RX_JAVA_PATH, sym.s, sym.n, l->no)) < 0)
		return P_FAIL;
	if (r) {
		*fn = grp(t, sym.s, 1);
		*file = path_base(grp(t, sym.s, 2));
	} else if (contains(sym.s, sym.n, "generated stub/JIT")) {
		*fn = SP("STUB");
	} else {
		*fn = sym;
	}
	return P_OK;
}

static int java_locations(tdec *t, size_t pos, uint32_t no)
{
	hs_profile *p = t->p;
	size_t nf = t->frames.addrs.len;
	java_frame *jf = calloc(nf + 1, sizeof *jf);
	hs_vec fns;
	hs_idmap by_name;
	hs_vec_init(&fns, sizeof(java_fn));
	int rc = P_OK;
	if (!jf || !hs_idmap_init(&by_name, 64)) {
		free(jf);
		return nomem(t, no + 1);
	}
	jline l;
	while (rc == P_OK && java_line(t, &pos, &no, &l, true)) {
		if (l.t.n == 0)
			continue;
		int r = rx(t, RX_JAVA_LOCATION, l.t.s, l.t.n, l.no);
		if (r <= 0) {
			rc = r < 0 ? P_FAIL : P_OK;
			continue;
		}
		span hex = grp(t, l.t.s, 1), sym = grp(t, l.t.s, 2), fn, file;
		uint64_t addr;
		if (!go_parse_uint(hex.s, hex.n, 16, &addr)) {
			rc = fail(t, HS_E_SYNTAX, l.no, col_of(l.s, hex.s) - 2,
			          "location address 0x%.*s does not fit in 64 bits",
			          (int)(hex.n > 40 ? 40 : hex.n), hex.s);
			break;
		}
		uint32_t fi = hs_idmap_get(&t->frames.by_addr, addr);
		if (fi == UINT32_MAX)
			continue;   /* no sample uses it */
		int64_t lineno;
		if ((rc = java_symbol(t, &l, sym, &fn, &file, &lineno)) != P_OK)
			break;
		hs_str name = str(t, fn.s, fn.n), fname = str(t, file.s, file.n);
		if (name == HS_NONE || fname == HS_NONE) {
			rc = nomem(t, l.no);
			break;
		}
		uint32_t k = hs_idmap_get(&by_name, name);
		if (k == UINT32_MAX) {   /* the first file seen for a name stays */
			java_fn *f = hs_vec_push(&fns, 1);
			if (!f || !hs_idmap_put(&by_name, name, (uint32_t)(fns.len - 1), NULL)) {
				rc = nomem(t, l.no);
				break;
			}
			f->name = name;
			f->file = fname;
			k = (uint32_t)(fns.len - 1);
		}
		jf[fi] = (java_frame){true, k, lineno};
	}
	if (rc == P_OK && t->java_untyped)
		rc = fail(t, HS_E_INVALID, 1, 1,
		          "Java profile with %zu sample(s) but no resolution attribute: no sample types "
		          "(pprof: missing sample type information)", t->java_untyped);
	/* remapLocationIDs, remapFunctionIDs (by first use), remapMappingIDs,
	 * then Aggregate(..., address=false). */
	if (rc == P_OK && lm_assign_location_ids(p, &t->frames, t->err))
		rc = P_FAIL;
	uint64_t next_fn = 1;
	for (size_t i = 0; rc == P_OK && i < p->locations.len; i++) {
		hs_location *loc = hs_location_at(p, (uint32_t)i);
		const java_frame *f = &jf[hs_idmap_get(&t->frames.by_addr, loc->address)];
		if (!f->has)
			continue;
		java_fn *fn = &HS_VEC_AT(&fns, java_fn, f->fn);
		if (!fn->id) {
			hs_function *hf = hs_vec_push(&p->functions, 1);
			if (!hf) {
				rc = nomem(t, 1);
				break;
			}
			fn->id = next_fn++;
			*hf = (hs_function){.id = fn->id, .name = fn->name, .system_name = fn->name,
			                    .filename = fn->file};
		}
		hs_line *ln = hs_vec_push(&p->lines, 1);
		if (!ln) {
			rc = nomem(t, 1);
			break;
		}
		ln->function = (uint32_t)fn->id;
		ln->line = f->line;
		loc->line_start = (uint32_t)(p->lines.len - 1);
		loc->nlines = 1;
		loc->address = 0;
	}
	if (rc == P_OK && lm_attach_mappings(p, t->err))
		rc = P_FAIL;
	for (size_t i = 0; rc == P_OK && i < p->locations.len; i++)
		hs_location_at(p, (uint32_t)i)->address = 0;
	free(jf);
	hs_vec_release(&fns);
	hs_idmap_release(&by_name);
	return rc;
}

static bool compile_all(lm_rx *re, int from, int to);

hs_err lt_java_locations(hs_profile *p, lm_frames *frames, const uint8_t *data, size_t n,
                         size_t off, hs_error *err)
{
	tdec t = {.p = p, .err = err, .d = data, .n = n, .frames = *frames};
	hs_vec_init(&t.addrs, sizeof(uint64_t));
	hs_error_clear(&t.why);
	t.re = malloc(RX_N * sizeof *t.re);
	int r = P_FAIL;
	if (!t.re)
		hs_fail(err, HS_E_NOMEM, "out of memory");
	else if (!compile_all(t.re, 0, RX_N))
		hs_fail(err, HS_E_LIMIT, "internal error: a pattern does not compile");
	else
		r = java_locations(&t, off, 0);
	lm_rx_run_release(&t.run);
	hs_vec_release(&t.addrs);
	free(t.re);
	return r == P_OK ? HS_OK : err->code ? err->code : HS_E_FORMAT;
}

static int parse_java(tdec *t)
{
	const char *d = (const char *)t->d;
	const char *nl = memchr(d, '\n', t->n);
	if (!nl)
		return P_UNREC;
	span h = trimmed(d, (size_t)(nl - d));
	bool heap = span_is(h, "--- heapz 1 ---");
	if (!heap && !span_is(h, "--- contentionz 1 ---"))
		return P_UNREC;
	size_t pos = (size_t)(nl - d) + 1;
	uint32_t no = 1;
	int r;
	if ((r = java_header(t, heap, &pos, &no)) != P_OK ||
	    (r = java_samples(t, heap, &pos, &no)) != P_OK)
		return r;
	return java_locations(t, pos, no);
}

/* ---- entry points -------------------------------------------------------------- */

/* addLegacyFrameInfo: by the sample type names. */
static bool frame_info(tdec *t)
{
	static const char *const heapz[5][4] = {
		{"allocations", "size"}, {"objects", "space"}, {"inuse_objects", "inuse_space"},
		{"alloc_objects", "alloc_space"},
		{"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"}};
	static const size_t heapz_len[5] = {2, 2, 2, 2, 4};
	hs_profile *p = t->p;
	size_t nt = hs_ntypes(p);
	bool is_heap = false, is_lock = false;
	for (int k = 0; k < 5 && !is_heap; k++) {
		bool same = nt == heapz_len[k];
		for (size_t i = 0; same && i < nt; i++)
			same = strcmp(hs_s(p, hs_sample_type(p, i)->type),
			              heapz[k][i]) == 0;
		is_heap = same;
	}
	is_lock = nt == 2 &&
	          strcmp(hs_s(p, hs_sample_type(p, 0)->type), "contentions") == 0 &&
	          strcmp(hs_s(p, hs_sample_type(p, 1)->type), "delay") == 0;
	const char *drop = is_heap ? alloc_rx : is_lock ? lock_rx : cpu_profiler_rx;
	p->drop_frames = cstr(t, drop);
	p->keep_frames = is_heap ? cstr(t, alloc_skip_rx) : 0;
	return p->drop_frames != HS_NONE && p->keep_frames != HS_NONE;
}

/* A fresh profile for the next parser: string 0 is "". */
static bool reset(tdec *t)
{
	hs_profile_release(t->p);
	lm_frames_release(&t->frames);
	t->java_untyped = 0;
	if (!lm_frames_init(&t->frames))
		return false;
	t->bytes_key = 0;
	return hs_profile_add_string(t->p, "", 0) == 0 && (t->bytes_key = cstr(t, "bytes")) != HS_NONE;
}

static bool compile_all(lm_rx *re, int from, int to)
{
	for (int k = from; k < to; k++)
		if (!lm_rx_compile(&re[k], patterns[k]))
			return false;
	return true;
}

/* The first line, \r dropped. */
static span first_line(const uint8_t *d, size_t n)
{
	const char *s = (const char *)d, *nl = memchr(s, '\n', n);
	size_t len = nl ? (size_t)(nl - s) : n;
	return (span){s, len && s[len - 1] == '\r' ? len - 1 : len};
}

static bool jemalloc(const uint8_t *d, size_t n)
{
	span l = first_line(d, n);
	return has_prefix(l.s, l.n, "heap_v2/");
}

bool hs_legacy_text_detect(const uint8_t *data, size_t n)
{
	if (n > LM_SCAN_MAX)
		n = LM_SCAN_MAX;
	if (n == 0)
		return false;
	span l = first_line(data, n);
	if (contains(l.s, l.n, "heap profile:") || has_prefix(l.s, l.n, "--- contentionz ") ||
	    has_prefix(l.s, l.n, "--- mutex:") || has_prefix(l.s, l.n, "--- contention:") ||
	    span_is(trimmed(l.s, l.n), "--- heapz 1 ---") || jemalloc(data, n))
		return true;
	/* Goroutine/threadcreate counts and threadz: the first line that is
	 * neither blank nor a # comment. */
	scanner sc;
	scan_first(&sc, data, n);
	if (sc.len == 0)   /* only blank and comment lines: undecided in 4 KiB */
		return !sc.too_long && n >= 4096;
	lm_rx *re = malloc(3 * sizeof *re);
	lm_rx_run run = {0};
	int32_t cap[LM_RX_MAX_SAVE];
	bool yes = re && lm_rx_compile(&re[0], patterns[RX_DETECT_COUNT]) &&
	           lm_rx_compile(&re[1], patterns[RX_THREADZ_START]) &&
	           lm_rx_compile(&re[2], patterns[RX_THREAD_START]) &&
	           (lm_rx_match(&re[0], &run, sc.s, sc.len, cap) == 1 ||
	            lm_rx_match(&re[1], &run, sc.s, sc.len, cap) == 1 ||
	            lm_rx_match(&re[2], &run, sc.s, sc.len, cap) == 1);
	lm_rx_run_release(&run);
	free(re);
	return yes;
}

typedef int (*text_parser)(tdec *t);

/* The header a Go text profile starts with when several are written one
 * after another; NULL for the other texts. */
static const char *series_header(const uint8_t *d, size_t n)
{
	static const char *const heads[] = {"heap profile:", "goroutine profile: total "};
	span l = first_line(d, n);
	for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
		if (has_prefix(l.s, l.n, heads[i]))
			return heads[i];
	return NULL;
}

size_t hs_text_moments(const uint8_t *data, size_t n, size_t *starts, size_t max)
{
	const char *head = series_header(data, n);
	if (!head)
		return 0;
	size_t hl = strlen(head), count = 0;
	for (size_t at = 0; at < n;) {
		if (n - at >= hl && memcmp(data + at, head, hl) == 0) {
			if (starts && count < max)
				starts[count] = at;
			count++;
		}
		const uint8_t *nl = memchr(data + at, '\n', n - at);
		at = nl ? (size_t)(nl - data) + 1 : n;
	}
	return count;
}

hs_err hs_legacy_text_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err)
{
	static const text_parser parsers[5] = {parse_heap, parse_count, parse_thread,
	                                       parse_contention, parse_java};
	static const hs_format formats[5] = {HS_FMT_HEAP_TEXT, HS_FMT_COUNT_TEXT, HS_FMT_THREAD_TEXT,
	                                     HS_FMT_CONTENTION_TEXT, HS_FMT_JAVA_TEXT};
	if (n == 0)
		return hs_fail_line(err, HS_E_EMPTY, 1, 1, "empty profile (no bytes)");
	bool by_address = p->text_by_address;   /* reset() clears the profile */
	hs_error local;
	hs_error_clear(&local);
	tdec t = {.p = p, .err = &local, .d = data, .n = n, .by_address = by_address};
	hs_vec_init(&t.addrs, sizeof(uint64_t));
	hs_error_clear(&t.why);
	int r = P_FAIL;
	t.re = malloc(RX_N * sizeof *t.re);
	if (!t.re || !lm_frames_init(&t.frames)) {
		free(t.re);
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	}
	if (!compile_all(t.re, 0, RX_N)) {
		hs_fail(&local, HS_E_LIMIT, "internal error: a pattern does not compile");
	} else {
		for (int i = 0; i < 5; i++) {
			if (!reset(&t)) {
				r = nomem(&t, 1);
				break;
			}
			r = parsers[i](&t);
			if (r == P_OK) {
				p->format = formats[i];
				if (!frame_info(&t))
					r = nomem(&t, 1);
				break;
			}
			if (r == P_FAIL)
				break;
		}
	}
	if (r == P_UNREC) {
		if (t.why.code != HS_OK)
			local = t.why;
		else if (jemalloc(data, n))
			hs_fail_line(&local, HS_E_FORMAT, 1, 1,
			             "a jemalloc heap_v2 profile: go tool pprof (1.19) does not read this "
			             "format, nor does heapscope");
		else
			hs_fail_line(&local, HS_E_FORMAT, 1, 1,
			             "not a text profile pprof reads (no heap, count, threadz, contention "
			             "or Java header)");
	}
	lm_frames_release(&t.frames);
	lm_rx_run_release(&t.run);
	hs_vec_release(&t.addrs);
	free(t.re);
	if (r != P_OK) {
		if (err && err->code == HS_OK)
			*err = local;
		return local.code ? local.code : HS_E_FORMAT;
	}
	p->text_by_address = by_address;
	hs_err rc = hs_profile_finish(p, err);
	bool go_text = p->format == HS_FMT_HEAP_TEXT || p->format == HS_FMT_COUNT_TEXT ||
	               p->format == HS_FMT_CONTENTION_TEXT;
	if (rc == HS_OK && go_text && !p->text_by_address)
		rc = hs_text_symbolize(p, data, n, err);
	return rc;
}
