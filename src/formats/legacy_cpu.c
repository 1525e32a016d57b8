/* Loader for the legacy binary CPU profile (doc/format-legacy-cpu.md).
 *
 * gperftools' CPU profiler and Go before 1.9 wrote it: five header words,
 * sample records of words, an end marker, then the text of
 * /proc/self/maps.  The loader rebuilds, step by step, what Go 1.19's
 * vendored pprof (profile/legacy_profile.go: parseCPU, ParseMemoryMap)
 * makes of it, because people compare heapscope with `go tool pprof`:
 * same location ids, same frames dropped, same mappings.  Where pprof
 * would invent data from a truncated file, this loader stops with an
 * error instead. */
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"
#include "../core/hashmap.h"

/* ---- words and header --------------------------------------------------- */

typedef struct wordfmt {
	unsigned size;   /* 4 or 8 bytes */
	bool big;        /* big-endian */
} wordfmt;

/* pprof tries the layouts in this order and keeps the first that fits. */
static const wordfmt word_formats[4] = {{4, false}, {4, true}, {8, false}, {8, true}};

static uint64_t get_word(const uint8_t *b, wordfmt f)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < f.size; i++)
		v |= (uint64_t)b[f.big ? f.size - 1 - i : i] << (8 * i);
	return v;
}

enum { HDR_NONE, HDR_CPP, HDR_JAVA };

/* Header: 0, 3 (header words), 0 for C++ or 1 for Java, the sampling
 * period in microseconds (non-zero), 0 (padding). */
static int header_kind(const uint8_t *d, size_t n, wordfmt *fmt, uint64_t *period)
{
	for (int i = 0; i < 4; i++) {
		wordfmt f = word_formats[i];
		uint64_t w[5];
		if (n < 5 * (size_t)f.size)
			continue;
		for (int k = 0; k < 5; k++)
			w[k] = get_word(d + (size_t)k * f.size, f);
		if (w[0] != 0 || w[1] != 3 || w[2] > 1 || w[3] == 0 || w[4] != 0)
			continue;
		*fmt = f;
		*period = w[3];
		return w[2] == 0 ? HDR_CPP : HDR_JAVA;
	}
	return HDR_NONE;
}

bool hs_legacy_cpu_detect(const uint8_t *data, size_t n)
{
	wordfmt f;
	uint64_t period;
	/* Java profiles share the header; they are claimed here so that the
	 * decoder can say why it refuses them. */
	return header_kind(data, n, &f, &period) != HDR_NONE;
}

/* ---- a small regex engine ----------------------------------------------
 * pprof reads the maps text with Go regexps, whose leftmost-first
 * submatches are those a backtracking matcher finds; the patterns need
 * the backtracking ("abcdef" is start "abcde", end "f").  pprof's pattern
 * text is compiled here and run by a backtracker that never retries an
 * (instruction, position) pair, like Go's own: time and memory linear in
 * the line, where PCRE2 goes quadratic on lines a fuzzer finds. */

enum { RX_CLASS, RX_SPLIT, RX_JMP, RX_SAVE, RX_MATCH };
#define RX_MAX_INST 96
#define RX_MAX_SAVE 14   /* group 0 and six capturing groups */

typedef struct rx_inst {
	uint8_t op, slot;
	uint16_t x, y;       /* SPLIT tries x first, then y */
	uint8_t set[32];     /* CLASS: the bytes it accepts */
} rx_inst;

typedef struct rx {
	rx_inst in[RX_MAX_INST];
	unsigned n, ncap;
	bool bad;
} rx;

typedef struct rx_run {
	uint64_t *seen, *jobs;
	size_t seen_words, njobs, jobs_cap;
} rx_run;

static unsigned rx_emit(rx *re, int op)
{
	if (re->n >= RX_MAX_INST) {
		re->bad = true;
		return RX_MAX_INST - 1;
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

static void rx_class(rx *re, const char **ps, uint8_t *set)
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
		if (c == '\\' && *s == 's') {
			set_space(set);
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

static void rx_seq(rx *re, const char **ps);

static void rx_atom(rx *re, const char **ps)
{
	const char *s = *ps;
	if (*s == '(') {
		int slot = -1;
		if (strncmp(++s, "?:", 2) == 0)
			s += 2;
		else if (++re->ncap * 2 + 1 < RX_MAX_SAVE)
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
	} else {
		s += *s == '\\';
		set_range(set, (unsigned char)*s, (unsigned char)*s);
		s++;
	}
	*ps = s;
}

/* A sequence of atoms, each optionally followed by ?, * or + (greedy). */
static void rx_seq(rx *re, const char **ps)
{
	const char *s = *ps;
	while (*s && *s != ')' && !re->bad) {
		if (*s == '^' && s == *ps) {   /* every match is anchored at 0 */
			s++;
			continue;
		}
		if (strchr("|$.*+?{^", *s)) {
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

static bool rx_compile(rx *re, const char *pattern)
{
	memset(re, 0, sizeof *re);
	rx_seq(re, &pattern);
	rx_emit(re, RX_MATCH);
	return !re->bad && *pattern == '\0';
}

static bool rx_push(rx_run *r, uint64_t job)
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
static bool rx_reset(const rx *re, rx_run *r, size_t n, int32_t *cap)
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
	for (int i = 0; i < RX_MAX_SAVE; i++)
		cap[i] = -1;
	r->njobs = 0;
	return rx_push(r, 0);
}

static bool rx_first_visit(rx_run *r, size_t bit)
{
	uint64_t mask = UINT64_C(1) << (bit % 64);
	bool first = !(r->seen[bit / 64] & mask);
	r->seen[bit / 64] |= mask;
	return first;
}

/* Anchored match: 1 (cap[2k], cap[2k+1] bound group k, or -1), 0 no
 * match, -1 out of memory. */
static int rx_match(const rx *re, rx_run *r, const char *s, size_t n, int32_t *cap)
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
			const rx_inst *in = &re->in[pc];
			if (in->op == RX_CLASS) {
				unsigned char c = pos < n ? (unsigned char)s[pos] : 0;
				if (pos >= n || !(in->set[c >> 3] & (1u << (c & 7))))
					break;
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
			} else {
				cap[0] = 0;
				cap[1] = (int32_t)pos;
				return 1;
			}
		}
	}
	return 0;
}

/* ---- decoder state ------------------------------------------------------ */

typedef struct cpu_dec {
	hs_profile *p;
	hs_error *err;
	wordfmt fmt;
	hs_vec addrs;        /* uint64: address of each distinct frame */
	hs_idmap by_addr;    /* address -> index into addrs */
} cpu_dec;

static hs_err nomem(cpu_dec *d, size_t off)
{
	return hs_fail_at(d->err, HS_E_NOMEM, off, "out of memory");
}

/* ---- sample records ----------------------------------------------------- */

/* pprof keeps one location per distinct (adjusted) address. */
static hs_err frame_index(cpu_dec *d, uint64_t addr, size_t off, uint32_t *out)
{
	uint32_t i = hs_idmap_get(&d->by_addr, addr);
	if (i == UINT32_MAX) {
		uint64_t *slot;
		if (d->addrs.len >= UINT32_MAX - 1)
			return hs_fail_at(d->err, HS_E_LIMIT, off, "too many distinct addresses");
		if (!(slot = hs_vec_push(&d->addrs, 1)))
			return nomem(d, off);
		*slot = addr;
		i = (uint32_t)(d->addrs.len - 1);
		if (!hs_idmap_put(&d->by_addr, addr, i, NULL))
			return nomem(d, off);
	}
	*out = i;
	return HS_OK;
}

/* Frames are leaf first.  All but the leaf are return addresses: pprof
 * subtracts 1 so that they fall inside the call instruction (0 wraps to
 * 2^64-1, as in Go).  The stack holds frame indices until ids exist. */
static hs_err add_sample(cpu_dec *d, const uint8_t *frames, uint64_t depth,
                         uint64_t count, size_t off)
{
	hs_profile *p = d->p;
	int64_t *v = hs_profile_begin_sample(p);
	hs_err rc;
	if (!v)
		return nomem(d, off);
	/* Go's int64 arithmetic wraps; unsigned arithmetic does the same here. */
	v[0] = (int64_t)count;
	v[1] = (int64_t)(count * (uint64_t)p->period);
	for (uint64_t i = 0; i < depth; i++) {
		size_t at = off + (size_t)i * d->fmt.size;
		uint64_t addr = get_word(frames + (size_t)i * d->fmt.size, d->fmt) - (i > 0);
		uint32_t fi = 0;
		if ((rc = frame_index(d, addr, at, &fi)))
			return rc;
		if (hs_profile_push_location(p, fi))
			return hs_fail_at(d->err, HS_E_LIMIT, at, "too many stack entries");
	}
	if (hs_profile_end_sample(p))
		return nomem(d, off);
	return HS_OK;
}

/* Records are {count, depth, depth addresses}; {0, 1, 0} ends them and the
 * maps text follows.  Without the marker the records run to the end. */
static hs_err read_samples(cpu_dec *d, const uint8_t *data, size_t n, size_t *pos)
{
	size_t w = d->fmt.size, off = *pos;
	hs_err rc;
	while (off < n) {
		if (n - off < 2 * w)
			return hs_fail_at(d->err, HS_E_TRUNCATED, off,
			                  "sample record cut short: %zu bytes left, %zu needed for its "
			                  "count and depth", n - off, 2 * w);
		uint64_t count = get_word(data + off, d->fmt), depth = get_word(data + off + w, d->fmt);
		size_t body = off + 2 * w;
		/* Checked against the bytes present before anything is read or
		 * allocated by it. */
		if (depth > (n - body) / w)
			return hs_fail_at(d->err, HS_E_TRUNCATED, off + w,
			                  "sample record claims %llu frames but only %zu bytes remain",
			                  (unsigned long long)depth, n - body);
		off = body + (size_t)depth * w;
		if (count == 0 && depth == 1 && get_word(data + body, d->fmt) == 0)
			break;
		if ((rc = add_sample(d, data + body, depth, count, body)))
			return rc;
	}
	*pos = off;
	return HS_OK;
}

/* ---- stack surgery ------------------------------------------------------ */

typedef bool (*second_frame_pred)(const void *ctx, const uint32_t *stk);

/* Remove frame 1 (the caller of the leaf) from every sample with at least
 * two frames for which drop() holds. */
static void drop_second_frames(hs_profile *p, second_frame_pred drop, const void *ctx)
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

static bool second_is(const void *ctx, const uint32_t *stk)
{
	return stk[1] == *(const uint32_t *)ctx;
}

/* A frame pushed by the signal handler sits just above the leaf in nearly
 * every sample: when one address is frame 1 in all samples but one in 32,
 * pprof removes it, twice.  At most one address can qualify, so Go's
 * random map order does not matter. */
static hs_err strip_signal_frames(cpu_dec *d)
{
	hs_profile *p = d->p;
	size_t ns = p->nsamples, need = ns - ns / 32;
	size_t *seen = ns ? calloc(d->addrs.len + 1, sizeof *seen) : NULL;
	if (ns && !seen)
		return nomem(d, 0);
	for (int iter = 0; iter < 2 && ns; iter++) {
		const uint32_t *st = p->stack.data, *off = p->stack_off.data;
		memset(seen, 0, (d->addrs.len + 1) * sizeof *seen);
		for (size_t s = 0; s < ns; s++) {
			uint32_t id = hs_sample_stack_id(p, s);
			if (off[id + 1] - off[id] > 1)
				seen[st[off[id] + 1]]++;
		}
		for (uint32_t i = 0; i < d->addrs.len; i++) {
			if (seen[i] && seen[i] >= need) {
				drop_second_frames(p, second_is, &i);
				break;
			}
		}
	}
	free(seen);
	return HS_OK;
}

/* ---- the maps text: lines, attributes ----------------------------------- */

#define SCAN_MAX 65536   /* bufio.Scanner's token limit: longer lines fail */

typedef struct attr {
	const char *key, *val;
	uint32_t klen, vlen;
} attr;

typedef struct mapctx {
	cpu_dec *d;
	rx proc, brief, loginfo;
	rx_run run;
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

static const char cpu_profiler_rx[] = "ProfileData::Add|ProfileData::prof_handler|"
                                      "CpuProfiler::prof_handler|__pthread_sighandler|__restore";

/* Bytes of Unicode white space (Go's unicode.IsSpace) at the start of s. */
static size_t space_at(const unsigned char *s, size_t n)
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

/* strings.TrimSpace. */
static void trim_space(const char **s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)*s;
	size_t a = 0, b = *n, k;
	while ((k = space_at(u + a, b - a)) != 0)
		a += k;
	for (bool more = true; more && b > a;) {
		more = false;
		for (k = 1; k <= 3 && k <= b - a; k++) {
			if (space_at(u + b - k, k) == k) {
				b -= k;
				more = true;
				break;
			}
		}
	}
	*s += a;
	*n = b - a;
}

/* "key=value" lines that are not mappings define $key for later lines. */
static hs_err add_attr(mapctx *m, const char *s, size_t n, size_t off)
{
	const char *eq = memchr(s, '=', n), *k = s, *v = eq + 1;
	size_t kn = (size_t)(eq - s), vn = n - kn - 1;
	trim_space(&k, &kn);
	trim_space(&v, &vn);
	char *key = hs_arena_alloc(&m->tmp, kn + 1);
	char *val = hs_arena_strndup(&m->tmp, v, vn);
	if (!key || !val)
		return nomem(m->d, off);
	key[0] = '$';
	memcpy(key + 1, k, kn);
	uint32_t at = (uint32_t)m->attrs.len;
	uint32_t got = hs_strmap_get_or_put(&m->index, key, kn + 1, at);
	if (got == UINT32_MAX)
		return nomem(m->d, off);
	if (got != at)   /* strings.Replacer: the first definition wins */
		return HS_OK;
	attr *a = hs_vec_push(&m->attrs, 1);
	if (!a)
		return nomem(m->d, off);
	*a = (attr){key, val, (uint32_t)kn + 1, (uint32_t)vn};
	for (size_t i = 0; i < m->key_lens.len; i++)
		if (HS_VEC_AT(&m->key_lens, uint32_t, i) == kn + 1)
			return HS_OK;
	uint32_t *len = hs_vec_push(&m->key_lens, 1);
	if (!len)
		return nomem(m->d, off);
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
	if (n >= SCAN_MAX - m->buf_len)
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
		return hs_fail_at(m->d->err, HS_E_LIMIT, off,
		                  "maps line grows past %d bytes after $attribute substitution",
		                  SCAN_MAX - 1);
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
	hs_profile *p = m->d->p;
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
	int32_t c[RX_MAX_SAVE];
	span start, end, perm, off, file, build = {s, 0};
	int r = rx_match(&m->proc, &m->run, s, n, c);
	bool brief = false;
	if (r == 0) {
		r = rx_match(&m->brief, &m->run, s, n, c);
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
	int32_t c[RX_MAX_SAVE];
	hs_err rc;
	int r = rx_match(&m->loginfo, &m->run, s, n, c);
	if (r < 0)
		return nomem(m->d, off);
	if (r) {   /* a glog prefix "file.cc:123] " */
		s += c[1];
		n -= (size_t)c[1];
	}
	if (m->attrs.len && (rc = substitute(m, &s, &n, off)))
		return rc;
	r = mapping_entry(m, s, n);
	if (r == ENTRY_NOMEM)
		return nomem(m->d, off);
	if (r == ENTRY_UNRECOGNIZED && memchr(s, '=', n))
		return add_attr(m, s, n, off);
	return HS_OK;
}

static hs_err mapctx_init(mapctx *m, cpu_dec *d)
{
	memset(m, 0, sizeof *m);
	m->d = d;
	hs_arena_init(&m->tmp);
	hs_vec_init(&m->attrs, sizeof(attr));
	hs_vec_init(&m->key_lens, sizeof(uint32_t));
	if (!rx_compile(&m->proc, proc_maps_re) || !rx_compile(&m->brief, brief_maps_re) ||
	    !rx_compile(&m->loginfo, log_info_re))
		return hs_fail(d->err, HS_E_LIMIT, "internal error: a maps pattern does not compile");
	return hs_strmap_init(&m->index, 16) ? HS_OK : nomem(d, 0);
}

static void mapctx_release(mapctx *m)
{
	hs_strmap_release(&m->index);
	hs_vec_release(&m->attrs);
	hs_vec_release(&m->key_lens);
	hs_arena_release(&m->tmp);
	free(m->run.seen);
	free(m->run.jobs);
	free(m->buf);
}

/* Lines as bufio.Scanner splits them: on \n, one trailing \r dropped, at
 * most SCAN_MAX-1 bytes each.  Unrecognized lines are ignored. */
static hs_err read_maps(cpu_dec *d, const uint8_t *data, size_t n, size_t off)
{
	mapctx m;
	hs_err rc = mapctx_init(&m, d);
	while (rc == HS_OK && off < n) {
		const uint8_t *nl = memchr(data + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - data) : n, len = end - off;
		if (len >= SCAN_MAX) {
			rc = hs_fail_at(d->err, HS_E_LIMIT, off,
			                "maps line of %zu bytes or more: pprof's scanner stops at %d",
			                len, SCAN_MAX - 1);
			break;
		}
		if (len && data[end - 1] == '\r')
			len--;
		rc = map_line(&m, (const char *)data + off, len, off);
		off = nl ? end + 1 : n;
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
	trim_space(&t, &k);
	return k && !looks_like_library(t, k) && t[0] != '[';
}

/* massageMappings: merge split neighbours, then move the main binary to
 * the front.  Ids are given later. */
static hs_err massage_mappings(cpu_dec *d)
{
	hs_vec *mv = &d->p->mappings;
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
		str_of(d->p, m[i].file, &n);
		longest = n > longest ? n : longest;
	}
	char *scratch = malloc(longest + 1);
	if (!scratch)
		return nomem(d, 0);
	for (size_t i = 0; i < w; i++) {
		if (main_candidate(d->p, m[i].file, scratch)) {
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

/* remapLocationIDs: a location per distinct frame still used, numbered by
 * first use, walking samples in file order, leaf first. */
static hs_err assign_location_ids(cpu_dec *d)
{
	hs_profile *p = d->p;
	uint32_t *st = p->stack.data, *ids = calloc(d->addrs.len + 1, sizeof *ids);
	if (!ids)
		return nomem(d, 0);
	for (size_t k = 0; k < p->stack.len; k++) {
		uint32_t f = st[k];
		if (!ids[f]) {
			hs_location *l = hs_vec_push(&p->locations, 1);
			if (!l) {
				free(ids);
				return nomem(d, 0);
			}
			l->id = ids[f] = (uint32_t)p->locations.len;
			l->address = HS_VEC_AT(&d->addrs, uint64_t, f);
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
static hs_err attach_mappings(cpu_dec *d)
{
	hs_profile *p = d->p;
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
				return nomem(d, 0);
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

/* The leaf can be recorded twice, from the signal context and from the
 * unwinder; the copy was adjusted by -1 above. */
static bool duplicate_leaf(const void *ctx, const uint32_t *stk)
{
	const hs_profile *p = ctx;
	return hs_location_at(p, stk[0] - 1)->address == hs_location_at(p, stk[1] - 1)->address + 1;
}

/* ---- entry point -------------------------------------------------------- */

static hs_err set_types(hs_profile *p, uint64_t period_us)
{
	static const char *const names[4] = {"samples", "count", "cpu", "nanoseconds"};
	hs_str s[4];
	if (hs_profile_add_string(p, "", 0) == HS_NONE)
		return HS_E_NOMEM;
	for (int i = 0; i < 4; i++)
		if ((s[i] = hs_profile_intern(p, names[i], strlen(names[i]))) == HS_NONE)
			return HS_E_NOMEM;
	hs_value_type *vt = hs_vec_push(&p->sample_types, 2);
	p->drop_frames = hs_profile_intern(p, cpu_profiler_rx, sizeof cpu_profiler_rx - 1);
	if (!vt || p->drop_frames == HS_NONE)
		return HS_E_NOMEM;
	vt[0] = (hs_value_type){s[0], s[1]};
	vt[1] = (hs_value_type){s[2], s[3]};
	p->period_type = vt[1];
	p->period = (int64_t)(period_us * 1000);   /* wraps as Go's int64 does */
	return HS_OK;
}

static hs_err decode(cpu_dec *d, const uint8_t *data, size_t n)
{
	hs_profile *p = d->p;
	uint64_t period;
	hs_err rc;
	int kind = header_kind(data, n, &d->fmt, &period);
	if (kind == HDR_NONE)
		return hs_fail_at(d->err, HS_E_FORMAT, 0, "not a legacy CPU profile (no header words 0, 3, 0, period, 0)");
	if (kind == HDR_JAVA)
		return hs_fail_at(d->err, HS_E_FORMAT, 2 * d->fmt.size,
		                  "Java legacy CPU profile (third header word is 1): not supported");
	if (set_types(p, period))
		return nomem(d, 0);
	size_t off = 5 * (size_t)d->fmt.size;
	if ((rc = read_samples(d, data, n, &off)) || (rc = strip_signal_frames(d)) ||
	    (rc = read_maps(d, data, n, off)) || (rc = massage_mappings(d)) ||
	    (rc = assign_location_ids(d)) || (rc = attach_mappings(d)))
		return rc;
	drop_second_frames(p, duplicate_leaf, p);
	p->format = HS_FMT_LEGACY_CPU;
	return hs_profile_finish(p, d->err);
}

hs_err hs_legacy_cpu_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err)
{
	cpu_dec d = {.p = p, .err = err};
	if (n == 0)
		return hs_fail_at(err, HS_E_EMPTY, 0, "empty profile (no bytes)");
	hs_vec_init(&d.addrs, sizeof(uint64_t));
	if (!hs_idmap_init(&d.by_addr, 1024))
		return hs_fail_at(err, HS_E_NOMEM, 0, "out of memory");
	hs_err rc = decode(&d, data, n);
	hs_vec_release(&d.addrs);
	hs_idmap_release(&d.by_addr);
	return rc;
}
