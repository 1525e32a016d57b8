/* Loader for goroutine dumps: ?debug=2 profiles, runtime.Stack output and
 * SIGQUIT / GOTRACEBACK / panic tracebacks (doc/format-goroutine-dump.md).
 *
 * The dump is read line by line, in place: nothing is copied but the
 * strings the model keeps, so a line may be of any length.  Every
 * goroutine becomes one sample of value 1 whose stack is its frames (leaf
 * first) and whose labels carry what the header and the "created by" line
 * say.  Lines that belong to no goroutine (a log around the dump, register
 * dumps, panic messages) are skipped; they also separate dumps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goroutine_text.h"
#include "heapscope/goroutines.h"
#include "../core/hashmap.h"

/* Longer names are cut: nothing printed by Go comes near it, and the
 * model's strings have 32-bit lengths. */
#define MAX_STR ((size_t)1 << 20)
/* tracebackancestors=N prints N ancestors; the label keeps the first ones. */
#define MAX_ANCESTORS 32

typedef struct span {
	const char *s;
	size_t n;
} span;

typedef struct header {
	uint64_t goid;
	span state;
	int64_t wait;         /* minutes, 0 when the header gives none */
	bool locked;
} header;

/* The strings labels are made of, interned once: the keys the loader
 * sets (hs_dump_keys, up to ancestors), the wait's unit and the flags'
 * value. */
enum { K_MINUTES = HS_DK_ANCESTORS + 1, K_TRUE, NKEYS };

typedef struct gdec {
	hs_profile *p;
	hs_error *err;
	hs_str key[NKEYS];
	hs_idmap funcs, locs;    /* (name, file) -> function, (function, line) -> location */
	hs_strmap frames;        /* "fn\0file\0line" as printed -> location id: one lookup a frame */
	hs_arena frame_keys;
	hs_idmap groups;         /* stack id << 32 | label set id -> sample: goroutines alike are one */
	hs_idmap goids;          /* goroutine ids seen in the current dump */
	hs_vec buf;              /* char scratch for "file:line" */
	hs_vec anc;              /* char: the ancestors list being built */
	bool system;             /* inside a "runtime stack:" section */
	/* The goroutine being read. */
	bool open;
	header h;
	bool has_pending;        /* a function line waiting for its file line */
	span pending;
	uint32_t pending_line;
	bool stack_done;         /* its "created by" was seen */
	bool in_ancestor;        /* inside an "[originating from goroutine N]:" part */
	bool want_created_loc;   /* the next indented line is the creation site */
	hs_str created_by, created_loc;
	bool elided, truncated;
	size_t nancestors;
	/* Dumps. */
	int64_t dump;            /* index of the current dump, from 0 */
	size_t in_dump;          /* goroutines read in the current dump */
	bool foreign;            /* a line outside the grammar since the last goroutine */
	size_t ngoroutines;
	size_t ntruncated;
	uint32_t first_truncated;
	bool last_line_cut;      /* the line being read is the last and has no newline */
	hs_gtext_labels_fn labels_fn;   /* labels from beside the text, or NULL */
	void *labels_ctx;
} gdec;

/* ---- lexical helpers ---------------------------------------------------- */

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Decimal digits to uint64; false on overflow. */
static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned dgt = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - dgt) / 10)
			return false;
		v = v * 10 + dgt;
	}
	*out = v;
	return true;
}

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

static bool is_indented(const char *s, size_t n)
{
	return n && (s[0] == '\t' || s[0] == ' ');
}

/* "goroutine profile: total N", a debug=1 count profile, after an
 * optional byte order mark and blank lines. */
static bool starts_debug1(const uint8_t *d, size_t n)
{
	size_t i = n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n'))
		i++;
	return has_prefix((const char *)d + i, n - i, "goroutine profile: total ");
}

/* A header ends its line: "goroutine N [state, M minutes, locked to thread]:",
 * with Go 1.24's "gp=0x... m=N mp=0x..." (or "m=nil") before the bracket.
 * It may follow other text on the line (a log prefix, output written
 * without a newline), so it is parsed backwards from the "]:". */
static bool parse_header(const char *s, size_t n, header *h)
{
	if (n < 16 || s[n - 1] != ':' || s[n - 2] != ']')
		return false;
	size_t close = n - 2, open = close;
	while (open > 0 && s[open - 1] != '[') {
		if (s[open - 1] == ']')
			return false;
		open--;
	}
	if (open < 2 || s[open - 2] != ' ')
		return false;
	size_t e = open - 2;   /* s[e] is the blank before '[' */
	for (int fields = 0;; fields++) {
		size_t b = e;
		while (b > 0 && s[b - 1] != ' ')
			b--;
		if (all_digits(s + b, e - b)) {
			if (b < 10 || memcmp(s + b - 10, "goroutine ", 10) != 0 ||
			    !parse_u64(s + b, e - b, &h->goid))
				return false;
			break;
		}
		if (b == e || b == 0 || fields >= 8 || !memchr(s + b, '=', e - b))
			return false;
		e = b - 1;
	}
	/* "state[, N minutes][, locked to thread][, anything newer]" */
	const char *c = s + open, *end = s + close;
	const char *comma = NULL;
	for (const char *q = c; q + 1 < end; q++)
		if (q[0] == ',' && q[1] == ' ') {
			comma = q;
			break;
		}
	h->state = (span){c, (size_t)((comma ? comma : end) - c)};
	h->wait = 0;
	h->locked = false;
	for (const char *q = comma; q;) {
		const char *item = q + 2, *next = NULL;
		for (const char *r = item; r + 1 < end; r++)
			if (r[0] == ',' && r[1] == ' ') {
				next = r;
				break;
			}
		size_t len = (size_t)((next ? next : end) - item);
		const char *sp = memchr(item, ' ', len);
		uint64_t m;
		if (sp && all_digits(item, (size_t)(sp - item)) &&
		    (size_t)(item + len - sp) >= 7 && memcmp(sp, " minute", 7) == 0 &&
		    parse_u64(item, (size_t)(sp - item), &m))
			h->wait = m > INT64_MAX ? INT64_MAX : (int64_t)m;
		else if (len == 16 && memcmp(item, "locked to thread", 16) == 0)
			h->locked = true;
		q = next;
	}
	return true;
}

/* "pkg.fn(args...)": the function name is what precedes the argument list,
 * the last '(' on the line (names such as "pkg.(*T).m" hold earlier ones).
 * A name never holds blanks, which keeps most log lines out. */
static bool parse_frame(const char *s, size_t n, span *fn)
{
	if (n < 3 || is_indented(s, n) || s[n - 1] != ')')
		return false;
	size_t lp = n - 1;
	while (lp > 0 && s[lp - 1] != '(')
		lp--;
	if (lp < 2)
		return false;
	size_t name = lp - 1;
	for (size_t i = 0; i < name; i++)
		if (s[i] == ' ' || s[i] == '\t')
			return false;
	if (fn)
		*fn = (span){s, name};
	return true;
}

/* "\t/path/file.go:123 +0x1d fp=0x... sp=0x... pc=0x...": the suffixes go,
 * the line number is the digits after the last ':' (a Windows drive letter
 * or a blank in the path is left alone).  No number: line 0. */
static void parse_file_line(const char *s, size_t n, span *file, int64_t *line)
{
	while (n && (s[0] == '\t' || s[0] == ' ')) {
		s++;
		n--;
	}
	for (;;) {
		const char *blank = n ? memrchr(s, ' ', n) : NULL;
		if (!blank)
			break;
		size_t b = (size_t)(blank - s) + 1;
		const char *t = s + b;
		size_t tn = n - b;
		if (!has_prefix(t, tn, "+0x") && !has_prefix(t, tn, "fp=") &&
		    !has_prefix(t, tn, "sp=") && !has_prefix(t, tn, "pc=") && !has_prefix(t, tn, "lr="))
			break;
		n = b - 1;
		while (n && s[n - 1] == ' ')
			n--;
	}
	const char *c = n ? memrchr(s, ':', n) : NULL;
	size_t colon = c ? (size_t)(c - s) + 1 : 0;
	uint64_t v;
	if (colon > 1 && all_digits(s + colon, n - colon) && n - colon <= 19 &&
	    parse_u64(s + colon, n - colon, &v)) {
		*file = (span){s, colon - 1};
		*line = v > UINT32_MAX ? UINT32_MAX : (int64_t)v;
	} else {
		*file = (span){s, n};
		*line = 0;
	}
}

/* "...additional frames elided..." (Go < 1.21) or "...N frames elided...". */
static bool is_elided(const char *s, size_t n)
{
	return n >= 12 && has_prefix(s, n, "...") && memcmp(s + n - 10, " elided...", 10) == 0;
}

/* ---- building the model ------------------------------------------------- */

static hs_err nomem(gdec *g)
{
	return hs_fail(g->err, HS_E_NOMEM, "out of memory reading the goroutine dump");
}

static hs_err intern(gdec *g, span sp, hs_str *out)
{
	*out = hs_profile_intern(g->p, sp.s, sp.n > MAX_STR ? MAX_STR : sp.n);
	return *out == HS_NONE ? nomem(g) : HS_OK;
}

static hs_err location_id(gdec *g, span fn, span file, int64_t line, uint32_t *out)
{
	hs_str name, fname;
	hs_err rc;
	if ((rc = intern(g, fn, &name)) || (rc = intern(g, file, &fname)))
		return rc;
	uint64_t fk = (uint64_t)name << 32 | fname;
	uint32_t fi = hs_idmap_get(&g->funcs, fk);
	if (fi == UINT32_MAX) {
		hs_function *f = hs_vec_push(&g->p->functions, 1);
		if (!f || g->p->functions.len >= HS_NONE - 1)
			return f ? hs_fail(g->err, HS_E_LIMIT, "too many functions") : nomem(g);
		fi = (uint32_t)(g->p->functions.len - 1);
		f->id = fi + 1;
		/* system_name stays "": the model's pprof-style name clean-up only
		 * touches names equal to their system name, and a dump's names are
		 * kept as printed. */
		f->name = name;
		f->filename = fname;
		if (!hs_idmap_put(&g->funcs, fk, fi, NULL))
			return nomem(g);
	}
	uint64_t lk = (uint64_t)fi << 32 | (uint32_t)line;
	uint32_t li = hs_idmap_get(&g->locs, lk);
	if (li == UINT32_MAX) {
		if (g->p->locations.len >= HS_NONE - 2)
			return hs_fail(g->err, HS_E_LIMIT, "too many locations");
		hs_location *l = hs_vec_push(&g->p->locations, 1);
		hs_line *ln = l ? hs_vec_push(&g->p->lines, 1) : NULL;
		if (!ln)
			return nomem(g);
		li = (uint32_t)(g->p->locations.len - 1);
		l = hs_location_at(g->p, li);
		l->id = li + 1;
		l->line_start = (uint32_t)(g->p->lines.len - 1);
		l->nlines = 1;
		ln->function = fi + 1;
		ln->line = line;
		if (!hs_idmap_put(&g->locs, lk, li, NULL))
			return nomem(g);
	}
	*out = li + 1;
	return HS_OK;
}

static hs_err push_frame(gdec *g, span fn, span file, int64_t line)
{
	/* Most frames were seen before: find them by their text in one
	 * lookup before interning the names one by one. */
	size_t fn_n = fn.n > MAX_STR ? MAX_STR : fn.n, file_n = file.n > MAX_STR ? MAX_STR : file.n;
	size_t kn = fn_n + file_n + 1 + sizeof line;
	g->buf.len = 0;
	char *k = hs_vec_push(&g->buf, kn);
	if (!k)
		return nomem(g);
	memcpy(k, fn.s, fn_n);
	k[fn_n] = '\0';
	memcpy(k + fn_n + 1, file.s, file_n);
	memcpy(k + fn_n + 1 + file_n, &line, sizeof line);
	uint32_t id = hs_strmap_get(&g->frames, k, kn);
	g->buf.len = 0;   /* the bytes stay where they are until the next push */
	if (id != UINT32_MAX)
		return hs_profile_push_location(g->p, id)
		           ? hs_fail(g->err, HS_E_LIMIT, "too many stack entries") : HS_OK;
	hs_err rc = location_id(g, fn, file, line, &id);
	char *kept = rc == HS_OK ? hs_arena_alloc(&g->frame_keys, kn) : NULL;
	if (rc == HS_OK) {
		if (!kept)
			return nomem(g);
		memcpy(kept, g->buf.data, kn);
		if (hs_strmap_get_or_put(&g->frames, kept, kn, id) == UINT32_MAX)
			return nomem(g);
	}
	if (rc == HS_OK && hs_profile_push_location(g->p, id))
		return hs_fail(g->err, HS_E_LIMIT, "too many stack entries");
	return rc;
}

/* A function line whose file line never came: keep the function, note
 * where the dump stopped being complete. */
static hs_err truncated_frame(gdec *g, span fn, uint32_t lineno)
{
	if (!g->truncated && g->ntruncated++ == 0)
		g->first_truncated = lineno;
	g->truncated = true;
	return g->in_ancestor ? HS_OK : push_frame(g, fn, (span){"", 0}, 0);
}

static hs_err push_label(gdec *g, int key, hs_str str, int64_t num, hs_str unit)
{
	hs_label l = {.key = g->key[key], .str = str, .num = num, .num_unit = unit};
	return hs_profile_push_label(g->p, &l) ? nomem(g) : HS_OK;
}

static hs_err close_goroutine(gdec *g)
{
	if (!g->open)
		return HS_OK;
	g->open = false;
	hs_str state;
	hs_err rc = g->labels_fn ? g->labels_fn(g->labels_ctx, g->ngoroutines, g->p, g->err) : HS_OK;
	if (rc == HS_OK)
		rc = intern(g, g->h.state.n ? g->h.state : (span){"unknown", 7}, &state);
	if (rc || (rc = push_label(g, HS_DK_STATE, state, 0, 0)) ||
	    (rc = push_label(g, HS_DK_WAIT_MINUTES, 0, g->h.wait, g->key[K_MINUTES])) ||
	    (rc = push_label(g, HS_DK_DUMP, 0, g->dump, 0)))
		return rc;
	if (g->created_by && (rc = push_label(g, HS_DK_CREATED_BY, g->created_by, 0, 0)))
		return rc;
	if (g->created_loc && (rc = push_label(g, HS_DK_CREATED_LOC, g->created_loc, 0, 0)))
		return rc;
	int flags[3] = {HS_DK_LOCKED, HS_DK_ELIDED, HS_DK_TRUNCATED};
	bool on[3] = {g->h.locked, g->elided, g->truncated};
	for (int i = 0; i < 3; i++)
		if (on[i] && (rc = push_label(g, flags[i], g->key[K_TRUE], 0, 0)))
			return rc;
	if (g->nancestors) {
		hs_str list;
		if ((rc = intern(g, (span){g->anc.data, g->anc.len}, &list)) ||
		    (rc = push_label(g, HS_DK_ANCESTORS, list, 0, 0)))
			return rc;
	}
	hs_profile *p = g->p;
	if (hs_profile_end_sample(p))
		return nomem(g);
	g->ngoroutines++;
	/* Goroutines with the same stack and labels are one sample counting
	 * them: memory follows distinct stacks, not goroutines. */
	size_t last = p->nsamples - 1;
	uint64_t key = (uint64_t)HS_VEC_AT(&p->sample_stack, uint32_t, last) << 32 |
	               HS_VEC_AT(&p->sample_labels, uint32_t, last);
	uint32_t prev = hs_idmap_get(&g->groups, key);
	if (prev == UINT32_MAX)
		return hs_idmap_put(&g->groups, key, (uint32_t)last, NULL) ? HS_OK : nomem(g);
	((int64_t *)p->values.data)[prev]++;
	p->values.len--;
	p->sample_stack.len--;
	p->sample_labels.len--;
	p->nsamples--;
	return HS_OK;
}

static hs_err open_goroutine(gdec *g, const header *h)
{
	hs_err rc = close_goroutine(g);
	if (rc)
		return rc;
	/* A new dump starts after text that is no part of a dump, or when a
	 * goroutine id comes again (dumps appended without a separator). */
	if (g->in_dump && (g->foreign || hs_idmap_get(&g->goids, h->goid) != UINT32_MAX)) {
		g->dump++;
		g->in_dump = 0;
		hs_idmap_release(&g->goids);
		if (!hs_idmap_init(&g->goids, 64))
			return nomem(g);
	}
	g->foreign = false;
	g->system = false;
	if (!hs_idmap_put(&g->goids, h->goid, 0, NULL))
		return nomem(g);
	g->in_dump++;
	int64_t *v = hs_profile_begin_sample_n(g->p, 1);
	if (!v)
		return nomem(g);
	v[0] = 1;
	g->open = true;
	g->h = *h;
	g->has_pending = g->stack_done = g->in_ancestor = g->want_created_loc = false;
	g->created_by = g->created_loc = 0;
	g->elided = g->truncated = false;
	g->nancestors = 0;
	g->anc.len = 0;
	return HS_OK;
}

static bool buf_append(hs_vec *b, const char *s, size_t n)
{
	char *dst = hs_vec_push(b, n);
	if (dst && n)
		memcpy(dst, s, n);
	return dst != NULL;
}

/* "created by pkg.fn" or, from Go 1.21, "created by pkg.fn in goroutine N". */
static hs_err created_by(gdec *g, const char *s, size_t n)
{
	g->want_created_loc = true;
	if (g->in_ancestor || g->stack_done)
		return HS_OK;
	g->stack_done = true;
	span fn = {s + 11, n - 11};
	size_t b = fn.n;
	while (b > 0 && fn.s[b - 1] != ' ')
		b--;
	/* The creator's id is not kept: goroutines started per request by
	 * different parents would otherwise never group. */
	uint64_t creator;
	if (b >= 14 && memcmp(fn.s + b - 14, " in goroutine ", 14) == 0 &&
	    all_digits(fn.s + b, fn.n - b) && parse_u64(fn.s + b, fn.n - b, &creator))
		fn.n = b - 14;
	return fn.n ? intern(g, fn, &g->created_by) : HS_OK;
}

static hs_err created_loc(gdec *g, const char *s, size_t n)
{
	span file;
	int64_t line;
	parse_file_line(s, n, &file, &line);
	if (g->in_ancestor || g->created_loc)
		return HS_OK;
	char num[24];
	int k = snprintf(num, sizeof num, ":%lld", (long long)line);
	if (!buf_append(&g->buf, file.s, file.n > MAX_STR ? MAX_STR : file.n) ||
	    !buf_append(&g->buf, num, (size_t)k))
		return nomem(g);
	hs_err rc = intern(g, (span){g->buf.data, g->buf.len}, &g->created_loc);
	g->buf.len = 0;
	return rc;
}

/* "[originating from goroutine N]:" starts an ancestor's stack
 * (GODEBUG=tracebackancestors=N); its frames are not the goroutine's. */
static bool ancestor(gdec *g, const char *s, size_t n, hs_err *rc)
{
	static const char pre[] = "[originating from goroutine ";
	size_t k = sizeof pre - 1;
	if (n < k + 3 || memcmp(s, pre, k) != 0 || memcmp(s + n - 2, "]:", 2) != 0 ||
	    !all_digits(s + k, n - k - 2))
		return false;
	g->in_ancestor = g->stack_done = true;
	g->want_created_loc = false;
	*rc = HS_OK;
	if (g->nancestors++ < MAX_ANCESTORS) {
		if ((g->nancestors > 1 && !buf_append(&g->anc, ",", 1)) ||
		    !buf_append(&g->anc, s + k, n - k - 2 > 20 ? 20 : n - k - 2))
			*rc = nomem(g);
	} else if (g->nancestors == MAX_ANCESTORS + 1 && !buf_append(&g->anc, ",...", 4)) {
		*rc = nomem(g);
	}
	return true;
}

/* A line inside a goroutine's part of the dump. */
static hs_err in_goroutine(gdec *g, const char *s, size_t n, uint32_t lineno)
{
	hs_err rc = HS_OK;
	span fn;
	if (is_blank(s, n))
		return close_goroutine(g);
	if (g->want_created_loc) {
		g->want_created_loc = false;
		if (is_indented(s, n))
			return created_loc(g, s, n);
	}
	if ((!g->stack_done || g->in_ancestor) && parse_frame(s, n, &fn)) {
		g->has_pending = true;
		g->pending = fn;
		g->pending_line = lineno;
		return HS_OK;
	}
	if (has_prefix(s, n, "created by ") && n > 11)
		return created_by(g, s, n);
	if (is_elided(s, n)) {
		if (!g->in_ancestor)
			g->elided = true;
		return HS_OK;
	}
	if (ancestor(g, s, n, &rc))
		return rc;
	if (n == 14 && memcmp(s, "runtime stack:", 14) == 0) {
		rc = close_goroutine(g);
		g->system = true;
		return rc;
	}
	/* "\tgoroutine running on other thread; stack unavailable" and the like. */
	if (is_indented(s, n))
		return HS_OK;
	g->foreign = true;
	return close_goroutine(g);
}

/* The function line before this one is still waiting for its file line. */
static hs_err resolve_pending(gdec *g, const char *s, size_t n, bool *consumed)
{
	g->has_pending = false;
	*consumed = false;
	if (!is_blank(s, n) && is_indented(s, n)) {
		*consumed = true;
		span file;
		int64_t line;
		parse_file_line(s, n, &file, &line);
		if (g->last_line_cut && line == 0) {
			/* The input ends inside the file line. */
			return truncated_frame(g, g->pending, g->pending_line);
		}
		return g->in_ancestor ? HS_OK : push_frame(g, g->pending, file, line);
	}
	header h;
	if (is_blank(s, n) || parse_header(s, n, &h) || parse_frame(s, n, NULL))
		return truncated_frame(g, g->pending, g->pending_line);
	/* Followed by anything else, it was no frame but a line of a log. */
	g->foreign = true;
	return close_goroutine(g);
}

static hs_err on_line(gdec *g, const char *s, size_t n, uint32_t lineno)
{
	hs_err rc;
	header h;
	if (g->has_pending) {
		bool consumed;
		if ((rc = resolve_pending(g, s, n, &consumed)) || consumed)
			return rc;
	}
	if (parse_header(s, n, &h))
		return open_goroutine(g, &h);
	if (g->open)
		return in_goroutine(g, s, n, lineno);
	if (is_blank(s, n)) {
		g->system = false;
		return HS_OK;
	}
	if (g->system && (parse_frame(s, n, NULL) || is_indented(s, n) || is_elided(s, n)))
		return HS_OK;
	g->system = false;
	if (n == 14 && memcmp(s, "runtime stack:", 14) == 0) {
		g->system = true;
		return HS_OK;
	}
	g->foreign = true;
	return HS_OK;
}

static hs_err finish_input(gdec *g)
{
	hs_err rc;
	if (g->has_pending && (rc = truncated_frame(g, g->pending, g->pending_line)))
		return rc;
	g->has_pending = false;
	if ((rc = close_goroutine(g)))
		return rc;
	if (g->ntruncated) {
		char msg[160];
		int k = snprintf(msg, sizeof msg,
		                 "goroutine dump truncated: %zu goroutine(s) end in a frame without "
		                 "its file:line, the first at line %u",
		                 g->ntruncated, g->first_truncated);
		hs_str c = hs_profile_intern(g->p, msg, (size_t)k);
		hs_str *slot = c == HS_NONE ? NULL : hs_vec_push(&g->p->comments, 1);
		if (!slot)
			return nomem(g);
		*slot = c;
	}
	return HS_OK;
}

/* ---- entry points ------------------------------------------------------- */

/* Text as far as the first 512 bytes tell: no control bytes but blanks,
 * line ends and ESC (colored logs). */
static bool looks_binary(const uint8_t *d, size_t n)
{
	size_t check = n < 512 ? n : 512;
	for (size_t i = 0; i < check; i++) {
		uint8_t c = d[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
		    c != 0x1b)
			return true;
	}
	return false;
}

/* The next line of d[*pos..n), trailing blanks and '\r' trimmed. */
static bool next_line(const uint8_t *d, size_t n, size_t *pos, span *line, bool *cut)
{
	if (*pos >= n)
		return false;
	const char *s = (const char *)d + *pos;
	const char *nl = memchr(s, '\n', n - *pos);
	size_t len = nl ? (size_t)(nl - s) : n - *pos;
	*pos += len + (nl != NULL);
	*cut = nl == NULL;
	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*line = (span){s, len};
	return true;
}

bool hs_goroutine_text_detect(const uint8_t *d, size_t n)
{
	if (!d || n == 0 || looks_binary(d, n) || starts_debug1(d, n))
		return false;
	size_t pos = 0;
	span l;
	bool cut;
	header h;
	while (next_line(d, n, &pos, &l, &cut))
		if (parse_header(l.s, l.n, &h))
			return true;
	return false;
}

/* Nothing loaded: say where the first line that meant to be a header goes
 * wrong, else that there is none. */
static hs_err no_goroutines(gdec *g, const uint8_t *d, size_t n, bool debug1)
{
	if (debug1)
		return hs_fail(g->err, HS_E_FORMAT,
		               "goroutine debug=1 count profile: handled by the legacy text loader");
	size_t pos = 0;
	span l;
	bool cut;
	for (uint32_t no = 1; next_line(d, n, &pos, &l, &cut); no += no < UINT32_MAX) {
		if (!has_prefix(l.s, l.n, "goroutine ") || l.n < 11 || l.s[10] < '0' || l.s[10] > '9')
			continue;
		size_t i = 10;
		while (i < l.n && l.s[i] >= '0' && l.s[i] <= '9')
			i++;
		uint64_t id;
		if (!parse_u64(l.s + 10, i - 10, &id))
			return hs_fail_line(g->err, HS_E_SYNTAX, no, 11, "goroutine id out of range");
		const char *want = "' [state]:' after the goroutine id";
		if (i < l.n && l.s[i] == ' ') {
			const char *br = memchr(l.s + i, '[', l.n - i);
			if (!br) {
				i++;
				want = "'[' opening the goroutine state";
			} else {
				i = l.n;
				want = "']:' ending the goroutine header";
			}
		}
		return hs_fail_line(g->err, HS_E_SYNTAX, no, (uint32_t)(i < UINT32_MAX ? i + 1 : UINT32_MAX),
		                    "expected %s", want);
	}
	return hs_fail_line(g->err, HS_E_SYNTAX, 1, 1,
	                    "no goroutine header ('goroutine N [state]:') found");
}

static hs_err setup(gdec *g)
{
	hs_profile *p = g->p;
	if (hs_profile_add_string(p, "", 0) == HS_NONE)
		return nomem(g);
	for (int i = 0; i < NKEYS; i++) {
		const char *k = i < K_MINUTES ? hs_dump_keys[i] : i == K_MINUTES ? "minutes" : "true";
		if ((g->key[i] = hs_profile_intern(p, k, strlen(k))) == HS_NONE)
			return nomem(g);
	}
	hs_str type = hs_profile_intern(p, "goroutine", 9), unit = hs_profile_intern(p, "count", 5);
	hs_value_type *vt = type == HS_NONE || unit == HS_NONE ? NULL : hs_vec_push(&p->sample_types, 1);
	if (!vt)
		return nomem(g);
	vt->type = type;
	vt->unit = unit;
	p->period_type = *vt;
	p->period = 1;
	p->format = HS_FMT_GOROUTINE_DUMP;
	hs_arena_init(&g->frame_keys);
	if (!hs_idmap_init(&g->funcs, 256) || !hs_idmap_init(&g->locs, 256) ||
	    !hs_idmap_init(&g->goids, 64) || !hs_idmap_init(&g->groups, 256) ||
	    !hs_strmap_init(&g->frames, 256))
		return nomem(g);
	return HS_OK;
}

/* The next line of an input that may still be arriving: wait for its end
 * (or the end of the input).  *scanned remembers how far a newline was
 * looked for, so a long line costs one scan, not one per wait. */
static bool next_line_in(hs_input *in, size_t *pos, size_t *scanned, span *line, bool *cut)
{
	for (;;) {
		if (*scanned < *pos)
			*scanned = *pos;
		if (*scanned < in->len && memchr(in->data + *scanned, '\n', in->len - *scanned))
			break;
		*scanned = in->len;
		if (in->complete)
			break;
		hs_input_wait(in, in->len + ((size_t)1 << 20));
	}
	*scanned = *pos;
	return next_line(in->data, in->len, pos, line, cut);
}

/* How far the loader is done with the input: nothing before the line
 * being read, the open goroutine's header (its state is kept as a span)
 * or a function line awaiting its file line is read again. */
static size_t read_upto(const gdec *g, const hs_input *in, const char *line)
{
	const char *hold = line;
	if (g->open && g->h.state.n && g->h.state.s < hold)
		hold = g->h.state.s;
	if (g->has_pending && g->pending.s < hold)
		hold = g->pending.s;
	return (size_t)((const uint8_t *)hold - in->data);
}

static hs_err decode(hs_profile *p, hs_input *in, hs_gtext_labels_fn fn, void *ctx,
                     hs_error *err)
{
	size_t head = hs_input_wait(in, 4096);
	if (head == 0) {
		hs_err rc = hs_input_error(in, err);
		return rc ? rc : hs_fail_at(err, HS_E_EMPTY, 0, "empty file, no goroutine dump");
	}
	if (starts_debug1(in->data, head))
		return hs_fail(err, HS_E_FORMAT,
		               "goroutine debug=1 count profile: handled by the legacy text loader");
	gdec g;
	memset(&g, 0, sizeof g);
	g.p = p;
	g.err = err;
	g.labels_fn = fn;
	g.labels_ctx = ctx;
	hs_vec_init(&g.buf, 1);
	hs_vec_init(&g.anc, 1);
	hs_err rc = setup(&g);
	size_t pos = 0, scanned = 0, dropped = 0;
	span l;
	bool debug1 = false;
	uint32_t no = 1;
	while (rc == HS_OK && next_line_in(in, &pos, &scanned, &l, &g.last_line_cut)) {
		debug1 |= has_prefix(l.s, l.n, "goroutine profile: total ");
		rc = on_line(&g, l.s, l.n, no);
		no += no < UINT32_MAX;
		/* Give back what was read, every 8 MiB, once a goroutine is in
		 * (no_goroutines below reads the input again when none is). */
		if (pos - dropped >= ((size_t)8 << 20) && g.ngoroutines) {
			dropped = read_upto(&g, in, (const char *)in->data + pos);
			hs_input_drop(in, dropped);
		}
	}
	g.last_line_cut = false;
	if (rc == HS_OK)
		rc = hs_input_error(in, err);
	if (rc == HS_OK)
		rc = finish_input(&g);
	if (rc == HS_OK && g.ngoroutines == 0)
		rc = no_goroutines(&g, in->data, in->len, debug1);
	if (rc == HS_OK)
		rc = hs_profile_finish(p, err);
	hs_idmap_release(&g.funcs);
	hs_idmap_release(&g.locs);
	hs_idmap_release(&g.goids);
	hs_idmap_release(&g.groups);
	hs_strmap_release(&g.frames);
	hs_arena_release(&g.frame_keys);
	hs_vec_release(&g.buf);
	hs_vec_release(&g.anc);
	if (rc != HS_OK)
		hs_profile_release(p);
	return rc;
}

hs_err hs_goroutine_text_decode_input(hs_profile *p, hs_input *in, hs_error *err)
{
	return decode(p, in, NULL, NULL, err);
}

hs_err hs_goroutine_text_decode_labeled(hs_profile *p, const uint8_t *d, size_t n,
                                        hs_gtext_labels_fn fn, void *ctx, hs_error *err)
{
	if (!d || n == 0)
		return hs_fail_at(err, HS_E_EMPTY, 0, "empty file, no goroutine dump");
	/* A buffer of the caller's: complete, and never dropped. */
	hs_input in = {.data = (uint8_t *)(uintptr_t)d, .len = n, .complete = true};
	return decode(p, &in, fn, ctx, err);
}

hs_err hs_goroutine_text_decode(hs_profile *p, const uint8_t *d, size_t n, hs_error *err)
{
	return hs_goroutine_text_decode_labeled(p, d, n, NULL, NULL, err);
}
