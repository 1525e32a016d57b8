/* GODEBUG=gctrace=1 logs; see include/heapscope/gctrace.h and
 * doc/format-gctrace.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/gctrace.h"
#include "heapscope/load.h"

void hs_gctrace_init(hs_gctrace *t)
{
	memset(t, 0, sizeof *t);
	hs_vec_init(&t->gcs, sizeof(hs_gc));
	hs_vec_init(&t->runs, sizeof(size_t));
}

void hs_gctrace_release(hs_gctrace *t)
{
	hs_vec_release(&t->gcs);
	hs_vec_release(&t->runs);
	hs_gctrace_init(t);
}

/* A cursor over one line. */
typedef struct cur {
	const char *s, *line, *end;
} cur;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool lit(cur *c, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(c->end - c->s) < n || memcmp(c->s, word, n) != 0)
		return false;
	c->s += n;
	return true;
}

/* An unsigned integer; at most 18 digits (no overflow). */
static bool uint_(cur *c, uint64_t *v)
{
	const char *p = c->s;
	uint64_t x = 0;
	while (p < c->end && is_digit(*p) && p - c->s < 18)
		x = x * 10 + (uint64_t)(*p++ - '0');
	if (p == c->s || (p < c->end && is_digit(*p)))
		return false;
	c->s = p;
	*v = x;
	return true;
}

/* A decimal such as 0.024 or 12 (what fmtNSAsMS and itoaDiv print). */
static bool dec(cur *c, double *v)
{
	uint64_t ip, fp = 0;
	if (!uint_(c, &ip))
		return false;
	double x = (double)ip;
	if (c->s < c->end && *c->s == '.') {
		c->s++;
		const char *f = c->s;
		if (!uint_(c, &fp))
			return false;
		x += (double)fp / pow(10, (double)(c->s - f));
	}
	*v = x;
	return true;
}

/* "A+B+...": numbers joined by any of `seps`; returns their sum, the
 * first and the last, and how many there were. */
static bool dec_list(cur *c, const char *seps, double *sum, double *first, double *last,
                     int *count)
{
	*sum = 0;
	*count = 0;
	for (;;) {
		double x;
		if (!dec(c, &x))
			return false;
		if (*count == 0)
			*first = x;
		*last = x;
		*sum += x;
		(*count)++;
		if (c->s < c->end && strchr(seps, *c->s) && *c->s)
			c->s++;
		else
			return true;
	}
}

static bool mb(cur *c, int64_t *bytes)
{
	uint64_t v;
	if (!uint_(c, &v) || v > ((uint64_t)1 << 40))
		return false;
	*bytes = (int64_t)(v << 20);
	return true;
}

/* Where a gc line starts in [line, end): "gc N @" (N digits), at the
 * start or after a blank, bracket, colon or similar (a log prefix). */
static const char *gc_start(const char *line, const char *end)
{
	for (const char *p = line; p + 5 <= end; p++) {
		p = memchr(p, 'g', (size_t)(end - p));
		if (!p || p + 5 > end)
			return NULL;
		if (p[1] != 'c' || p[2] != ' ' || !is_digit(p[3]))
			continue;
		if (p > line && (is_digit(p[-1]) || (p[-1] >= 'a' && p[-1] <= 'z') ||
		                 (p[-1] >= 'A' && p[-1] <= 'Z') || p[-1] == '_'))
			continue;
		const char *q = p + 3;
		while (q < end && is_digit(*q))
			q++;
		if (q + 1 < end && q[0] == ' ' && q[1] == '@')
			return p;
	}
	return NULL;
}

static hs_err bad(hs_error *err, const cur *c, uint32_t lno, const char *want)
{
	return hs_fail_line(err, HS_E_SYNTAX, lno, (uint32_t)(c->s - c->line) + 1,
	                    "gctrace line: expected %s", want);
}

/* One gc line from `p` (its "gc"). */
static hs_err parse_gc(cur *c, uint32_t lno, hs_gc *g, hs_error *err)
{
	memset(g, 0, sizeof *g);
	g->line = lno;
	double first, last, sum;
	int n;
	uint64_t u = 0;
	if (!lit(c, "gc ") || !uint_(c, &g->num))
		return bad(err, c, lno, "the GC number after 'gc '");
	if (!lit(c, " @") || !dec(c, &g->at_s) || !lit(c, "s "))
		return bad(err, c, lno, "' @SECONDSs '");
	const char *at = c->s;
	if (!uint_(c, &u) || u > 100 || !lit(c, "%: ")) {
		c->s = u > 100 ? at : c->s;   /* point at the number out of range */
		return bad(err, c, lno, "'PERCENT%: ' (0 to 100)");
	}
	g->cpu_percent = (int)u;
	if (!dec_list(c, "+", &sum, &first, &last, &n) || (n != 3 && n != 5))
		return bad(err, c, lno, "3 or 5 wall-clock phases 'A+B+C'");
	g->clock_ms = sum;
	g->stw_ms = first + last;
	if (!lit(c, " ms clock, "))
		return bad(err, c, lno, "' ms clock, '");
	if (!dec_list(c, "+/", &sum, &first, &last, &n) || n < 3)
		return bad(err, c, lno, "the CPU phases 'A+B/C/D+E'");
	if (!lit(c, " ms cpu, "))
		return bad(err, c, lno, "' ms cpu, '");
	if (!mb(c, &g->heap_start) || !lit(c, "->") || !mb(c, &g->heap_end) || !lit(c, "->") ||
	    !mb(c, &g->heap_live) || !lit(c, " MB, "))
		return bad(err, c, lno, "'START->END->LIVE MB, '");
	if (!mb(c, &g->goal) || !lit(c, " MB goal, "))
		return bad(err, c, lno, "'GOAL MB goal, '");
	g->stacks = g->globals = -1;
	cur save = *c;
	if (mb(c, &g->stacks) && lit(c, " MB stacks, ")) {
		if (!mb(c, &g->globals) || !lit(c, " MB globals, "))
			return bad(err, c, lno, "'GLOBALS MB globals, '");
	} else {
		*c = save;
		g->stacks = -1;
	}
	at = c->s;
	u = 0;
	if (!uint_(c, &u) || u == 0 || u > 1 << 20 || !lit(c, " P")) {
		c->s = u == 0 || u > 1 << 20 ? at : c->s;
		return bad(err, c, lno, "'PROCS P'");
	}
	g->procs = (int)u;
	if (lit(c, " (forced)"))
		g->forced = true;
	while (c->s < c->end && (*c->s == ' ' || *c->s == '\r'))
		c->s++;
	if (c->s != c->end)
		return bad(err, c, lno, "the end of the line");
	return HS_OK;
}

/* The lines of data[0..n); `last`: n is the end of the log (a final line
 * without a newline is then a cut one). */
static hs_err parse_lines(hs_gctrace *t, const uint8_t *data, size_t n, bool last,
                          hs_error *err)
{
	const char *p = (const char *)data, *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (t->lines >= UINT32_MAX - 1)
			return hs_fail(err, HS_E_LIMIT, "more than 4294967294 lines");
		uint32_t lno = (uint32_t)++t->lines;
		const char *g = gc_start(p, le);
		if (!g) {
			t->other_lines++;
		} else if (!nl && last) {
			/* The file stops inside its last line: a cut log. */
			t->cut_last_line = true;
		} else {
			cur c = {.s = g, .line = p, .end = le};
			hs_gc gc;
			hs_err rc = parse_gc(&c, lno, &gc, err);
			if (rc)
				return rc;
			const hs_gc *prev = t->gcs.len ? hs_gctrace_gc(t, t->gcs.len - 1) : NULL;
			if (!prev || gc.num != prev->num + 1) {
				size_t *r = hs_vec_push(&t->runs, 1);
				if (!r)
					return hs_fail(err, HS_E_NOMEM, NULL);
				*r = t->gcs.len;
			}
			hs_gc *slot = hs_vec_push(&t->gcs, 1);
			if (!slot)
				return hs_fail(err, HS_E_NOMEM, NULL);
			*slot = gc;
		}
		p = nl ? nl + 1 : end;
	}
	return HS_OK;
}

static hs_err no_gc(const hs_gctrace *t, hs_error *err)
{
	if (t->gcs.len)
		return HS_OK;
	if (t->cut_last_line)
		return hs_fail_line(err, HS_E_TRUNCATED, (uint32_t)t->lines, 1,
		                    "the only gc line of the log is cut short");
	return hs_fail(err, HS_E_FORMAT,
	               "no 'gc N @...' line in %llu lines: not a GODEBUG=gctrace=1 log",
	               (unsigned long long)t->lines);
}

hs_err hs_gctrace_parse(hs_gctrace *t, const uint8_t *data, size_t n, bool complete,
                        hs_error *err)
{
	hs_err rc = parse_lines(t, data, n, complete, err);
	return rc ? rc : no_gc(t, err);
}

enum { CHUNK = 1 << 20 };

/* Streams: whole lines as they arrive, read pages given back; memory
 * grows with the GC lines, not with the log. */
hs_err hs_gctrace_load(hs_gctrace *t, const char *path, hs_error *err)
{
	hs_input in;
	hs_err rc = hs_input_open(&in, path, 0, err);
	size_t done = 0;
	while (rc == HS_OK) {
		size_t avail = hs_input_wait(&in, done + CHUNK);
		if (avail > done + CHUNK)
			avail = done + CHUNK;   /* a mapped file is all there: a step at a time */
		bool last = in.complete && avail == in.len;
		const uint8_t *zero = memchr(in.data + done, '\0', avail - done);
		if (zero) {
			rc = hs_fail_at(err, HS_E_FORMAT, (uint64_t)(zero - in.data),
			                "binary data: not a GODEBUG=gctrace=1 log");
			break;
		}
		size_t upto = avail;
		if (!last) {
			const uint8_t *nl = avail > done ? memrchr(in.data + done, '\n', avail - done) : NULL;
			if (!nl && avail - done < CHUNK && !(rc = hs_input_error(&in, err)))
				continue;   /* wait for the rest of the line */
			upto = nl ? (size_t)(nl - in.data) + 1 : avail;   /* a huge line: as it is */
		}
		if (rc == HS_OK)
			rc = parse_lines(t, in.data + done, upto - done, last, err);
		hs_input_drop(&in, upto);
		done = upto;
		if (last || rc)
			break;
		rc = hs_input_error(&in, err);
	}
	if (rc == HS_OK)
		rc = hs_input_error(&in, err);
	if (rc == HS_OK)
		rc = no_gc(t, err);
	hs_input_release(&in);
	return rc;
}

bool hs_gctrace_detect(const uint8_t *data, size_t n)
{
	const char *p = (const char *)data, *end = p + (n > 65536 ? 65536 : n);
	for (int lines = 0; p < end && lines < 64; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *g = gc_start(p, le);
		if (g && memmem(g, (size_t)(le - g), "ms clock, ", 10))
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

size_t hs_gctrace_nruns(const hs_gctrace *t)
{
	return t->runs.len;
}
