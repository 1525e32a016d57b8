/* Budget rules: quantities, the YAML rules file (libyaml's document API,
 * whose nodes carry the marks we report) and measuring a rule on a
 * profile with the view and graph of `top`.  See include/heapscope/rules.h. */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "heapscope/graph.h"
#include "heapscope/leaks.h"
#include "heapscope/rules.h"

/* ---- quantities ---------------------------------------------------------- */

typedef struct unit_def {
	const char *name;
	hs_qty_kind kind;
	int64_t factor;
} unit_def;

static const unit_def qty_units[] = {
	{"b", HS_QTY_BYTES, 1},
	{"kb", HS_QTY_BYTES, 1024},
	{"kib", HS_QTY_BYTES, 1024},
	{"mb", HS_QTY_BYTES, 1024 * 1024},
	{"mib", HS_QTY_BYTES, 1024 * 1024},
	{"gb", HS_QTY_BYTES, 1024LL * 1024 * 1024},
	{"gib", HS_QTY_BYTES, 1024LL * 1024 * 1024},
	{"tb", HS_QTY_BYTES, 1024LL * 1024 * 1024 * 1024},
	{"tib", HS_QTY_BYTES, 1024LL * 1024 * 1024 * 1024},
	{"ns", HS_QTY_NANOS, 1},
	{"us", HS_QTY_NANOS, 1000},
	{"\xc2\xb5s", HS_QTY_NANOS, 1000},   /* µs, micro sign */
	{"\xce\xbcs", HS_QTY_NANOS, 1000},   /* μs, Greek mu */
	{"ms", HS_QTY_NANOS, 1000000},
	{"s", HS_QTY_NANOS, 1000000000},
	{"m", HS_QTY_NANOS, 60000000000LL},
	{"min", HS_QTY_NANOS, 60000000000LL},
	{"h", HS_QTY_NANOS, 3600000000000LL},
};

#define UNIT_HELP "B, kB, KiB, MB, MiB, GB, GiB, TB, TiB (all 1024-based); ns, us, ms, s, m, h; " \
                  "or no unit for a count"

hs_err hs_parse_quantity(const char *s, hs_quantity *q, hs_error *err)
{
	const char *p = s;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '-')
		return hs_fail(err, HS_E_SYNTAX, "'%s' is negative: limits are >= 0", s);
	if (*p == '+')
		p++;
	if (!(*p >= '0' && *p <= '9') && !(*p == '.' && p[1] >= '0' && p[1] <= '9'))
		return hs_fail(err, HS_E_SYNTAX, "'%s' is not a number with an optional unit (" UNIT_HELP
		               ")", s);
	uint64_t ip = 0;
	bool big = false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (ip > (UINT64_MAX - 9) / 10)
			big = true;
		else
			ip = ip * 10 + (uint64_t)(*p - '0');
	}
	uint64_t fnum = 0, fden = 1;
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++)
			if (fden < 1000000000000000000ULL) {
				fnum = fnum * 10 + (uint64_t)(*p - '0');
				fden *= 10;
			}
	}
	if (*p == ' ')
		p++;
	const char *u = p;
	size_t ulen = strlen(u);
	while (ulen && (u[ulen - 1] == ' ' || u[ulen - 1] == '\t'))
		ulen--;
	const unit_def *ud = NULL;
	if (ulen) {
		for (size_t i = 0; i < sizeof qty_units / sizeof qty_units[0]; i++)
			if (strlen(qty_units[i].name) == ulen && strncasecmp(u, qty_units[i].name, ulen) == 0)
				ud = &qty_units[i];
		if (!ud)
			return hs_fail(err, HS_E_SYNTAX, "'%s': unknown unit '%.*s' (want " UNIT_HELP ")", s,
			               (int)ulen, u);
	}
	int64_t factor = ud ? ud->factor : 1;
	if (!ud && fnum)
		return hs_fail(err, HS_E_SYNTAX, "'%s': a count must be a whole number", s);
	if (big || ip > (uint64_t)INT64_MAX / (uint64_t)factor)
		return hs_fail(err, HS_E_SYNTAX, "'%s' is too large", s);
	int64_t v = (int64_t)ip * factor;
	double frac = round((double)fnum / (double)fden * (double)factor);
	if ((double)v + frac > 9.2e18)
		return hs_fail(err, HS_E_SYNTAX, "'%s' is too large", s);
	q->value = v + (int64_t)frac;
	q->kind = ud ? ud->kind : HS_QTY_NUMBER;
	return HS_OK;
}

hs_err hs_parse_size(const char *s, int64_t *bytes, hs_error *err)
{
	hs_quantity q;
	hs_err rc = hs_parse_quantity(s, &q, err);
	if (rc == HS_OK && q.kind == HS_QTY_NANOS)
		rc = hs_fail(err, HS_E_SYNTAX, "'%s' is a duration, not a size", s);
	if (rc == HS_OK)
		*bytes = q.value;
	return rc;
}

hs_err hs_parse_duration(const char *s, int64_t *nanos, hs_error *err)
{
	hs_quantity q;
	hs_err rc = hs_parse_quantity(s, &q, err);
	if (rc)
		return rc;
	if (q.kind != HS_QTY_NANOS)
		return hs_fail(err, HS_E_SYNTAX, "'%s' is not a duration (want a unit: ns, us, ms, s, m or h)",
		               s);
	*nanos = q.value;
	return HS_OK;
}

hs_qty_kind hs_unit_kind(const char *unit, double *base_per_unit)
{
	static const struct {
		const char *name;
		hs_qty_kind kind;
		double f;
	} tab[] = {
		{"bytes", HS_QTY_BYTES, 1}, {"byte", HS_QTY_BYTES, 1}, {"b", HS_QTY_BYTES, 1},
		{"nanoseconds", HS_QTY_NANOS, 1}, {"nanosecond", HS_QTY_NANOS, 1}, {"ns", HS_QTY_NANOS, 1},
		{"microseconds", HS_QTY_NANOS, 1e3}, {"microsecond", HS_QTY_NANOS, 1e3},
		{"us", HS_QTY_NANOS, 1e3},
		{"milliseconds", HS_QTY_NANOS, 1e6}, {"millisecond", HS_QTY_NANOS, 1e6},
		{"ms", HS_QTY_NANOS, 1e6},
		{"seconds", HS_QTY_NANOS, 1e9}, {"second", HS_QTY_NANOS, 1e9}, {"s", HS_QTY_NANOS, 1e9},
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(unit, tab[i].name) == 0) {
			if (base_per_unit)
				*base_per_unit = tab[i].f;
			return tab[i].kind;
		}
	if (base_per_unit)
		*base_per_unit = 1;
	return HS_QTY_NUMBER;
}

static const char *const limit_keys[HS_LIM_COUNT] = {
	"max_total", "max_flat", "max_cum", "max_growth", "max_growth_percent", "max_goroutines",
	"max_goroutines_per_group", "max_leak_severity",
};

static const char *const leak_ranks[] = {"none", "low", "medium", "high"};

int hs_leak_rank_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (strcasecmp(s, leak_ranks[i]) == 0)
			return i;
	return -1;
}

const char *hs_leak_rank_name(int rank)
{
	return rank >= 0 && rank < 4 ? leak_ranks[rank] : "?";
}

/* Limits that count goroutines: each in a rule of its own. */
static bool goroutine_limit(int k)
{
	return k == HS_LIM_GOROUTINES || k == HS_LIM_GROUP || k == HS_LIM_LEAK;
}

const char *hs_limit_key(hs_limit_kind k)
{
	return (unsigned)k < HS_LIM_COUNT ? limit_keys[k] : "?";
}

/* ---- the rules file ------------------------------------------------------ */

void hs_rules_init(hs_rules *r)
{
	hs_arena_init(&r->arena);
	hs_vec_init(&r->rules, sizeof(hs_rule));
}

void hs_rules_release(hs_rules *r)
{
	for (size_t i = 0; i < r->rules.len; i++)
		hs_regex_free(HS_VEC_AT(&r->rules, hs_rule, i).re);
	hs_vec_release(&r->rules);
	hs_arena_release(&r->arena);
	hs_rules_init(r);
}

typedef struct yctx {
	yaml_document_t *doc;
	hs_rules *r;
	hs_error *err;
} yctx;

static uint32_t mline(const yaml_node_t *n) { return (uint32_t)n->start_mark.line + 1; }
static uint32_t mcol(const yaml_node_t *n) { return (uint32_t)n->start_mark.column + 1; }

/* Of two keys of one mapping, the one written last. */
static const yaml_node_t *later(const yaml_node_t *a, const yaml_node_t *b)
{
	return a->start_mark.index > b->start_mark.index ? a : b;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return n->data.scalar.length ? "a scalar" : "an empty value";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static hs_err fail_at(yctx *c, const yaml_node_t *n, hs_err code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static hs_err fail_at(yctx *c, const yaml_node_t *n, hs_err code, const char *fmt, ...)
{
	char buf[sizeof c->err->detail];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return hs_fail_line(c->err, code, mline(n), mcol(n), "%s", buf);
}

/* A scalar's text as a NUL-terminated arena string; NULL (after failing)
 * if the node is not a non-empty scalar. */
static const char *scalar(yctx *c, const yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0 ||
	    (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	     (strcmp((const char *)n->data.scalar.value, "~") == 0 ||
	      strcmp((const char *)n->data.scalar.value, "null") == 0))) {
		fail_at(c, n, HS_E_SYNTAX, "%s: expected a value, found %s", key,
		        n->type == YAML_SCALAR_NODE && n->data.scalar.length ? "null" : node_kind(n));
		return NULL;
	}
	char *s = hs_arena_strndup(&c->r->arena, (const char *)n->data.scalar.value,
	                           n->data.scalar.length);
	if (!s)
		hs_fail(c->err, HS_E_NOMEM, NULL);
	return s;
}

static int find_key(const char *k)
{
	static const char *const others[] = {"name", "sample_index", "match", "files"};
	for (int i = 0; i < 4; i++)
		if (strcmp(k, others[i]) == 0)
			return 100 + i;
	for (int i = 0; i < HS_LIM_COUNT; i++)
		if (strcmp(k, limit_keys[i]) == 0)
			return i;
	return -1;
}

#define RULE_KEYS "name, sample_index, match, files, max_total, max_flat, max_cum, max_growth, " \
                  "max_growth_percent, max_goroutines, max_goroutines_per_group or max_leak_severity"

static hs_err parse_percent(yctx *c, const yaml_node_t *n, const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	while (*end == ' ')
		end++;
	if (end == s || *end || errno || !isfinite(v) || v < 0 || s[0] == ' ' ||
	    strpbrk(s, "xXnN"))
		return fail_at(c, n, HS_E_SYNTAX,
		               "max_growth_percent: expected a percentage >= 0 such as 10 or 12.5%%, found '%s'",
		               s);
	*out = v;
	return HS_OK;
}

static hs_err parse_rule(yctx *c, const yaml_node_t *n, size_t index)
{
	if (n->type != YAML_MAPPING_NODE)
		return fail_at(c, n, HS_E_SYNTAX,
		               "rule %zu: expected a mapping (name: ..., max_total: ...), found %s", index + 1,
		               node_kind(n));
	hs_rule *r = hs_vec_push(&c->r->rules, 1);
	if (!r)
		return hs_fail(c->err, HS_E_NOMEM, NULL);
	r->line = mline(n);
	r->col = mcol(n);
	const yaml_node_t *seen[HS_LIM_COUNT + 4] = {0};
	const yaml_node_t *keynode[HS_LIM_COUNT + 4] = {0};
	char where[96];
	snprintf(where, sizeof where, "rule %zu", index + 1);
	/* The name first, so later messages can say which rule. */
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
		if (k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, "name") == 0) {
			yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
			if (v->type == YAML_SCALAR_NODE && v->data.scalar.length)
				snprintf(where, sizeof where, "rule '%.80s'", (const char *)v->data.scalar.value);
		}
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
		if (k->type != YAML_SCALAR_NODE)
			return fail_at(c, k, HS_E_SYNTAX, "%s: expected a key (" RULE_KEYS "), found %s",
			               where, node_kind(k));
		const char *key = (const char *)k->data.scalar.value;
		int id = find_key(key);
		if (id < 0)
			return fail_at(c, k, HS_E_SYNTAX, "%s: unknown key '%s' (expected " RULE_KEYS ")",
			               where, key);
		int slot = id >= 100 ? id - 100 + HS_LIM_COUNT : id;
		if (seen[slot])
			return fail_at(c, k, HS_E_SYNTAX, "%s: '%s' given twice (first at line %u:%u)", where,
			               key, mline(keynode[slot]), mcol(keynode[slot]));
		seen[slot] = v;
		keynode[slot] = k;
		char what[160];
		snprintf(what, sizeof what, "%s: %s", where, key);
		const char *s = scalar(c, v, what);
		if (!s)
			return c->err->code;
		hs_error qe;
		switch (id) {
		case 100: r->name = s; break;
		case 101: r->sample_index = s; break;
		case 102:
			r->match = s;
			hs_error_clear(&qe);
			if (hs_regex_compile(&r->re, s, &qe) != HS_OK)
				return fail_at(c, v, qe.code, "%s: %s", what, qe.detail);
			break;
		case 103: r->files = s; break;
		case HS_LIM_GROWTH_PCT:
			if (parse_percent(c, v, s, &r->growth_percent))
				return c->err->code;
			break;
		case HS_LIM_LEAK:
			r->limit[id].value = hs_leak_rank_parse(s);
			r->limit[id].kind = HS_QTY_NUMBER;
			if (r->limit[id].value < 0)
				return fail_at(c, v, HS_E_SYNTAX,
				               "%s: expected none, low, medium or high, found '%s'", what, s);
			break;
		default:
			hs_error_clear(&qe);
			if (hs_parse_quantity(s, &r->limit[id], &qe) != HS_OK)
				return fail_at(c, v, HS_E_SYNTAX, "%s: %s", what, qe.detail);
			if ((id == HS_LIM_GOROUTINES || id == HS_LIM_GROUP) &&
			    r->limit[id].kind != HS_QTY_NUMBER)
				return fail_at(c, v, HS_E_SYNTAX, "%s: expected a count (a whole number), found '%s'",
				               what, s);
			break;
		}
		if (id < HS_LIM_COUNT) {
			r->has[id] = true;
			r->limit_line[id] = mline(v);
			r->limit_col[id] = mcol(v);
		}
	}
	if (!r->name)
		return fail_at(c, n, HS_E_SYNTAX, "%s: missing key 'name'", where);
	bool any = false;
	for (int i = 0; i < HS_LIM_COUNT; i++)
		any |= r->has[i];
	if (!any)
		return fail_at(c, n, HS_E_SYNTAX,
		               "%s: no limit (expected one of max_total, max_flat, max_cum, max_growth, "
		               "max_growth_percent, max_goroutines, max_goroutines_per_group, "
		               "max_leak_severity)", where);
	for (int g = 0; g < HS_LIM_COUNT; g++) {
		if (!goroutine_limit(g) || !r->has[g])
			continue;
		for (int i = 0; i < HS_LIM_COUNT; i++)
			if (i != g && r->has[i])
				return fail_at(c, later(keynode[g], keynode[i]), HS_E_SYNTAX,
				               "%s: %s goes in a rule of its own, without %s", where,
				               limit_keys[g], limit_keys[i]);
		const int other[] = {1, 2};   /* sample_index, match */
		for (int i = 0; i < 2; i++)
			if (seen[HS_LIM_COUNT + other[i]])
				return fail_at(c, keynode[HS_LIM_COUNT + other[i]], HS_E_SYNTAX,
				               "%s: %s counts goroutines and takes no %s", where, limit_keys[g],
				               other[i] == 1 ? "sample_index" : "match");
	}
	if ((r->has[HS_LIM_FLAT] || r->has[HS_LIM_CUM]) && !r->match)
		return fail_at(c, keynode[r->has[HS_LIM_FLAT] ? HS_LIM_FLAT : HS_LIM_CUM], HS_E_SYNTAX,
		               "%s: %s needs 'match' (a regular expression on function names)", where,
		               r->has[HS_LIM_FLAT] ? "max_flat" : "max_cum");
	if (r->match && r->has[HS_LIM_TOTAL])
		return fail_at(c, keynode[HS_LIM_TOTAL], HS_E_SYNTAX,
		               "%s: max_total is the whole profile's total and takes no 'match' "
		               "(use max_flat or max_cum)", where);
	for (size_t i = 0; i + 1 < c->r->rules.len; i++) {
		const hs_rule *o = &HS_VEC_AT(&c->r->rules, hs_rule, i);
		if (strcmp(o->name, r->name) == 0)
			return fail_at(c, seen[HS_LIM_COUNT], HS_E_SYNTAX,
			               "rule name '%s' is used twice (first at line %u:%u)", r->name, o->line,
			               o->col);
	}
	return HS_OK;
}

static hs_err parse_doc(yctx *c)
{
	yaml_node_t *root = yaml_document_get_root_node(c->doc);
	if (!root)
		return hs_fail_line(c->err, HS_E_SYNTAX, 1, 1,
		                    "expected a mapping with a 'rules' list, found an empty document");
	if (root->type != YAML_MAPPING_NODE)
		return fail_at(c, root, HS_E_SYNTAX, "expected a mapping with a 'rules' list, found %s",
		               node_kind(root));
	yaml_node_t *list = NULL;
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
		if (k->type != YAML_SCALAR_NODE || strcmp((const char *)k->data.scalar.value, "rules") != 0)
			return fail_at(c, k, HS_E_SYNTAX, "unknown top-level key%s%s%s (expected 'rules')",
			               k->type == YAML_SCALAR_NODE ? " '" : "",
			               k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "",
			               k->type == YAML_SCALAR_NODE ? "'" : "");
		if (list)
			return fail_at(c, k, HS_E_SYNTAX, "'rules' given twice");
		list = yaml_document_get_node(c->doc, pr->value);
	}
	if (!list)
		return fail_at(c, root, HS_E_SYNTAX, "missing key 'rules'");
	if (list->type != YAML_SEQUENCE_NODE)
		return fail_at(c, list, HS_E_SYNTAX, "rules: expected a list of rules ('- name: ...'), found %s",
		               node_kind(list));
	size_t i = 0;
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top;
	     it++, i++) {
		hs_err rc = parse_rule(c, yaml_document_get_node(c->doc, *it), i);
		if (rc)
			return rc;
	}
	if (i == 0)
		return fail_at(c, list, HS_E_SYNTAX, "rules: the list is empty");
	return HS_OK;
}

hs_err hs_rules_parse(hs_rules *r, const char *text, size_t n, hs_error *err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	if (!yaml_parser_initialize(&parser))
		return hs_fail(err, HS_E_NOMEM, NULL);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, n);
	if (!yaml_parser_load(&parser, &doc)) {
		hs_err rc;
		if (parser.error == YAML_MEMORY_ERROR) {
			rc = hs_fail(err, HS_E_NOMEM, NULL);
		} else if (parser.context) {
			rc = hs_fail_line(err, HS_E_SYNTAX, (uint32_t)parser.problem_mark.line + 1,
			                  (uint32_t)parser.problem_mark.column + 1, "%s (%s at line %u:%u)",
			                  parser.problem ? parser.problem : "malformed YAML", parser.context,
			                  (unsigned)parser.context_mark.line + 1,
			                  (unsigned)parser.context_mark.column + 1);
		} else {
			rc = hs_fail_line(err, HS_E_SYNTAX, (uint32_t)parser.problem_mark.line + 1,
			                  (uint32_t)parser.problem_mark.column + 1, "%s",
			                  parser.problem ? parser.problem : "malformed YAML");
		}
		yaml_parser_delete(&parser);
		return rc;
	}
	yctx c = {.doc = &doc, .r = r, .err = err};
	hs_err rc = parse_doc(&c);
	/* Only one document: a second one is most likely a stray '---'. */
	if (rc == HS_OK) {
		yaml_document_t more;
		if (!yaml_parser_load(&parser, &more)) {
			rc = hs_fail_line(err, HS_E_SYNTAX, (uint32_t)parser.problem_mark.line + 1,
			                  (uint32_t)parser.problem_mark.column + 1, "%s",
			                  parser.problem ? parser.problem : "malformed YAML");
		} else {
			yaml_node_t *extra = yaml_document_get_root_node(&more);
			if (extra)
				rc = hs_fail_line(err, HS_E_SYNTAX, (uint32_t)more.start_mark.line + 1,
				                  (uint32_t)more.start_mark.column + 1,
				                  "expected one YAML document, found a second one");
			yaml_document_delete(&more);
		}
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

hs_err hs_rules_load(hs_rules *r, const char *path, hs_error *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return hs_fail(err, HS_E_IO, "%s", strerror(errno));
	hs_vec buf;
	hs_vec_init(&buf, 1);
	char chunk[8192];
	size_t got;
	bool ok = true;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		char *dst = hs_vec_push(&buf, got);
		if (!dst) {
			ok = false;
			break;
		}
		memcpy(dst, chunk, got);
		if (buf.len > (64u << 20)) {
			fclose(f);
			hs_vec_release(&buf);
			return hs_fail(err, HS_E_LIMIT, "larger than 64 MiB: not a rules file");
		}
	}
	int e = errno;
	bool rerr = ferror(f);
	fclose(f);
	if (!ok) {
		hs_vec_release(&buf);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	if (rerr) {
		hs_vec_release(&buf);
		return hs_fail(err, HS_E_IO, "%s", strerror(e));
	}
	hs_err rc = hs_rules_parse(r, buf.data ? buf.data : "", buf.len, err);
	hs_vec_release(&buf);
	return rc;
}

bool hs_rule_applies(const hs_rule *r, const char *path)
{
	if (!r->files)
		return true;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return fnmatch(r->files, path, 0) == 0 || fnmatch(r->files, base, 0) == 0;
}

/* ---- measuring ----------------------------------------------------------- */

static void type_list(const hs_profile *p, char *buf, size_t n)
{
	buf[0] = '\0';
	for (size_t k = 0; k < hs_ntypes(p); k++) {
		const hs_value_type *vt = hs_sample_type(p, k);
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s", k ? ", " : "", hs_s(p, vt->type));
	}
}

static hs_err measure_at(const hs_rule *r, const hs_profile *p, int si, hs_measure *m,
                         hs_error *err)
{
	memset(m, 0, sizeof *m);
	const hs_value_type *vt = hs_sample_type(p, si);
	m->sample_index = si;
	m->sample_type = hs_s(p, vt->type);
	m->unit = hs_s(p, vt->unit);
	hs_view v;
	hs_view_opts vo = {.sample_index = si, .granularity = HS_GRAN_FUNCTIONS};
	hs_err rc = hs_view_build(&v, p, &vo, err);
	if (rc)
		return rc;
	m->total = v.total;
	if (r->re) {
		hs_graph g;
		rc = hs_graph_build(&g, &v, NULL, false, err);
		if (rc == HS_OK) {
			for (size_t i = 0; i < g.npresent; i++) {
				uint32_t id = g.present[i];
				const hs_node_info *ni = hs_view_node(&v, id);
				const char *name = ni->func[0] ? ni->func : ni->name;
				if (!hs_regex_match(r->re, name, strlen(name)))
					continue;
				m->flat = hs_add(m->flat, g.flat[id]);
				m->cum = hs_add(m->cum, g.cum[id]);
				m->matched++;
			}
			hs_graph_release(&g);
		}
	}
	hs_view_release(&v);
	return rc;
}

static int goroutine_index(const hs_profile *p)
{
	for (size_t k = 0; k < hs_ntypes(p); k++) {
		const char *t = hs_s(p, hs_sample_type(p, k)->type);
		if (strcmp(t, "goroutine") == 0 || strcmp(t, "goroutines") == 0)
			return (int)k;
	}
	return -1;
}

/* The biggest group of goroutines sharing one stack. */
static hs_err measure_group(const hs_profile *p, int si, hs_measure *m, hs_error *err)
{
	int64_t *per = calloc(p->nstacks + 1, sizeof *per);
	size_t *rep = calloc(p->nstacks + 1, sizeof *rep);
	if (!per || !rep) {
		free(per);
		free(rep);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	uint32_t best = UINT32_MAX;
	for (size_t s = 0; s < p->nsamples; s++) {
		uint32_t id = hs_sample_stack_id(p, s);
		int64_t v = hs_sample_values(p, s)[si];
		if (v > hs_sample_values(p, rep[id])[si] || per[id] == 0)
			rep[id] = s;
		per[id] = hs_add(per[id], v);
		if (best == UINT32_MAX || per[id] > per[best])
			best = id;
	}
	if (best != UINT32_MAX) {
		hs_wait_info wi;
		hs_wait_info_of(p, rep[best], &wi);
		m->worst = per[best];
		snprintf(m->what, sizeof m->what, "%s, %s", wi.culprit, hs_wait_kind_name(wi.kind));
	}
	free(per);
	free(rep);
	return HS_OK;
}

/* The most severe leak candidate of this file alone (its dumps in order). */
static hs_err measure_leaks(const hs_profile *p, hs_measure *m, hs_error *err)
{
	hs_leak_opts o;
	hs_leak_opts_default(&o);
	hs_leaks *l = hs_leaks_new(&o, err);
	hs_err rc = l ? HS_OK : HS_E_NOMEM;
	if (rc == HS_OK && (rc = hs_leaks_add(l, p, "", err)) == HS_OK &&
	    (rc = hs_leaks_finish(l, err)) == HS_OK && hs_leaks_n(l) > 0) {
		const hs_leak *c = hs_leaks_at(l, 0);   /* ranked: the worst first */
		m->worst = 3 - (int)c->severity;
		snprintf(m->what, sizeof m->what, "%s %s at %s", hs_severity_name(c->severity),
		         hs_leak_kind_name(c->kind), c->culprit);
	}
	hs_leaks_free(l);
	return rc;
}

hs_err hs_rule_measure(const hs_rule *r, const hs_profile *p, hs_measure *m, hs_error *err)
{
	char list[512];
	if (hs_ntypes(p) == 0)
		return hs_fail(err, HS_E_USAGE, "the profile has no sample types");
	type_list(p, list, sizeof list);
	int si;
	if (r->has[HS_LIM_LEAK]) {
		si = goroutine_index(p);
		hs_err rc = measure_at(r, p, si >= 0 ? si : hs_profile_default_index(p), m, err);
		return rc ? rc : measure_leaks(p, m, err);
	}
	if (r->has[HS_LIM_GOROUTINES] || r->has[HS_LIM_GROUP]) {
		si = goroutine_index(p);
		if (si < 0)
			return hs_fail(err, HS_E_USAGE,
			               "%s needs a goroutine profile or dump (this profile's sample "
			               "types: %s)", r->has[HS_LIM_GROUP] ? "max_goroutines_per_group"
			                                                   : "max_goroutines", list);
		hs_err rc = measure_at(r, p, si, m, err);
		return rc || !r->has[HS_LIM_GROUP] ? rc : measure_group(p, si, m, err);
	} else if (r->sample_index) {
		si = hs_profile_find_index(p, r->sample_index);
		if (si < 0)
			return hs_fail(err, HS_E_USAGE, "no sample type '%s' (it has: %s)", r->sample_index,
			               list);
	} else {
		si = hs_profile_default_index(p);
	}
	return measure_at(r, p, si, m, err);
}

hs_err hs_rule_measure_base(const hs_rule *r, const hs_profile *base, const hs_measure *like,
                            hs_measure *m, hs_error *err)
{
	char list[512];
	type_list(base, list, sizeof list);
	int si = hs_profile_find_index(base, like->sample_type);
	if (si < 0)
		return hs_fail(err, HS_E_USAGE, "the base has no sample type '%s' (it has: %s)",
		               like->sample_type, list);
	return measure_at(r, base, si, m, err);
}

hs_err hs_rule_check(const hs_rule *r, const hs_measure *m, const hs_measure *base,
                     hs_rule_result *out, hs_error *err)
{
	memset(out, 0, sizeof *out);
	out->ok = true;
	double per_unit;
	hs_qty_kind uk = hs_unit_kind(m->unit, &per_unit);
	bool growth = r->has[HS_LIM_GROWTH] || r->has[HS_LIM_GROWTH_PCT];
	if (growth && !base)
		return hs_fail(err, HS_E_USAGE, "%s needs a base profile (--base)",
		               r->has[HS_LIM_GROWTH] ? "max_growth" : "max_growth_percent");
	int64_t gv = r->match ? m->flat : m->total;
	int64_t bv = base ? (r->match ? base->flat : base->total) : 0;
	out->base_value = bv;
	for (int k = 0; k < HS_LIM_COUNT; k++) {
		if (!r->has[k])
			continue;
		hs_check *c = &out->checks[out->nchecks++];
		c->kind = (hs_limit_kind)k;
		if (k == HS_LIM_GROWTH_PCT) {
			int64_t d = hs_add(gv, -bv);
			c->value = d;
			c->value_pct = bv ? (double)d * 100.0 / (double)hs_abs(bv) : d > 0 ? INFINITY : 0;
			c->limit_pct = r->growth_percent;
			c->ok = c->value_pct <= c->limit_pct;
			out->ok &= c->ok;
			continue;
		}
		const hs_quantity *q = &r->limit[k];
		if (q->kind != HS_QTY_NUMBER && q->kind != uk)
			return hs_fail(err, HS_E_USAGE, "%s is a %s but sample type '%s' is in %s",
			               limit_keys[k], q->kind == HS_QTY_BYTES ? "size" : "duration",
			               m->sample_type, m->unit[0] ? m->unit : "no unit");
		c->limit = q->kind == HS_QTY_NUMBER ? q->value : (int64_t)llround((double)q->value / per_unit);
		switch (k) {
		case HS_LIM_TOTAL:
		case HS_LIM_GOROUTINES: c->value = m->total; break;
		case HS_LIM_GROUP:
		case HS_LIM_LEAK: c->value = m->worst; break;
		case HS_LIM_FLAT: c->value = m->flat; break;
		case HS_LIM_CUM: c->value = m->cum; break;
		case HS_LIM_GROWTH: c->value = hs_add(gv, -bv); break;
		}
		c->ok = c->value <= c->limit;
		out->ok &= c->ok;
	}
	return HS_OK;
}
