/* Rules files and quantities (include/heapscope/rules.h).  Expected marks
 * are 1-based line:column counted by hand in the texts below (libyaml's
 * and PyYAML's marks agree on them). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "heapscope/rules.h"

static void qty_ok(const char *s, int64_t want, hs_qty_kind kind)
{
	hs_quantity q;
	hs_error e;
	hs_error_clear(&e);
	hs_err rc = hs_parse_quantity(s, &q, &e);
	if (rc != HS_OK)
		fail_msg("'%s': %s", s, e.detail);
	assert_int_equal(q.value, want);
	assert_int_equal(q.kind, kind);
}

static void qty_bad(const char *s, const char *want_in_message)
{
	hs_quantity q;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_parse_quantity(s, &q, &e), HS_E_SYNTAX);
	if (!strstr(e.detail, want_in_message))
		fail_msg("'%s': message '%s' lacks '%s'", s, e.detail, want_in_message);
}

static void test_sizes(void **state)
{
	(void)state;
	qty_ok("64MiB", 64LL << 20, HS_QTY_BYTES);
	qty_ok("64MB", 64LL << 20, HS_QTY_BYTES);          /* pprof's MB: 1024-based */
	qty_ok("10kB", 10240, HS_QTY_BYTES);
	qty_ok("10KB", 10240, HS_QTY_BYTES);
	qty_ok("10KiB", 10240, HS_QTY_BYTES);
	qty_ok("2GiB", 2LL << 30, HS_QTY_BYTES);
	qty_ok("1TB", 1LL << 40, HS_QTY_BYTES);
	qty_ok("512B", 512, HS_QTY_BYTES);
	qty_ok("512 B", 512, HS_QTY_BYTES);
	qty_ok("  1.5GiB  ", 1610612736, HS_QTY_BYTES);
	qty_ok("0.5kB", 512, HS_QTY_BYTES);
	qty_ok("1.0005kB", 1025, HS_QTY_BYTES);            /* 1024.512 rounds up */
	qty_ok(".5MiB", 524288, HS_QTY_BYTES);
	qty_ok("0", 0, HS_QTY_NUMBER);
	qty_ok("1000", 1000, HS_QTY_NUMBER);
	qty_ok("+7", 7, HS_QTY_NUMBER);
}

static void test_durations(void **state)
{
	(void)state;
	qty_ok("250ms", 250000000, HS_QTY_NANOS);
	qty_ok("2s", 2000000000, HS_QTY_NANOS);
	qty_ok("1.5s", 1500000000, HS_QTY_NANOS);
	qty_ok("10us", 10000, HS_QTY_NANOS);
	qty_ok("10\xc2\xb5s", 10000, HS_QTY_NANOS);
	qty_ok("3ns", 3, HS_QTY_NANOS);
	qty_ok("1m", 60000000000LL, HS_QTY_NANOS);
	qty_ok("1min", 60000000000LL, HS_QTY_NANOS);
	qty_ok("2h", 7200000000000LL, HS_QTY_NANOS);
	int64_t v;
	hs_error e;
	hs_error_clear(&e);
	assert_int_equal(hs_parse_duration("30s", &v, &e), HS_OK);
	assert_int_equal(v, 30000000000LL);
	assert_int_equal(hs_parse_duration("30", &v, &e), HS_E_SYNTAX);
	hs_error_clear(&e);
	assert_int_equal(hs_parse_size("30s", &v, &e), HS_E_SYNTAX);
	hs_error_clear(&e);
	assert_int_equal(hs_parse_size("4096", &v, &e), HS_OK);
	assert_int_equal(v, 4096);
}

static void test_bad_quantities(void **state)
{
	(void)state;
	qty_bad("64MiBs", "unknown unit 'MiBs'");
	qty_bad("64 PB", "unknown unit 'PB'");
	qty_bad("-5MiB", "negative");
	qty_bad("", "not a number");
	qty_bad("MiB", "not a number");
	qty_bad("1.5", "whole number");
	qty_bad("99999999999999999999", "too large");
	qty_bad("9000000TiB", "too large");
	qty_bad("1  MiB", "unknown unit");   /* one blank at most */
}

static void test_unit_kind(void **state)
{
	(void)state;
	double f;
	assert_int_equal(hs_unit_kind("bytes", &f), HS_QTY_BYTES);
	assert_true(f == 1);
	assert_int_equal(hs_unit_kind("nanoseconds", &f), HS_QTY_NANOS);
	assert_true(f == 1);
	assert_int_equal(hs_unit_kind("microseconds", &f), HS_QTY_NANOS);
	assert_true(f == 1000);
	assert_int_equal(hs_unit_kind("count", &f), HS_QTY_NUMBER);
	assert_int_equal(hs_unit_kind("", &f), HS_QTY_NUMBER);
}

static hs_err parse(hs_rules *r, const char *text, hs_error *e)
{
	hs_rules_init(r);
	hs_error_clear(e);
	return hs_rules_parse(r, text, strlen(text), e);
}

/* Parse text, which must be valid. */
static void parse_ok(hs_rules *r, const char *text)
{
	hs_error e;
	if (parse(r, text, &e) != HS_OK)
		fail_msg("%u:%u: %s", e.line, e.col, e.detail);
}

static const char example[] =
	"rules:\n"                                              /* 1 */
	"  - name: heap stays under 64 MiB\n"                   /* 2 */
	"    sample_index: inuse_space\n"                       /* 3 */
	"    max_total: 64MiB\n"                                /* 4 */
	"  - name: cache flat size\n"                           /* 5 */
	"    sample_index: inuse_space\n"                       /* 6 */
	"    match: '^main\\.grow$'\n"                          /* 7 */
	"    max_flat: 10MiB\n"                                 /* 8 */
	"    max_cum: 12MiB\n"                                  /* 9 */
	"  - name: growth\n"                                    /* 10 */
	"    max_growth: 5MiB\n"                                /* 11 */
	"    max_growth_percent: 10\n"                          /* 12 */
	"    files: 'heap-*.pb.gz'\n"                           /* 13 */
	"  - name: goroutines\n"                                /* 14 */
	"    max_goroutines: 1000   # a comment\n";             /* 15 */

static void test_parse_example(void **state)
{
	(void)state;
	hs_rules r;
	parse_ok(&r, example);
	assert_int_equal(hs_rules_count(&r), 4);
	const hs_rule *a = hs_rule_at(&r, 0), *b = hs_rule_at(&r, 1), *c = hs_rule_at(&r, 2),
	              *d = hs_rule_at(&r, 3);
	assert_string_equal(a->name, "heap stays under 64 MiB");
	assert_string_equal(a->sample_index, "inuse_space");
	assert_true(a->has[HS_LIM_TOTAL] && !a->has[HS_LIM_FLAT]);
	assert_int_equal(a->limit[HS_LIM_TOTAL].value, 64LL << 20);
	assert_int_equal(a->limit[HS_LIM_TOTAL].kind, HS_QTY_BYTES);
	assert_int_equal(a->line, 2);
	assert_int_equal(a->col, 5);
	assert_int_equal(a->limit_line[HS_LIM_TOTAL], 4);
	assert_int_equal(a->limit_col[HS_LIM_TOTAL], 16);
	assert_string_equal(b->match, "^main\\.grow$");
	assert_non_null(b->re);
	assert_true(hs_regex_match(b->re, "main.grow", 9));
	assert_false(hs_regex_match(b->re, "main.grower", 11));
	assert_int_equal(b->limit[HS_LIM_FLAT].value, 10LL << 20);
	assert_int_equal(b->limit[HS_LIM_CUM].value, 12LL << 20);
	assert_null(c->sample_index);
	assert_int_equal(c->limit[HS_LIM_GROWTH].value, 5LL << 20);
	assert_true(c->has[HS_LIM_GROWTH_PCT]);
	assert_true(c->growth_percent == 10);
	assert_true(hs_rule_applies(c, "dir/heap-3.pb.gz"));
	assert_true(hs_rule_applies(c, "heap-3.pb.gz"));
	assert_false(hs_rule_applies(c, "dir/goroutine.pb.gz"));
	assert_true(hs_rule_applies(a, "anything"));
	assert_int_equal(d->limit[HS_LIM_GOROUTINES].value, 1000);
	assert_int_equal(d->limit[HS_LIM_GOROUTINES].kind, HS_QTY_NUMBER);
	hs_rules_release(&r);
}

static void expect_error(const char *text, hs_err code, uint32_t line, uint32_t col,
                         const char *want)
{
	hs_rules r;
	hs_error e;
	assert_int_equal(parse(&r, text, &e), code);
	if (e.line != line || e.col != col || !strstr(e.detail, want))
		fail_msg("got %u:%u '%s', want %u:%u '...%s...'", e.line, e.col, e.detail, line, col,
		         want);
	hs_rules_release(&r);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_error("rules:\n"
	             "  - name: a\n"
	             "    sample_index: inuse_space\n"
	             "    max_totl: 64MiB\n",
	             HS_E_SYNTAX, 4, 5, "rule 'a': unknown key 'max_totl' (expected name, ");
	expect_error("version: 2\nrules: []\n", HS_E_SYNTAX, 1, 1,
	             "unknown top-level key 'version' (expected 'rules')");
	/* The name is looked up first, wherever it is. */
	expect_error("rules:\n  - limit: 1\n    name: late\n", HS_E_SYNTAX, 2, 5,
	             "rule 'late': unknown key 'limit'");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_error("rules:\n  - name: a\n    max_total: 64MiBs\n", HS_E_SYNTAX, 3, 16,
	             "rule 'a': max_total: '64MiBs': unknown unit 'MiBs'");
	expect_error("rules:\n  - name: a\n    max_total: -1\n", HS_E_SYNTAX, 3, 16, "negative");
	expect_error("rules:\n  - name: g\n    max_goroutines: 1kB\n", HS_E_SYNTAX, 3, 21,
	             "expected a count");
	expect_error("rules:\n  - name: a\n    max_growth_percent: ten\n", HS_E_SYNTAX, 3, 25,
	             "expected a percentage");
	expect_error("rules:\n  - name: g\n    max_goroutines_per_group: 2MiB\n", HS_E_SYNTAX, 3, 31,
	             "expected a count");
	expect_error("rules:\n  - name: l\n    max_leak_severity: severe\n", HS_E_SYNTAX, 3, 24,
	             "expected none, low, medium or high, found 'severe'");
	expect_error("rules:\n  - name: a\n    max_total:\n", HS_E_SYNTAX, 3, 15,
	             "max_total: expected a value");
	expect_error("rules:\n  - name: a\n    max_total: [1, 2]\n", HS_E_SYNTAX, 3, 16,
	             "expected a value, found a list");
	expect_error("rules:\n  - name: a\n    match: 'main.(grow'\n    max_flat: 1\n", HS_E_REGEX, 3,
	             12, "missing closing parenthesis");
}

static void test_structure(void **state)
{
	(void)state;
	expect_error("", HS_E_SYNTAX, 1, 1, "found an empty document");
	expect_error("- a\n", HS_E_SYNTAX, 1, 1, "expected a mapping with a 'rules' list, found a list");
	expect_error("rules: x\n", HS_E_SYNTAX, 1, 8, "expected a list of rules");
	expect_error("rules: []\n", HS_E_SYNTAX, 1, 8, "the list is empty");
	expect_error("rules:\n  - just a string\n", HS_E_SYNTAX, 2, 5, "rule 1: expected a mapping");
	expect_error("rules:\n  - max_total: 1\n", HS_E_SYNTAX, 2, 5, "rule 1: missing key 'name'");
	expect_error("rules:\n  - name: a\n", HS_E_SYNTAX, 2, 5, "rule 'a': no limit");
	expect_error("rules:\n  - name: a\n    max_flat: 1\n", HS_E_SYNTAX, 3, 5,
	             "max_flat needs 'match'");
	expect_error("rules:\n  - name: a\n    max_total: 1\n    max_total: 2\n", HS_E_SYNTAX, 4, 5,
	             "'max_total' given twice (first at line 3:5)");
	expect_error("rules:\n  - name: a\n    max_total: 1\n  - name: a\n    max_total: 2\n",
	             HS_E_SYNTAX, 4, 11, "rule name 'a' is used twice (first at line 2:5)");
	expect_error("rules:\n  - name: g\n    max_goroutines: 1\n    max_total: 2\n", HS_E_SYNTAX, 4,
	             5, "max_goroutines goes in a rule of its own");
	expect_error("rules:\n  - name: l\n    max_leak_severity: low\n    max_goroutines: 2\n",
	             HS_E_SYNTAX, 4, 5, "max_goroutines goes in a rule of its own, without max_leak_severity");
	expect_error("rules:\n  - name: g\n    match: x\n    max_goroutines_per_group: 2\n", HS_E_SYNTAX, 3,
	             5, "max_goroutines_per_group counts goroutines and takes no match");
	expect_error("rules:\n  - name: a\n    match: x\n    max_total: 2\n", HS_E_SYNTAX, 4, 5,
	             "max_total is the whole profile's total and takes no 'match'");
	expect_error("rules:\n  - name: x\n    max_total: 1\n---\nrules: []\n", HS_E_SYNTAX, 4, 1,
	             "found a second one");
}

static void test_bad_yaml(void **state)
{
	(void)state;
	/* The problem mark, then libyaml's context and its mark. */
	expect_error("rules:\n  - name: a\n   max_total: 1\n", HS_E_SYNTAX, 3, 4,
	             "did not find expected '-' indicator (while parsing a block collection at line 2:3)");
	expect_error("rules:\n  - name: a\n    max_total: [1\n", HS_E_SYNTAX, 4, 1,
	             "did not find expected ',' or ']' (while parsing a flow sequence at line 3:16)");
	expect_error("rules:\n  - name: \"a\n", HS_E_SYNTAX, 3, 1,
	             "found unexpected end of stream (while scanning a quoted scalar at line 2:11)");
	expect_error("rules:\n\t- name: x\n", HS_E_SYNTAX, 2, 1,
	             "found character that cannot start any token");
}

static hs_rule one_rule(hs_rules *rs, const char *text)
{
	parse_ok(rs, text);
	return *hs_rule_at(rs, 0);
}

/* hs_rule_check with the error cleared first. */
static hs_err check(const hs_rule *r, const hs_measure *m, const hs_measure *base,
                    hs_rule_result *res, hs_error *e)
{
	hs_error_clear(e);
	return hs_rule_check(r, m, base, res, e);
}

static void test_check(void **state)
{
	(void)state;
	hs_rules rs;
	hs_rule r = one_rule(&rs, "rules:\n  - name: t\n    max_total: 1kB\n");
	hs_measure m = {.sample_type = "inuse_space", .unit = "bytes", .total = 1024};
	hs_rule_result res;
	hs_error e;
	assert_int_equal(check(&r, &m, NULL, &res, &e), HS_OK);
	assert_true(res.ok);
	assert_int_equal(res.nchecks, 1);
	assert_int_equal(res.checks[0].limit, 1024);
	m.total = 1025;
	assert_int_equal(check(&r, &m, NULL, &res, &e), HS_OK);
	assert_false(res.ok);
	/* A size on a count is an error, a plain number is fine. */
	hs_measure objs = {.sample_type = "inuse_objects", .unit = "count", .total = 5};
	assert_int_equal(check(&r, &objs, NULL, &res, &e), HS_E_USAGE);
	assert_non_null(strstr(e.detail, "max_total is a size but sample type 'inuse_objects' is in count"));
	hs_rules_release(&rs);

	/* A duration on microseconds: 2ms is 2000 of them. */
	r = one_rule(&rs, "rules:\n  - name: t\n    max_total: 2ms\n");
	hs_measure us = {.sample_type = "delay", .unit = "microseconds", .total = 2001};
	assert_int_equal(check(&r, &us, NULL, &res, &e), HS_OK);
	assert_int_equal(res.checks[0].limit, 2000);
	assert_false(res.ok);
	hs_rules_release(&rs);

	/* Growth: 1100 against 1000 is +100, +10%. */
	r = one_rule(&rs, "rules:\n  - name: t\n    max_growth: 100\n    max_growth_percent: 9.5\n");
	m.total = 1100;
	hs_measure base = {.sample_type = "inuse_space", .unit = "bytes", .total = 1000};
	assert_int_equal(check(&r, &m, NULL, &res, &e), HS_E_USAGE);
	assert_int_equal(check(&r, &m, &base, &res, &e), HS_OK);
	assert_int_equal(res.nchecks, 2);
	assert_int_equal(res.checks[0].kind, HS_LIM_GROWTH);
	assert_int_equal(res.checks[0].value, 100);
	assert_true(res.checks[0].ok);
	assert_int_equal(res.checks[1].kind, HS_LIM_GROWTH_PCT);
	assert_true(fabs(res.checks[1].value_pct - 10.0) < 1e-12);
	assert_false(res.checks[1].ok);
	assert_false(res.ok);
	assert_int_equal(res.base_value, 1000);
	hs_rules_release(&rs);

	/* With match, growth is the matched flat. */
	r = one_rule(&rs, "rules:\n  - name: t\n    match: x\n    max_growth: 10\n");
	m.flat = 50;
	base.flat = 45;
	assert_int_equal(check(&r, &m, &base, &res, &e), HS_OK);
	assert_int_equal(res.checks[0].value, 5);
	assert_true(res.ok);
	hs_rules_release(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_bad_quantities),
		cmocka_unit_test(test_unit_kind),
		cmocka_unit_test(test_parse_example),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_bad_yaml),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
