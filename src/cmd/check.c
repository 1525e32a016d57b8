/* heapscope check: budget rules (YAML) against profiles, for CI.
 *
 * Every rule that applies to a file gives one check_result line: PASS or FAIL,
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

#include "../output/check_out.h"
#include "cmd.h"

typedef struct base_cache {
	bool valid;
	char sample_type[64];
	hs_measure m;
} base_cache;

typedef struct check_opts {
	cli_opts c;
	const char *rules, *base, *junit;
} check_opts;

/* --junit FILE: the results as JUnit XML; false after printing why not. */
static bool write_junit(const char *path, const check_run *run)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		cli_file_fail(path, "cannot write: %s", strerror(errno));
		return false;
	}
	check_format_find("junit")->write(f, run);
	bool ok = !ferror(f);
	ok = fclose(f) == 0 && ok;
	if (!ok)
		cli_file_fail(path, "write error: %s", strerror(errno));
	return ok;
}

/* ---- the command --------------------------------------------------------- */

static void rule_error(const check_opts *o, const hs_rule *r, const char *file, const hs_error *e)
{
	char buf[400];
	hs_error_format(e, buf, sizeof buf);
	cli_file_fail(o->rules, "rule '%s' cannot apply to '%s': %s (line %u:%u)", r->name, file, buf,
	              r->line, r->col);
}

/* Measure every applicable rule on one file, appending to *rs. */
static bool check_file(const check_opts *o, const hs_rules *rules, const char *file, hs_profile *t,
                       hs_profile *base, base_cache *bc, hs_vec *rs)
{
	for (size_t i = 0; i < hs_rules_count(rules); i++) {
		const hs_rule *rule = hs_rule_at(rules, i);
		if (!hs_rule_applies(rule, file))
			continue;
		check_result *r = hs_vec_push(rs, 1);
		if (!r) {
			cli_error("out of memory");
			return false;
		}
		r->file = file;
		r->rule = rule;
		hs_error e;
		hs_error_clear(&e);
		if (hs_rule_measure(rule, t, &r->m, &e) != HS_OK) {
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
				if (hs_rule_measure_base(rule, base, &r->m, &c->m, &e) != HS_OK) {
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
		check_describe(r);
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
		return cli_error("--rules RULES.yaml is required (see 'heapscope check --help')");
	}
	hs_rules rules;
	hs_rules_init(&rules);
	hs_error e;
	hs_error_clear(&e);
	if (hs_rules_load(&rules, co->rules, &e) != HS_OK) {
		cli_file_error(co->rules, &e);
		hs_rules_release(&rules);
		return HS_EXIT_USAGE;
	}
	rc = HS_EXIT_USAGE;
	hs_profile base;           /* released at out whether it loaded or not */
	hs_profile_init(&base);
	bool have_base = false;
	hs_vec results;
	hs_vec_init(&results, sizeof(check_result));
	base_cache *bc = calloc(hs_rules_count(&rules), sizeof *bc);
	bool *used = calloc(hs_rules_count(&rules), sizeof *used);
	if (!bc || !used) {
		cli_error("out of memory");
		goto out;
	}
	if (co->base) {
		if (!cli_load(&base, co->base, NULL))
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
				int k = r->has[HS_LIM_GROWTH] ? HS_LIM_GROWTH : HS_LIM_GROWTH_PCT;
				cli_file_fail(co->rules, "rule '%s': %s needs a base profile: give --base FILE "
				              "(line %u:%u)", r->name, hs_limit_key(k), r->limit_line[k],
				              r->limit_col[k]);
				goto out;
			}
		}
	}
	for (int f = 0; f < o.nfiles; f++) {
		/* goroutine dumps load too (a goroutine/count sample each) */
		hs_profile t;
		hs_profile_init(&t);
		if (!cli_load(&t, o.files[f], NULL)) {
			hs_profile_release(&t);
			goto out;
		}
		size_t before = results.len;
		bool ok = check_file(co, &rules, o.files[f], &t, have_base ? &base : NULL, bc, &results);
		hs_profile_release(&t);
		if (!ok)
			goto out;
		if (results.len == before)
			cli_warn(o.files[f], "no rule applies to it");
	}
	size_t n = results.len, nfail = 0;
	check_result *rs = results.data;
	for (size_t i = 0; i < n; i++) {
		nfail += !rs[i].res.ok;
		used[rs[i].rule - hs_rule_at(&rules, 0)] = true;
	}
	for (size_t i = 0; i < hs_rules_count(&rules); i++)
		if (!used[i])
			cli_warn(co->rules, "rule '%s' applies to none of the files (line %u)",
			         hs_rule_at(&rules, i)->name, hs_rule_at(&rules, i)->line);
	check_run run = {co->rules, co->base, rs, n, nfail};
	if (co->junit && !write_junit(co->junit, &run))
		goto out;
	FILE *out = cli_open_output(&o);
	if (!out)
		goto out;
	check_format_find(o.format)->write(out, &run);
	rc = cli_close_output(out, &o) ? (nfail ? HS_EXIT_CHECK : HS_EXIT_OK) : HS_EXIT_USAGE;
out:
	hs_profile_release(&base);
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
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_END,
};

const hs_command cmd_check = {
	CLI_COMMAND("check", run, options, check_opts, &check_out_formats, "--rules RULES.yaml FILE...",
	            "Check profiles against budget rules (YAML); exit 1 if one fails. For CI."),
};
