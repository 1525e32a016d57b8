/* heapscope check: budget rules (YAML) against profiles, for CI.
 *
 * Every rule that applies to a file gives one result line: PASS or FAIL,
 * the measured value against the limit, in pprof's units.  Everything is
 * measured before anything is printed, so a rule that cannot apply (exit 2)
 * leaves no half-written report or JUnit file behind. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"
#include "heapscope/rules.h"
#include "heapscope/units.h"

#include "../output/escape.h"
#include "../output/json.h"
#include "cmd.h"

/* A file under check: any profile or goroutine dump the loader reads. */
typedef struct target {
	hs_profile p;
} target;

typedef struct result {
	const char *file;
	const hs_rule *rule;
	hs_rule_result res;
	hs_measure m;
	char sample_type[64], unit[32];
	char message[512];
} result;

typedef struct base_cache {
	bool valid;
	char sample_type[64];
	hs_measure m;
} base_cache;

static void label(int64_t v, const char *unit, bool sign, char *buf, size_t n)
{
	char tmp[64];
	hs_scaled_label(v, unit, "minimum", tmp, sizeof tmp);
	snprintf(buf, n, "%s%.60s", sign && v > 0 ? "+" : "", tmp);
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

static void describe(result *r)
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

/* ---- loading ------------------------------------------------------------- */

static bool load_target(target *t, const char *file)
{
	memset(t, 0, sizeof *t);
	hs_profile_init(&t->p);
	hs_error e;
	hs_error_clear(&e);
	/* Goroutine dumps load too (a goroutine/count sample per goroutine). */
	if (hs_load_profile(&t->p, file, &e) == HS_OK)
		return true;
	cli_file_error(file, &e);
	hs_profile_release(&t->p);
	return false;
}

static void release_target(target *t)
{
	hs_profile_release(&t->p);
}

/* ---- output -------------------------------------------------------------- */

static void print_text(FILE *out, const result *rs, size_t n, size_t nfail)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s %s: %s: %s\n", rs[i].res.ok ? "PASS" : "FAIL", rs[i].file,
		        rs[i].rule->name, rs[i].message);
	fprintf(out, "%zu passed, %zu failed\n", n - nfail, nfail);
}

typedef struct check_opts {
	cli_opts c;
	const char *rules, *base, *junit;
} check_opts;

static void print_json(FILE *out, const check_opts *o, const result *rs, size_t n, size_t nfail)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "rules_file");
	json_string(&w, o->rules);
	json_key(&w, "base");
	if (o->base)
		json_string(&w, o->base);
	else
		json_null(&w);
	json_key(&w, "passed");
	json_int(&w, (int64_t)(n - nfail));
	json_key(&w, "failed");
	json_int(&w, (int64_t)nfail);
	json_key(&w, "results");
	json_begin_array(&w);
	for (size_t i = 0; i < n; i++) {
		const result *r = &rs[i];
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

static bool write_junit(const char *path, const check_opts *o, const result *rs, size_t n,
                        size_t nfail)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_error("cannot write '%s': %s", path, strerror(errno));
		return false;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<testsuites name=\"heapscope check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
	        n, nfail);
	fputs("  <testsuite name=\"", f);
	esc_xml(f, o->rules);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", n, nfail);
	for (size_t i = 0; i < n; i++) {
		const result *r = &rs[i];
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
	bool ok = !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (!ok)
		cli_error("write error on '%s': %s", path, strerror(errno));
	return ok;
}

/* ---- the command --------------------------------------------------------- */

static void rule_error(const check_opts *o, const hs_rule *r, const char *file, const hs_error *e)
{
	char buf[400];
	hs_error_format(e, buf, sizeof buf);
	cli_error("%s:%u:%u: rule '%s' cannot apply to '%s': %s", o->rules, r->line, r->col, r->name,
	          file, buf);
}

/* Measure every applicable rule on one file, appending to *rs. */
static bool check_file(const check_opts *o, const hs_rules *rules, const char *file, target *t,
                       target *base, base_cache *bc, hs_vec *rs)
{
	for (size_t i = 0; i < hs_rules_count(rules); i++) {
		const hs_rule *rule = hs_rule_at(rules, i);
		if (!hs_rule_applies(rule, file))
			continue;
		result *r = hs_vec_push(rs, 1);
		if (!r) {
			cli_error("out of memory");
			return false;
		}
		r->file = file;
		r->rule = rule;
		hs_error e;
		hs_error_clear(&e);
		if (hs_rule_measure(rule, &t->p, &r->m, &e) != HS_OK) {
			rule_error(o, rule, file, &e);
			return false;
		}
		snprintf(r->sample_type, sizeof r->sample_type, "%s", r->m.sample_type);
		snprintf(r->unit, sizeof r->unit, "%s", r->m.unit);
		r->m.sample_type = r->sample_type;
		r->m.unit = r->unit;
		const hs_measure *bm = NULL;
		if ((rule->has[HS_LIM_GROWTH] || rule->has[HS_LIM_GROWTH_PCT]) && base) {
			base_cache *c = &bc[i];
			if (!c->valid || strcmp(c->sample_type, r->sample_type) != 0) {
				if (hs_rule_measure_base(rule, &base->p, &r->m, &c->m, &e) != HS_OK) {
					rule_error(o, rule, o->base, &e);
					return false;
				}
				c->valid = true;
				snprintf(c->sample_type, sizeof c->sample_type, "%s", r->sample_type);
			}
			bm = &c->m;
		}
		if (hs_rule_check(rule, &r->m, bm, &r->res, &e) != HS_OK) {
			rule_error(o, rule, file, &e);
			return false;
		}
		describe(r);
	}
	return true;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const check_opts *co = (const check_opts *)op;
	const cli_opts o = *op;
	int rc;
	if (!co->rules) {
		cli_error("check: --rules RULES.yaml is required (see 'heapscope check --help')");
		return HS_EXIT_USAGE;
	}
	hs_rules rules;
	hs_rules_init(&rules);
	hs_error e;
	hs_error_clear(&e);
	if (hs_rules_load(&rules, co->rules, &e) != HS_OK) {
		if (e.line)
			cli_error("%s:%u:%u: %s", co->rules, e.line, e.col, e.detail);
		else
			cli_file_error(co->rules, &e);
		hs_rules_release(&rules);
		return HS_EXIT_USAGE;
	}
	rc = HS_EXIT_USAGE;
	target base;
	bool have_base = false;
	hs_vec results;
	hs_vec_init(&results, sizeof(result));
	base_cache *bc = calloc(hs_rules_count(&rules), sizeof *bc);
	bool *used = calloc(hs_rules_count(&rules), sizeof *used);
	if (!bc || !used) {
		cli_error("out of memory");
		goto out;
	}
	if (co->base) {
		if (!load_target(&base, co->base))
			goto out;
		have_base = true;
	}
	for (size_t i = 0; i < hs_rules_count(&rules); i++) {
		const hs_rule *r = hs_rule_at(&rules, i);
		if ((r->has[HS_LIM_GROWTH] || r->has[HS_LIM_GROWTH_PCT]) && !co->base) {
			bool applies = false;
			for (int f = 0; f < o.nfiles; f++)
				applies |= hs_rule_applies(r, o.files[f]);
			if (applies) {
				cli_error("%s:%u:%u: rule '%s': %s needs a base profile: give --base FILE",
				          co->rules, r->limit_line[r->has[HS_LIM_GROWTH] ? HS_LIM_GROWTH
				                                                       : HS_LIM_GROWTH_PCT],
				          r->limit_col[r->has[HS_LIM_GROWTH] ? HS_LIM_GROWTH : HS_LIM_GROWTH_PCT],
				          r->name, r->has[HS_LIM_GROWTH] ? "max_growth" : "max_growth_percent");
				goto out;
			}
		}
	}
	for (int f = 0; f < o.nfiles; f++) {
		target t;
		if (!load_target(&t, o.files[f]))
			goto out;
		size_t before = results.len;
		bool ok = check_file(co, &rules, o.files[f], &t, have_base ? &base : NULL, bc, &results);
		release_target(&t);
		if (!ok)
			goto out;
		if (results.len == before)
			cli_error("warning: no rule applies to '%s'", o.files[f]);
	}
	size_t n = results.len, nfail = 0;
	result *rs = results.data;
	for (size_t i = 0; i < n; i++) {
		nfail += !rs[i].res.ok;
		used[rs[i].rule - hs_rule_at(&rules, 0)] = true;
	}
	for (size_t i = 0; i < hs_rules_count(&rules); i++)
		if (!used[i])
			cli_error("warning: rule '%s' (%s:%u) applies to none of the files",
			          hs_rule_at(&rules, i)->name, co->rules, hs_rule_at(&rules, i)->line);
	if (co->junit && !write_junit(co->junit, co, rs, n, nfail))
		goto out;
	FILE *out = cli_open_output(&o);
	if (!out)
		goto out;
	if (strcmp(o.format, "json") == 0)
		print_json(out, co, rs, n, nfail);
	else
		print_text(out, rs, n, nfail);
	rc = cli_close_output(out, &o) ? (nfail ? HS_EXIT_CHECK : HS_EXIT_OK) : HS_EXIT_USAGE;
out:
	if (have_base)
		release_target(&base);
	free(bc);
	free(used);
	hs_vec_release(&results);
	hs_rules_release(&rules);
	return rc;
}

static const cli_option options[] = {
	{"rules", 0, "RULES.yaml", "the budget rules to check (required)", offsetof(check_opts, rules),
	 cli_parse_string, true},
	{"base", 0, "FILE", "base profile for max_growth and max_growth_percent",
	 offsetof(check_opts, base), cli_parse_string, true},
	{"junit", 0, "FILE", "also write the results to FILE as JUnit XML",
	 offsetof(check_opts, junit), cli_parse_string, true},
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_END,
};

const hs_command cmd_check = {
	CLI_COMMAND("check", run, options, check_opts, "text,json", "--rules RULES.yaml FILE...",
	            "Check profiles against budget rules (YAML); exit 1 if one fails. For CI."),
};
