/* What the legacy loaders share (legacy_maps.h): pprof's regexps, its
 * memory-map trailer and its id remapping, rebuilt from Go 1.19's vendored
 * pprof (profile/legacy_profile.go, profile.go).  Moved here from
 * legacy_cpu.c unchanged in behaviour; the regex engine gained what the
 * text formats' patterns need (., \d, \w, $, unanchored search). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "legacy_maps.h"

/* ---- a small regex engine ----------------------------------------------
 * pprof reads its text with Go regexps, whose leftmost-first submatches
 * are those a backtracking matcher finds; the patterns need the
 * backtracking ("abcdef" is start "abcde", end "f").  pprof's pattern text
 * is compiled here and run by a backtracker that never retries an
 * (instruction, position) pair, like Go's own: time and memory linear in
 * the line, where PCRE2 goes quadratic on lines a fuzzer finds.  A search
 * (pattern without ^) is the pattern behind a lazy "skip a byte" loop,
 * which tries each start position in turn and shares the visited pairs
 * between them, as Go's backtracker does.  Go steps over whole UTF-8
 * sequences there; every unanchored pattern used here starts with an
 * ASCII byte, which never occurs inside a sequence, so starting inside
 * one finds nothing either way. */

enum { RX_CLASS, RX_SPLIT, RX_JMP, RX_SAVE, RX_MATCH, RX_END };

static unsigned rx_emit(lm_rx *re, int op)
{
	if (re->n >= LM_RX_MAX_INST) {
		re->bad = true;
		return LM_RX_MAX_INST - 1;
	}
	memset(&re->in[re->n], 0, sizeof re->in[0]);
	re->in[re->n].op = (uint8_t)op;
	return re->n++;
}

static void set_range(uint8_t *set, int lo, int hi)
{
	for (int c = lo; c <= hi; c++)
		set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

/* Go's \s is [\t\n\f\r ]: no \v, unlike PCRE's. */
static void set_space(uint8_t *set)
{
	set_range(set, '\t', '\n');
	set_range(set, '\f', '\r');
	set_range(set, ' ', ' ');
}

/* Go's \w is [0-9A-Za-z_], ASCII only. */
static void set_word(uint8_t *set)
{
	set_range(set, '0', '9');
	set_range(set, 'A', 'Z');
	set_range(set, 'a', 'z');
	set_range(set, '_', '_');
}

static void set_invert(uint8_t *set)
{
	for (int i = 0; i < 32; i++)
		set[i] = (uint8_t)~set[i];
}

/* One past the atom at s: an escape, a [class], a (group) or a byte. */
static const char *rx_atom_end(const char *s)
{
	if (*s == '\\')
		return s[1] ? s + 2 : s + 1;
	if (*s == '[') {
		for (s++; *s && *s != ']'; s++) {
			if (*s == '\\' && s[1])
				s++;
			else if (s[0] == '[' && s[1] == ':' && strstr(s, ":]"))
				s = strstr(s, ":]") + 1;
		}
		return *s ? s + 1 : s;
	}
	if (*s == '(') {
		int depth = 0;
		for (; *s; s++) {
			if (*s == '\\' || *s == '[')
				s = rx_atom_end(s) - 1;
			else if (*s == '(')
				depth++;
			else if (*s == ')' && --depth == 0)
				return s + 1;
		}
		return s;
	}
	return *s ? s + 1 : s;
}

static void rx_class(lm_rx *re, const char **ps, uint8_t *set)
{
	const char *s = *ps + 1;
	bool neg = *s == '^';
	for (s += neg; *s && *s != ']';) {
		if (strncmp(s, "[:xdigit:]", 10) == 0 || strncmp(s, "[:digit:]", 9) == 0) {
			bool hex = s[2] == 'x';
			set_range(set, '0', '9');
			if (hex) {
				set_range(set, 'a', 'f');
				set_range(set, 'A', 'F');
			}
			s += hex ? 10 : 9;
			continue;
		}
		int c = (unsigned char)*s++;
		if (c == '\\' && (*s == 's' || *s == 'd' || *s == 'w')) {
			if (*s == 's')
				set_space(set);
			else if (*s == 'd')
				set_range(set, '0', '9');
			else
				set_word(set);
			s++;
			continue;
		}
		if (c == '\\' && *s)
			c = (unsigned char)*s++;
		if (s[0] == '-' && s[1] && s[1] != ']') {
			set_range(set, c, (unsigned char)s[1]);
			s += 2;
		} else {
			set_range(set, c, c);
		}
	}
	if (*s != ']')
		re->bad = true;
	if (neg)
		set_invert(set);
	*ps = *s ? s + 1 : s;
}

static void rx_seq(lm_rx *re, const char **ps);

static void rx_atom(lm_rx *re, const char **ps)
{
	const char *s = *ps;
	if (*s == '(') {
		int slot = -1;
		if (strncmp(++s, "?:", 2) == 0)
			s += 2;
		else if (++re->ncap * 2 + 1 < LM_RX_MAX_SAVE)
			slot = (int)re->ncap * 2;
		else
			re->bad = true;
		if (slot >= 0)
			re->in[rx_emit(re, RX_SAVE)].slot = (uint8_t)slot;
		rx_seq(re, &s);
		if (*s++ != ')')
			re->bad = true;
		if (slot >= 0)
			re->in[rx_emit(re, RX_SAVE)].slot = (uint8_t)(slot + 1);
		*ps = s;
		return;
	}
	uint8_t *set = re->in[rx_emit(re, RX_CLASS)].set;
	if (*s == '[') {
		rx_class(re, &s, set);
	} else if (*s == '\\' && (s[1] == 's' || s[1] == 'S')) {
		set_space(set);
		if (s[1] == 'S')
			set_invert(set);
		s += 2;
	} else if (*s == '\\' && (s[1] == 'd' || s[1] == 'w')) {
		if (s[1] == 'd')
			set_range(set, '0', '9');
		else
			set_word(set);
		s += 2;
	} else if (*s == '.') {       /* any character but \n */
		set_range(set, 0, 255);
		set[1] &= (uint8_t)~(1u << ('\n' & 7));
		s++;
	} else {
		s += *s == '\\';
		set_range(set, (unsigned char)*s, (unsigned char)*s);
		s++;
	}
	*ps = s;
}

/* A sequence of atoms, each optionally followed by ?, * or + (greedy). */
static void rx_seq(lm_rx *re, const char **ps)
{
	const char *s = *ps;
	while (*s && *s != ')' && !re->bad) {
		if (*s == '^' && s == *ps) {   /* every match is anchored at 0 */
			s++;
			continue;
		}
		if (s[0] == '\\' && s[1] == 'A' && s == *ps) {
			s += 2;
			continue;
		}
		if (*s == '$' || (s[0] == '\\' && s[1] == 'z')) {   /* end of text */
			rx_emit(re, RX_END);
			s += *s == '$' ? 1 : 2;
			continue;
		}
		if (strchr("|*+?{^", *s)) {
			re->bad = true;
			break;
		}
		char q = *rx_atom_end(s);
		unsigned start = re->n, split = 0;
		if (q == '?' || q == '*')
			split = rx_emit(re, RX_SPLIT);
		rx_atom(re, &s);
		if (q == '*')
			re->in[rx_emit(re, RX_JMP)].x = (uint16_t)split;
		if (q == '?' || q == '*') {
			re->in[split].x = (uint16_t)(split + 1);
			re->in[split].y = (uint16_t)re->n;
		} else if (q == '+') {
			unsigned sp = rx_emit(re, RX_SPLIT);
			re->in[sp].x = (uint16_t)start;
			re->in[sp].y = (uint16_t)(sp + 1);
		}
		s += q == '?' || q == '*' || q == '+';
	}
	*ps = s;
}

bool lm_rx_compile(lm_rx *re, const char *pattern)
{
	memset(re, 0, sizeof *re);
	re->anchored = pattern[0] == '^' || (pattern[0] == '\\' && pattern[1] == 'A');
	if (!re->anchored) {
		/* 0: SPLIT 3, 1   1: any byte   2: JMP 0   3: SAVE 0   4: pattern */
		unsigned split = rx_emit(re, RX_SPLIT), any = rx_emit(re, RX_CLASS);
		set_range(re->in[any].set, 0, 255);
		re->in[rx_emit(re, RX_JMP)].x = (uint16_t)split;
		re->in[split].x = 3;
		re->in[split].y = 1;
		re->in[rx_emit(re, RX_SAVE)].slot = 0;
		re->body = re->n;
	}
	rx_seq(re, &pattern);
	rx_emit(re, RX_MATCH);
	return !re->bad && *pattern == '\0';
}

static bool rx_push(lm_rx_run *r, uint64_t job)
{
	if (r->njobs == r->jobs_cap) {
		size_t ncap = r->jobs_cap ? r->jobs_cap * 2 : 256;
		uint64_t *nj = realloc(r->jobs, ncap * sizeof *nj);
		if (!nj)
			return false;
		r->jobs = nj;
		r->jobs_cap = ncap;
	}
	r->jobs[r->njobs++] = job;
	return true;
}

#define RX_RESTORE (UINT64_C(1) << 63)

/* Clear the visited bits for a line of n bytes (n < 2^31). */
static bool rx_reset(const lm_rx *re, lm_rx_run *r, size_t n, int32_t *cap)
{
	size_t words = (re->n * (n + 1) + 63) / 64;
	if (words > r->seen_words) {
		uint64_t *ns = realloc(r->seen, words * sizeof *ns);
		if (!ns)
			return false;
		r->seen = ns;
		r->seen_words = words;
	}
	memset(r->seen, 0, words * sizeof *r->seen);
	for (int i = 0; i < LM_RX_MAX_SAVE; i++)
		cap[i] = -1;
	r->njobs = 0;
	return rx_push(r, 0);
}

static bool rx_first_visit(lm_rx_run *r, size_t bit)
{
	uint64_t mask = UINT64_C(1) << (bit % 64);
	bool first = !(r->seen[bit / 64] & mask);
	r->seen[bit / 64] |= mask;
	return first;
}

static bool rx_accepts(const lm_rx_inst *in, const char *s, size_t n, size_t pos)
{
	unsigned char c = pos < n ? (unsigned char)s[pos] : 0;
	return pos < n && (in->set[c >> 3] & (1u << (c & 7)));
}

static int rx_backtrack(const lm_rx *re, lm_rx_run *r, const char *s, size_t n, int32_t *cap)
{
	if (!rx_reset(re, r, n, cap))
		return -1;
	while (r->njobs) {
		uint64_t job = r->jobs[--r->njobs];
		if (job & RX_RESTORE) {
			cap[(job >> 32) & 0xff] = (int32_t)(uint32_t)job;
			continue;
		}
		size_t pc = (size_t)(job >> 32), pos = (uint32_t)job;
		while (rx_first_visit(r, pc * (n + 1) + pos)) {
			const lm_rx_inst *in = &re->in[pc];
			if (in->op == RX_CLASS) {
				if (!rx_accepts(in, s, n, pos)) {
					if (pc >= re->body && pos > r->far)
						r->far = pos;
					break;
				}
				pc++;
				pos++;
			} else if (in->op == RX_SPLIT) {
				if (!rx_push(r, (uint64_t)in->y << 32 | pos))
					return -1;
				pc = in->x;
			} else if (in->op == RX_JMP) {
				pc = in->x;
			} else if (in->op == RX_SAVE) {
				if (!rx_push(r, RX_RESTORE | (uint64_t)in->slot << 32 | (uint32_t)cap[in->slot]))
					return -1;
				cap[in->slot] = (int32_t)pos;
				pc++;
			} else if (in->op == RX_END) {
				if (pos != n) {
					if (pos > r->far)
						r->far = pos;
					break;
				}
				pc++;
			} else {
				if (re->anchored)
					cap[0] = 0;
				cap[1] = (int32_t)pos;
				return 1;
			}
		}
	}
	return 0;
}

/* ---- the same semantics in a Pike VM, for long subjects ----------------
 * Threads run in lockstep over the subject, in priority order; a thread
 * that matches cuts those below it, as in Go's regexp/exec.go.  Memory is
 * two lists of at most one thread per instruction. */

#define PIKE_T (1 + LM_RX_MAX_SAVE)   /* pc, then the capture slots */

typedef struct pike_list {
	int32_t *t;
	size_t n;
	uint64_t on[(LM_RX_MAX_INST + 63) / 64];
} pike_list;

static void pike_add(const lm_rx *re, pike_list *l, unsigned pc, size_t pos, size_t n,
                     int32_t *cap)
{
	if (l->on[pc / 64] & (UINT64_C(1) << (pc % 64)))
		return;
	l->on[pc / 64] |= UINT64_C(1) << (pc % 64);
	const lm_rx_inst *in = &re->in[pc];
	switch (in->op) {
	case RX_SPLIT:
		pike_add(re, l, in->x, pos, n, cap);
		pike_add(re, l, in->y, pos, n, cap);
		break;
	case RX_JMP:
		pike_add(re, l, in->x, pos, n, cap);
		break;
	case RX_SAVE: {
		int32_t old = cap[in->slot];
		cap[in->slot] = (int32_t)pos;
		pike_add(re, l, pc + 1, pos, n, cap);
		cap[in->slot] = old;
		break;
	}
	case RX_END:
		if (pos == n)
			pike_add(re, l, pc + 1, pos, n, cap);
		break;
	default: {
		int32_t *t = l->t + l->n++ * PIKE_T;
		t[0] = (int32_t)pc;
		memcpy(t + 1, cap, LM_RX_MAX_SAVE * sizeof *cap);
	}
	}
}

static int rx_pike(const lm_rx *re, lm_rx_run *r, const char *s, size_t n, int32_t *cap)
{
	size_t need = 2 * (size_t)re->n * PIKE_T;
	if (need > r->threads_cap) {
		int32_t *nt = realloc(r->threads, need * sizeof *nt);
		if (!nt)
			return -1;
		r->threads = nt;
		r->threads_cap = need;
	}
	pike_list lists[2], *cur = &lists[0], *next = &lists[1];
	memset(lists, 0, sizeof lists);
	lists[0].t = r->threads;
	lists[1].t = r->threads + (size_t)re->n * PIKE_T;
	int32_t init[LM_RX_MAX_SAVE];
	for (int i = 0; i < LM_RX_MAX_SAVE; i++)
		init[i] = -1;
	int matched = 0;
	pike_add(re, cur, 0, 0, n, init);
	for (size_t pos = 0; cur->n; pos++) {
		next->n = 0;
		memset(next->on, 0, sizeof next->on);
		for (size_t i = 0; i < cur->n; i++) {
			int32_t *t = cur->t + i * PIKE_T;
			const lm_rx_inst *in = &re->in[t[0]];
			if (in->op == RX_MATCH) {
				memcpy(cap, t + 1, LM_RX_MAX_SAVE * sizeof *cap);
				if (re->anchored)
					cap[0] = 0;
				cap[1] = (int32_t)pos;
				matched = 1;
				break;   /* threads below this one lose */
			}
			if (rx_accepts(in, s, n, pos))
				pike_add(re, next, (unsigned)t[0] + 1, pos + 1, n, t + 1);
			else if ((unsigned)t[0] >= re->body && pos > r->far)
				r->far = pos;
		}
		pike_list *tmp = cur;
		cur = next;
		next = tmp;
	}
	return matched;
}

int lm_rx_match(const lm_rx *re, lm_rx_run *r, const char *s, size_t n, int32_t *cap)
{
	r->far = 0;
	if ((uint64_t)re->n * (n + 1) > LM_RX_BITMAP_MAX)
		return rx_pike(re, r, s, n, cap);
	return rx_backtrack(re, r, s, n, cap);
}

void lm_rx_run_release(lm_rx_run *r)
{
	free(r->seen);
	free(r->jobs);
	free(r->threads);
	memset(r, 0, sizeof *r);
}

/* ---- text --------------------------------------------------------------- */

size_t lm_space_at(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (n >= 2 && s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n >= 3) {
		uint32_t c = (uint32_t)s[0] << 16 | (uint32_t)s[1] << 8 | s[2];
		if (c == 0xe19a80 || (c >= 0xe28080 && c <= 0xe2808a) || c == 0xe280a8 ||
		    c == 0xe280a9 || c == 0xe280af || c == 0xe2819f || c == 0xe38080)
			return 3;
	}
	return 0;
}

void lm_trim_space(const char **s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)*s;
	size_t a = 0, b = *n, k;
	while ((k = lm_space_at(u + a, b - a)) != 0)
		a += k;
	for (bool more = true; more && b > a;) {
		more = false;
		for (k = 1; k <= 3 && k <= b - a; k++) {
			if (lm_space_at(u + b - k, k) == k) {
				b -= k;
				more = true;
				break;
			}
		}
	}
	*s += a;
	*n = b - a;
}

/* ---- frames ------------------------------------------------------------- */

bool lm_frames_init(lm_frames *f)
{
	hs_vec_init(&f->addrs, sizeof(uint64_t));
	return hs_idmap_init(&f->by_addr, 1024);
}

void lm_frames_release(lm_frames *f)
{
	hs_vec_release(&f->addrs);
	hs_idmap_release(&f->by_addr);
}

hs_err lm_frame_index(lm_frames *f, uint64_t addr, uint32_t *out)
{
	uint32_t i = hs_idmap_get(&f->by_addr, addr);
	if (i == UINT32_MAX) {
		uint64_t *slot;
		if (f->addrs.len >= UINT32_MAX - 1)
			return HS_E_LIMIT;
		if (!(slot = hs_vec_push(&f->addrs, 1)))
			return HS_E_NOMEM;
		*slot = addr;
		i = (uint32_t)(f->addrs.len - 1);
		if (!hs_idmap_put(&f->by_addr, addr, i, NULL))
			return HS_E_NOMEM;
	}
	*out = i;
	return HS_OK;
}

/* ---- stack surgery ------------------------------------------------------ */

void lm_drop_second_frames(hs_profile *p, lm_second_frame_pred drop, const void *ctx)
{
	/* Stacks are interned (model.h): edit each distinct stack once. */
	uint32_t *st = p->stack.data, *off = p->stack_off.data, w = 0;
	if (p->nstacks == 0)
		return;
	for (size_t s = 0; s < p->nstacks; s++) {
		uint32_t a = off[s], b = off[s + 1];
		bool cut = b - a > 1 && drop(ctx, st + a);
		off[s] = w;
		for (uint32_t k = a; k < b; k++)
			if (!(cut && k == a + 1))
				st[w++] = st[k];
	}
	off[p->nstacks] = w;
	p->stack.len = w;
}

bool lm_duplicate_leaf(const void *ctx, const uint32_t *stk)
{
	const hs_profile *p = ctx;
	return hs_location_at(p, stk[0] - 1)->address == hs_location_at(p, stk[1] - 1)->address + 1;
}

/* ---- the maps text: lines, attributes ----------------------------------- */

typedef struct attr {
	const char *key, *val;
	uint32_t klen, vlen;
} attr;

typedef struct mapctx {
	hs_profile *p;
	hs_error *err;
	uint32_t line;         /* line number of the current line, 0: use offsets */
	lm_rx proc, brief, loginfo;
	lm_rx_run run;
	hs_arena tmp;          /* attribute keys and values */
	hs_strmap index;       /* "$key" -> its first definition in attrs */
	hs_vec attrs;          /* attr */
	hs_vec key_lens;       /* uint32: the distinct key lengths */
	char *buf;             /* a line after $key substitution */
	size_t buf_len, buf_cap;
} mapctx;

/* pprof's patterns, verbatim (legacy_profile.go). */
#define C_HEX_RANGE "\\s*(?:0x)?([[:xdigit:]]+)[\\s-]?\\s*(?:0x)?([[:xdigit:]]+):?"
#define C_PERM "(?:\\s+([-rwxp]+))?"
static const char proc_maps_re[] = "^" C_HEX_RANGE C_PERM "(?:\\s+([[:xdigit:]]+))?"
                                   "\\s+[[:xdigit:]]+:[[:xdigit:]]+\\s+[[:digit:]]+"
                                   "(?:\\s+(\\S+))?";
static const char brief_maps_re[] = "^" C_HEX_RANGE C_PERM "(?:\\s+(\\S+))?"
                                    "(?:\\s+\\(@([[:xdigit:]]+)\\))?(?:\\s+([[:xdigit:]]+))?";
static const char log_info_re[] = "^[^\\[\\]]+:[0-9]+]\\s";

static hs_err map_fail(mapctx *m, hs_err code, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static hs_err map_fail(mapctx *m, hs_err code, size_t off, const char *fmt, ...)
{
	char msg[sizeof m->err->detail];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (m->line)
		return hs_fail_line(m->err, code, m->line, 1, "%s", msg);
	return hs_fail_at(m->err, code, off, "%s", msg);
}

static hs_err map_nomem(mapctx *m, size_t off)
{
	if (m->line)
		return hs_fail_line(m->err, HS_E_NOMEM, m->line, 1, "out of memory");
	return hs_fail_at(m->err, HS_E_NOMEM, off, "out of memory");
}

/* "key=value" lines that are not mappings define $key for later lines. */
static hs_err add_attr(mapctx *m, const char *s, size_t n, size_t off)
{
	const char *eq = memchr(s, '=', n), *k = s, *v = eq + 1;
	size_t kn = (size_t)(eq - s), vn = n - kn - 1;
	lm_trim_space(&k, &kn);
	lm_trim_space(&v, &vn);
	char *key = hs_arena_alloc(&m->tmp, kn + 1);
	char *val = hs_arena_strndup(&m->tmp, v, vn);
	if (!key || !val)
		return map_nomem(m, off);
	key[0] = '$';
	memcpy(key + 1, k, kn);
	uint32_t at = (uint32_t)m->attrs.len;
	uint32_t got = hs_strmap_get_or_put(&m->index, key, kn + 1, at);
	if (got == UINT32_MAX)
		return map_nomem(m, off);
	if (got != at)   /* strings.Replacer: the first definition wins */
		return HS_OK;
	attr *a = hs_vec_push(&m->attrs, 1);
	if (!a)
		return map_nomem(m, off);
	*a = (attr){key, val, (uint32_t)kn + 1, (uint32_t)vn};
	for (size_t i = 0; i < m->key_lens.len; i++)
		if (HS_VEC_AT(&m->key_lens, uint32_t, i) == kn + 1)
			return HS_OK;
	uint32_t *len = hs_vec_push(&m->key_lens, 1);
	if (!len)
		return map_nomem(m, off);
	*len = (uint32_t)kn + 1;
	return HS_OK;
}

/* The earliest-defined key that starts at s, as strings.Replacer picks. */
static const attr *attr_at(const mapctx *m, const char *s, size_t n)
{
	uint32_t best = UINT32_MAX;
	for (size_t i = 0; i < m->key_lens.len; i++) {
		uint32_t len = HS_VEC_AT(&m->key_lens, uint32_t, i);
		uint32_t at = len <= n ? hs_strmap_get(&m->index, s, len) : UINT32_MAX;
		if (at < best)
			best = at;
	}
	return best == UINT32_MAX ? NULL : &HS_VEC_AT(&m->attrs, attr, best);
}

/* Append to the substitution buffer.  pprof puts no bound on a line after
 * substitution; heapscope keeps it under the scanner's own limit. */
static bool buf_add(mapctx *m, const char *s, size_t n)
{
	if (n == 0)
		return true;
	if (n >= LM_SCAN_MAX - m->buf_len)
		return false;
	if (m->buf_len + n > m->buf_cap) {
		size_t ncap = m->buf_cap ? m->buf_cap : 256;
		while (ncap < m->buf_len + n)
			ncap *= 2;
		char *nb = realloc(m->buf, ncap);
		if (!nb)
			return false;
		m->buf = nb;
		m->buf_cap = ncap;
	}
	memcpy(m->buf + m->buf_len, s, n);
	m->buf_len += n;
	return true;
}

/* Replace each $key by its value (strings.Replacer, non-recursive). */
static hs_err substitute(mapctx *m, const char **sp, size_t *np, size_t off)
{
	const char *s = *sp, *dollar;
	size_t n = *np, i = 0, last = 0;
	bool ok = true;
	m->buf_len = 0;
	while (ok && i < n && (dollar = memchr(s + i, '$', n - i)) != NULL) {
		i = (size_t)(dollar - s);
		const attr *a = attr_at(m, s + i, n - i);
		if (!a) {
			i++;
			continue;
		}
		ok = buf_add(m, s + last, i - last) && buf_add(m, a->val, a->vlen);
		i += a->klen;
		last = i;
	}
	if (last == 0)
		return HS_OK;
	if (!ok || !buf_add(m, s + last, n - last))
		return map_fail(m, HS_E_LIMIT, off,
		                "maps line grows past %d bytes after $attribute substitution",
		                LM_SCAN_MAX - 1);
	*sp = m->buf;
	*np = m->buf_len;
	return HS_OK;
}

/* ---- the maps text: mapping entries ------------------------------------- */

typedef struct span {
	const char *s;
	size_t n;
} span;

static span group(const char *s, const int32_t *cap, int k)
{
	if (cap[2 * k] < 0 || cap[2 * k + 1] < 0)
		return (span){s, 0};
	return (span){s + cap[2 * k], (size_t)(cap[2 * k + 1] - cap[2 * k])};
}

/* strconv.ParseUint(s, 16, 64): fails only on overflow for these spans. */
static bool parse_hex(span h, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < h.n; i++) {
		int c = (unsigned char)h.s[i];
		int dv = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
		if (v >> 60)
			return false;
		v = v << 4 | (uint64_t)dv;
	}
	*out = v;
	return true;
}

enum { ENTRY_DONE, ENTRY_UNRECOGNIZED, ENTRY_NOMEM };

static int push_mapping(mapctx *m, span file, span build, uint64_t start, uint64_t limit,
                        uint64_t offset)
{
	hs_profile *p = m->p;
	hs_str f = hs_profile_intern(p, file.s, file.n);
	hs_str b = hs_profile_intern(p, build.s, build.n);
	hs_mapping *mp = f == HS_NONE || b == HS_NONE ? NULL : hs_vec_push(&p->mappings, 1);
	if (!mp)
		return ENTRY_NOMEM;
	mp->start = start;
	mp->limit = limit;
	mp->offset = offset;
	mp->file = f;
	mp->build_id = b;
	return ENTRY_DONE;
}

/* parseMappingEntry: the /proc/pid/maps form, else the brief one
 * "start-end file (@offset) buildid". */
static int mapping_entry(mapctx *m, const char *s, size_t n)
{
	int32_t c[LM_RX_MAX_SAVE];
	span start, end, perm, off, file, build = {s, 0};
	int r = lm_rx_match(&m->proc, &m->run, s, n, c);
	bool brief = false;
	if (r == 0) {
		r = lm_rx_match(&m->brief, &m->run, s, n, c);
		brief = true;
	}
	if (r != 1)
		return r < 0 ? ENTRY_NOMEM : ENTRY_UNRECOGNIZED;
	/* The two patterns order offset and file differently. */
	start = group(s, c, 1);
	end = group(s, c, 2);
	perm = group(s, c, 3);
	off = group(s, c, brief ? 5 : 4);
	file = group(s, c, brief ? 4 : 5);
	if (brief)
		build = group(s, c, 6);
	if (perm.n && !memchr(perm.s, 'x', perm.n))
		return ENTRY_DONE;   /* not executable: skipped, not an attribute */
	uint64_t a, b, o = 0;
	if (!parse_hex(start, &a) || !parse_hex(end, &b) || (off.n && !parse_hex(off, &o)))
		return ENTRY_UNRECOGNIZED;
	return push_mapping(m, file, build, a, b, o);
}

static hs_err map_line(mapctx *m, const char *s, size_t n, size_t off)
{
	int32_t c[LM_RX_MAX_SAVE];
	hs_err rc;
	int r = lm_rx_match(&m->loginfo, &m->run, s, n, c);
	if (r < 0)
		return map_nomem(m, off);
	if (r) {   /* a glog prefix "file.cc:123] " */
		s += c[1];
		n -= (size_t)c[1];
	}
	if (m->attrs.len && (rc = substitute(m, &s, &n, off)))
		return rc;
	r = mapping_entry(m, s, n);
	if (r == ENTRY_NOMEM)
		return map_nomem(m, off);
	if (r == ENTRY_UNRECOGNIZED && memchr(s, '=', n))
		return add_attr(m, s, n, off);
	return HS_OK;
}

static hs_err mapctx_init(mapctx *m, hs_profile *p, hs_error *err, uint32_t line)
{
	memset(m, 0, sizeof *m);
	m->p = p;
	m->err = err;
	m->line = line;
	hs_arena_init(&m->tmp);
	hs_vec_init(&m->attrs, sizeof(attr));
	hs_vec_init(&m->key_lens, sizeof(uint32_t));
	if (!lm_rx_compile(&m->proc, proc_maps_re) || !lm_rx_compile(&m->brief, brief_maps_re) ||
	    !lm_rx_compile(&m->loginfo, log_info_re))
		return hs_fail(err, HS_E_LIMIT, "internal error: a maps pattern does not compile");
	return hs_strmap_init(&m->index, 16) ? HS_OK : map_nomem(m, 0);
}

static void mapctx_release(mapctx *m)
{
	hs_strmap_release(&m->index);
	hs_vec_release(&m->attrs);
	hs_vec_release(&m->key_lens);
	hs_arena_release(&m->tmp);
	lm_rx_run_release(&m->run);
	free(m->buf);
}

/* Lines as bufio.Scanner splits them: on \n, one trailing \r dropped, at
 * most LM_SCAN_MAX-1 bytes each.  Unrecognized lines are ignored. */
hs_err lm_read_maps(hs_profile *p, hs_error *err, const uint8_t *data, size_t n, size_t off,
                    uint32_t line)
{
	mapctx m;
	hs_err rc = mapctx_init(&m, p, err, line);
	while (rc == HS_OK && off < n) {
		const uint8_t *nl = memchr(data + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - data) : n, len = end - off;
		if (len >= LM_SCAN_MAX) {
			rc = map_fail(&m, HS_E_LIMIT, off,
			              "maps line of %zu bytes or more: pprof's scanner stops at %d",
			              len, LM_SCAN_MAX - 1);
			break;
		}
		if (len && data[end - 1] == '\r')
			len--;
		rc = map_line(&m, (const char *)data + off, len, off);
		off = nl ? end + 1 : n;
		if (m.line)
			m.line++;
	}
	mapctx_release(&m);
	return rc;
}

/* ---- mappings, as pprof massages them ----------------------------------- */

static const char *str_of(const hs_profile *p, hs_str i, size_t *n)
{
	const hs_string *s = &HS_VEC_AT(&p->strings, hs_string, i);
	*n = s->len;
	return s->s;
}

/* Strings are interned, so equal names have equal indices. */
static bool adjacent(const hs_mapping *a, const hs_mapping *b)
{
	if (a->file && b->file && a->file != b->file)
		return false;
	if (a->build_id && b->build_id && a->build_id != b->build_id)
		return false;
	if (a->limit != b->start)
		return false;
	return !(a->offset && b->offset && a->offset + (a->limit - a->start) != b->offset);
}

/* libRx `([.]so$|[.]so[._][0-9]+)`. */
static bool looks_like_library(const char *s, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++) {
		if (memcmp(s + i, ".so", 3) != 0)
			continue;
		if (i + 3 == n)
			return true;
		if (i + 5 <= n && (s[i + 3] == '.' || s[i + 3] == '_') && s[i + 4] >= '0' &&
		    s[i + 4] <= '9')
			return true;
	}
	return false;
}

/* The main binary guess: a name left after dropping "(deleted)" and
 * blanks that is neither a shared library nor "[vdso]"-like. */
static int main_candidate(const hs_profile *p, hs_str file, char *scratch)
{
	size_t n, k = 0;
	const char *s = str_of(p, file, &n), *t = scratch;
	for (size_t i = 0; i < n;) {
		if (n - i >= 9 && memcmp(s + i, "(deleted)", 9) == 0) {
			i += 9;
			continue;
		}
		scratch[k++] = s[i++];
	}
	lm_trim_space(&t, &k);
	return k && !looks_like_library(t, k) && t[0] != '[';
}

hs_err lm_massage_mappings(hs_profile *p, hs_error *err)
{
	hs_vec *mv = &p->mappings;
	hs_mapping *m = mv->data;
	size_t w = 0, longest = 0, n;
	for (size_t i = 0; i < mv->len; i++) {
		if (w > 0 && adjacent(&m[w - 1], &m[i])) {
			m[w - 1].limit = m[i].limit;
			m[w - 1].file = m[i].file ? m[i].file : m[w - 1].file;
			m[w - 1].build_id = m[i].build_id ? m[i].build_id : m[w - 1].build_id;
			continue;
		}
		m[w++] = m[i];
	}
	mv->len = w;
	for (size_t i = 0; i < w; i++) {
		str_of(p, m[i].file, &n);
		longest = n > longest ? n : longest;
	}
	char *scratch = malloc(longest + 1);
	if (!scratch)
		return hs_fail_at(err, HS_E_NOMEM, 0, "out of memory");
	for (size_t i = 0; i < w; i++) {
		if (main_candidate(p, m[i].file, scratch)) {
			hs_mapping t = m[0];
			m[0] = m[i];
			m[i] = t;
			break;
		}
	}
	free(scratch);
	return HS_OK;
}

/* ---- ids, as pprof's remap functions give them -------------------------- */

hs_err lm_assign_location_ids(hs_profile *p, const lm_frames *fr, hs_error *err)
{
	uint32_t *st = p->stack.data, *ids = calloc(fr->addrs.len + 1, sizeof *ids);
	if (!ids)
		return hs_fail_at(err, HS_E_NOMEM, 0, "out of memory");
	for (size_t k = 0; k < p->stack.len; k++) {
		uint32_t f = st[k];
		if (!ids[f]) {
			hs_location *l = hs_vec_push(&p->locations, 1);
			if (!l) {
				free(ids);
				return hs_fail_at(err, HS_E_NOMEM, 0, "out of memory");
			}
			l->id = ids[f] = (uint32_t)p->locations.len;
			l->address = HS_VEC_AT(&fr->addrs, uint64_t, f);
		}
		st[k] = ids[f];
	}
	free(ids);
	return HS_OK;
}

/* The first mapping holding a; else one whose unrecorded first part
 * [start-offset, start) holds it, which is then widened (pprof mutates it,
 * and later lookups see the change).  SIZE_MAX if none. */
static size_t find_mapping(hs_profile *p, uint64_t a)
{
	hs_mapping *m = p->mappings.data;
	for (size_t i = 0; i < p->mappings.len; i++)
		if (m[i].start <= a && a < m[i].limit)
			return i;
	for (size_t i = 0; i < p->mappings.len; i++) {
		if (m[i].offset != 0 && m[i].start - m[i].offset <= a && a < m[i].start) {
			m[i].start -= m[i].offset;
			m[i].offset = 0;
			return i;
		}
	}
	return SIZE_MAX;
}

/* remapMappingIDs: two fix-ups on the first mapping, then each location
 * (in id order) gets a mapping, or a catch-all one appended on first need
 * (Go before 1.9 wrote no maps text at all). */
hs_err lm_attach_mappings(hs_profile *p, hs_error *err)
{
	hs_mapping *m = p->mappings.data;
	size_t n = 0, fake = SIZE_MAX;
	const char *first = p->mappings.len ? str_of(p, m[0].file, &n) : "";
	if (p->mappings.len > 1 && m[0].limit == m[1].start && n >= 14 &&
	    memcmp(first, "/anon_hugepage", 14) == 0)
		memmove(m, m + 1, --p->mappings.len * sizeof *m);
	if (p->mappings.len > 0 && m[0].start - m[0].offset == 0x400000) {
		m[0].start = 0x400000;
		m[0].offset = 0;
	}
	for (size_t i = 0; i < p->locations.len; i++) {
		hs_location *l = hs_location_at(p, (uint32_t)i);
		if (l->address == 0)
			continue;
		size_t mi = find_mapping(p, l->address);
		if (mi == SIZE_MAX) {
			hs_mapping *f = fake == SIZE_MAX ? hs_vec_push(&p->mappings, 1) : NULL;
			if (fake == SIZE_MAX && !f)
				return hs_fail_at(err, HS_E_NOMEM, 0, "out of memory");
			if (f) {
				f->limit = UINT64_MAX;
				fake = p->mappings.len - 1;
			}
			mi = fake;
		}
		l->mapping = (uint32_t)mi + 1;
	}
	for (size_t i = 0; i < p->mappings.len; i++)
		hs_mapping_at(p, (uint32_t)i)->id = i + 1;
	return HS_OK;
}
