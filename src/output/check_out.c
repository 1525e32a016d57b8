/* Writers of `heapscope check` (src/output/check_out.c): each rule's
 * numbers in words (check_describe), and the results as text, JSON or
 * JUnit XML. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/leaks.h"
#include "heapscope/units.h"

#include "check_out.h"
#include "escape.h"
#include "formats.h"
#include "json.h"
#include "pprof_text.h"

static void label(int64_t v, const char *unit, bool sign, char *buf, size_t n)
{
	out_label(v, unit, "minimum", sign, buf, n);
}

/* "5.86MB > 2MB": value against limit, with the exact numbers when the
 * rounded labels would read the same. */
static void compare(char *buf, size_t n, const char *what, int64_t v, int64_t lim, bool ok,
                    const char *unit, bool sign)
{
	char a[64], b[64];
	label(v, unit, sign, a, sizeof a);
	label(lim, unit, false, b, sizeof b);
	const char *a2 = a, *b2 = b;
	char ax[96], bx[96];
	if (strcmp(a[0] == '+' ? a + 1 : a, b) == 0 && v != lim) {
		snprintf(ax, sizeof ax, "%s (%" PRId64 ")", a, v);
		snprintf(bx, sizeof bx, "%s (%" PRId64 ")", b, lim);
		a2 = ax;
		b2 = bx;
	}
	snprintf(buf, n, "%s %s %s %s", what, a2, ok ? "<=" : ">", b2);
}

static void pct(char *buf, size_t n, double v)
{
	if (isinf(v))
		snprintf(buf, n, "+inf%%");
	else
		snprintf(buf, n, "%+.2f%%", v);
}

void check_describe(check_result *r)
{
	const hs_rule *rule = r->rule;
	size_t w = 0;
	char part[256];
	r->message[0] = '\0';
	for (int i = 0; i < r->res.nchecks; i++) {
		const hs_check *c = &r->res.checks[i];
		switch (c->kind) {
		case HS_LIM_TOTAL:
			compare(part, sizeof part, "total", c->value, c->limit, c->ok, r->unit, false);
			break;
		case HS_LIM_FLAT:
		case HS_LIM_CUM:
			compare(part, sizeof part, c->kind == HS_LIM_FLAT ? "flat" : "cum", c->value, c->limit,
			        c->ok, r->unit, false);
			if (r->m.matched == 0)
				snprintf(part + strlen(part), sizeof part - strlen(part),
				         " (no function matches)");
			break;
		case HS_LIM_GROWTH:
			compare(part, sizeof part, "growth", c->value, c->limit, c->ok, r->unit, true);
			break;
		case HS_LIM_GROWTH_PCT: {
			char a[32], b[32];
			pct(a, sizeof a, c->value_pct);
			snprintf(b, sizeof b, "%.2f", c->limit_pct);
			size_t len = strlen(b);
			while (len > 1 && b[len - 1] == '0')
				b[--len] = '\0';
			if (b[len - 1] == '.')
				b[--len] = '\0';
			snprintf(part, sizeof part, "growth %s %s %s%%", a, c->ok ? "<=" : ">", b);
			break;
		}
		case HS_LIM_GOROUTINES:
			compare(part, sizeof part, "goroutines", c->value, c->limit, c->ok, "count", false);
			break;
		case HS_LIM_GROUP:
			compare(part, sizeof part, "biggest group", c->value, c->limit, c->ok, "count", false);
			if (r->m.what[0])
				snprintf(part + strlen(part), sizeof part - strlen(part), " (%s)", r->m.what);
			break;
		case HS_LIM_LEAK:
			if (c->value == 0)
				snprintf(part, sizeof part, "no leak candidate");
			else
				snprintf(part, sizeof part, "worst leak candidate %s %s %s (%s)",
				         hs_leak_rank_name((int)c->value), c->ok ? "<=" : ">",
				         hs_leak_rank_name((int)c->limit), r->m.what);
			break;
		default:
			part[0] = '\0';
		}
		w += (size_t)snprintf(r->message + w, w < sizeof r->message ? sizeof r->message - w : 0,
		                      "%s%s", i ? "; " : "", part);
		if (w >= sizeof r->message)
			break;
	}
	(void)rule;
}

static void print_text(FILE *out, const check_run *c)
{
	const check_result *rs = c->rs;
	size_t n = c->n, nfail = c->nfail;
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %s: %s: %s\n", rs[i].res.ok ? "PASS" : "FAIL", rs[i].file,
		        rs[i].rule->name, rs[i].message);
	fprintf(out, "%zu passed, %zu failed\n", n - nfail, nfail);
}

static void print_json(FILE *out, const check_run *run)
{
	const check_result *rs = run->rs;
	size_t n = run->n, nfail = run->nfail;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "rules_file");
	json_string(&w, run->rules);
	json_key(&w, "base");
	if (run->base)
		json_string(&w, run->base);
	else
		json_null(&w);
	json_key(&w, "passed");
	json_int(&w, (int64_t)(n - nfail));
	json_key(&w, "failed");
	json_int(&w, (int64_t)nfail);
	json_key(&w, "results");
	json_begin_array(&w);
	for (size_t i = 0; i < n; i++) {
		const check_result *r = &rs[i];
		json_begin_object(&w);
		json_key(&w, "file");
		json_string(&w, r->file);
		json_key(&w, "rule");
		json_string(&w, r->rule->name);
		json_key(&w, "line");
		json_int(&w, r->rule->line);
		json_key(&w, "status");
		json_string(&w, r->res.ok ? "pass" : "fail");
		json_key(&w, "sample_type");
		json_string(&w, r->sample_type);
		json_key(&w, "unit");
		json_string(&w, r->unit);
		json_key(&w, "message");
		json_string(&w, r->message);
		json_key(&w, "checks");
		json_begin_array(&w);
		for (int k = 0; k < r->res.nchecks; k++) {
			const hs_check *c = &r->res.checks[k];
			json_begin_object(&w);
			json_key(&w, "limit");
			json_string(&w, hs_limit_key(c->kind));
			if (c->kind == HS_LIM_GROWTH_PCT) {
				json_key(&w, "value");
				json_double(&w, c->value_pct);
				json_key(&w, "max");
				json_double(&w, c->limit_pct);
			} else {
				json_key(&w, "value");
				json_int(&w, c->value);
				json_key(&w, "max");
				json_int(&w, c->limit);
			}
			if (c->kind == HS_LIM_GROWTH || c->kind == HS_LIM_GROWTH_PCT) {
				json_key(&w, "base_value");
				json_int(&w, r->res.base_value);
			}
			if (c->kind == HS_LIM_LEAK) {
				json_key(&w, "value_name");
				json_string(&w, hs_leak_rank_name((int)c->value));
				json_key(&w, "max_name");
				json_string(&w, hs_leak_rank_name((int)c->limit));
			}
			if ((c->kind == HS_LIM_GROUP || c->kind == HS_LIM_LEAK) && r->m.what[0]) {
				json_key(&w, "what");
				json_string(&w, r->m.what);
			}
			if (c->kind == HS_LIM_FLAT || c->kind == HS_LIM_CUM) {
				json_key(&w, "matched_functions");
				json_int(&w, (int64_t)r->m.matched);
			}
			json_key(&w, "ok");
			json_bool(&w, c->ok);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

static void write_junit(FILE *f, const check_run *c)
{
	const check_result *rs = c->rs;
	size_t n = c->n, nfail = c->nfail;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"heapscope check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
	        n, nfail);
	fputs("  <testsuite name=\"", f);
	esc_xml(f, c->rules);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", n, nfail);
	for (size_t i = 0; i < n; i++) {
		const check_result *r = &rs[i];
		fputs("    <testcase classname=\"", f);
		esc_xml(f, r->file);
		fputs("\" name=\"", f);
		esc_xml(f, r->rule->name);
		if (r->res.ok) {
			fputs("\">\n      <system-out>PASS ", f);
			esc_xml(f, r->message);
			fputs("</system-out>\n    </testcase>\n", f);
			continue;
		}
		fputs("\">\n      <failure type=\"", f);
		for (int k = 0; k < r->res.nchecks; k++)
			if (!r->res.checks[k].ok) {
				fputs(hs_limit_key(r->res.checks[k].kind), f);
				break;
			}
		fputs("\" message=\"", f);
		esc_xml(f, r->message);
		fputs("\">FAIL ", f);
		esc_xml(f, r->file);
		fputs(": ", f);
		esc_xml(f, r->rule->name);
		fputs(": ", f);
		esc_xml(f, r->message);
		fputs("</failure>\n    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
}

static const check_format formats[] = {
	{"text", print_text},
	{"json", print_json},
	{"junit", write_junit},
};

OUT_FORMAT_EXPORTS(check_format, check, formats);
