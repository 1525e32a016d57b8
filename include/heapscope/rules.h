/* heapscope: budget rules for `heapscope check`, and the quantities they
 * are written in.
 *
 * A rules file is YAML (read with libyaml):
 *
 *   rules:
 *     - name: heap stays under 64 MiB
 *       sample_index: inuse_space
 *       max_total: 64MiB
 *
 * Each rule names one or more limits (max_total, max_flat, max_cum,
 * max_growth, max_growth_percent, max_goroutines, max_goroutines_per_group,
 * max_leak_severity); man heapscope(1) has the full grammar.  The last three
 * count goroutines (dumps and goroutine profiles; max_leak_severity also
 * reads heap profiles) and each goes in a rule of its own.  Parsing checks everything that can be checked without a
 * profile (unknown or repeated keys, value syntax, which keys go together)
 * and reports the libyaml mark (1-based line and column) of the offending
 * node.  Measuring uses the view and graph of `top`, so the numbers are
 * pprof's: the total is pprof's report total, flat and cum are summed over
 * the nodes (functions) whose name matches `match`.
 *
 * Sizes: B, kB/KB/KiB, MB/MiB, GB/GiB, TB/TiB, case-insensitive, all
 * powers of 1024 (pprof prints 1024 bytes as "1kB", so a value copied from
 * `top` means what it says).  Durations: ns, us (or µs), ms, s, m/min, h.
 * Counts: plain numbers.  A fraction is allowed ("1.5GiB") and rounded to
 * the nearest whole unit.  The core never prints. */
#ifndef HEAPSCOPE_RULES_H
#define HEAPSCOPE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/error.h"
#include "heapscope/model.h"
#include "heapscope/regex.h"

typedef enum hs_qty_kind {
	HS_QTY_NUMBER = 0,   /* no unit: counts, or the sample type's own unit */
	HS_QTY_BYTES,
	HS_QTY_NANOS,
} hs_qty_kind;

typedef struct hs_quantity {
	int64_t value;       /* bytes, nanoseconds or a plain number */
	hs_qty_kind kind;
} hs_quantity;

/* "64MiB", "10kB", "1.5GiB", "512B", "250ms", "2s", "1000".  Leading and
 * trailing blanks and one blank before the unit are allowed.  Fails with
 * HS_E_SYNTAX and a message saying what was expected. */
hs_err hs_parse_quantity(const char *s, hs_quantity *q, hs_error *err);
/* The same, accepting only a size (or a plain number of bytes). */
hs_err hs_parse_size(const char *s, int64_t *bytes, hs_error *err);
/* The same, accepting only a duration (a plain number is not one). */
hs_err hs_parse_duration(const char *s, int64_t *nanos, hs_error *err);

/* The kind of quantity a sample type's unit takes ("bytes": sizes;
 * "nanoseconds", "microseconds", "milliseconds", "seconds": durations;
 * anything else: plain numbers), and how many of the limit's base units
 * (bytes or ns) one unit of the sample type is. */
hs_qty_kind hs_unit_kind(const char *unit, double *base_per_unit);

typedef enum hs_limit_kind {
	HS_LIM_TOTAL = 0,
	HS_LIM_FLAT,
	HS_LIM_CUM,
	HS_LIM_GROWTH,
	HS_LIM_GROWTH_PCT,
	HS_LIM_GOROUTINES,
	HS_LIM_GROUP,        /* max_goroutines_per_group: the biggest group of one stack */
	HS_LIM_LEAK,         /* max_leak_severity: none, low, medium or high (leaks.h) */
	HS_LIM_COUNT,
} hs_limit_kind;

/* The YAML key of a limit ("max_total"...). */
const char *hs_limit_key(hs_limit_kind k);

typedef struct hs_rule {
	const char *name;
	const char *sample_index;     /* NULL: the profile's default (pprof's) */
	const char *match;            /* NULL: none */
	const char *files;            /* glob on the path or base name; NULL: every file */
	hs_regex *re;                 /* compiled match */
	bool has[HS_LIM_COUNT];
	hs_quantity limit[HS_LIM_COUNT];
	double growth_percent;        /* max_growth_percent */
	uint32_t line, col;           /* where the rule's mapping starts, 1-based */
	uint32_t limit_line[HS_LIM_COUNT], limit_col[HS_LIM_COUNT];
} hs_rule;

typedef struct hs_rules {
	hs_arena arena;               /* names and patterns */
	hs_vec rules;                 /* hs_rule */
} hs_rules;

void hs_rules_init(hs_rules *r);
void hs_rules_release(hs_rules *r);
/* Parse a rules document.  On error: HS_E_SYNTAX with err->line/col set
 * (1-based, from libyaml's marks) and a message naming what was expected,
 * HS_E_REGEX for a `match` that does not compile (also with line/col). */
hs_err hs_rules_parse(hs_rules *r, const char *text, size_t n, hs_error *err);
/* Read and parse a file (HS_E_IO when it cannot be read). */
hs_err hs_rules_load(hs_rules *r, const char *path, hs_error *err);
HS_VEC_VIEW(hs_rule_vec, hs_rule)
static inline size_t hs_rules_count(const hs_rules *r) { return r->rules.len; }
static inline const hs_rule *hs_rule_at(const hs_rules *r, size_t i)
{
	return hs_rule_vec_at(&r->rules, i);
}

/* Does the rule apply to this file (its `files` glob, if any, matches the
 * path as given or its base name)? */
bool hs_rule_applies(const hs_rule *r, const char *path);

/* What a rule measures in one profile. */
typedef struct hs_measure {
	int sample_index;
	const char *sample_type, *unit;   /* borrowed from the profile */
	int64_t total;                    /* pprof's report total */
	int64_t flat, cum;                /* summed over the matching nodes */
	size_t matched;                   /* matching nodes with a value */
	/* max_goroutines_per_group: the biggest group's count (in `total`'s
	 * place) and what it waits on; max_leak_severity: the worst
	 * candidate's severity rank (0 none, 1 low, 2 medium, 3 high) and the
	 * candidate itself. */
	int64_t worst;
	char what[200];
} hs_measure;

/* "none", "low", "medium", "high" <-> 0..3; -1 for anything else. */
int hs_leak_rank_parse(const char *s);
const char *hs_leak_rank_name(int rank);

/* Measure `r` on `p`.  HS_E_USAGE (message without the file name) when the
 * rule cannot apply: no such sample type, not a goroutine profile for
 * max_goroutines, a size limit on a sample type that is not in bytes, a
 * duration on one that is not a time. */
hs_err hs_rule_measure(const hs_rule *r, const hs_profile *p, hs_measure *m, hs_error *err);
/* For a base profile: the sample type of `like` (found by name). */
hs_err hs_rule_measure_base(const hs_rule *r, const hs_profile *base, const hs_measure *like,
                            hs_measure *m, hs_error *err);

typedef struct hs_check {
	hs_limit_kind kind;
	int64_t value, limit;             /* in the sample type's unit */
	double value_pct, limit_pct;      /* HS_LIM_GROWTH_PCT only */
	bool ok;
} hs_check;

typedef struct hs_rule_result {
	bool ok;                          /* every check passed */
	int nchecks;
	hs_check checks[HS_LIM_COUNT];    /* in hs_limit_kind order */
	int64_t base_value;               /* growth limits: the base's value */
} hs_rule_result;

/* Compare a measure with the rule's limits; `base` is needed (non-NULL)
 * when the rule has a growth limit.  Growth is measured on the total, or
 * on the matching nodes' flat sum when the rule has `match`.  Fails (with
 * HS_E_USAGE) only when a limit's kind does not fit the unit. */
hs_err hs_rule_check(const hs_rule *r, const hs_measure *m, const hs_measure *base,
                     hs_rule_result *out, hs_error *err);


#endif
