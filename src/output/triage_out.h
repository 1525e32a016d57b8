/* Writers of `heapscope triage` (src/output/triage_out.c: text, json;
 * triage_html.c: html): the words and pictures of the findings the core
 * (heapscope/triage.h) keeps as data. */
#ifndef HS_OUTPUT_TRIAGE_OUT_H
#define HS_OUTPUT_TRIAGE_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "heapscope/inventory.h"
#include "heapscope/triage.h"

#include "flame.h"
#include "formats.h"
#include "json.h"

enum { TRIAGE_MAX_FLAMES = 8 };

/* A flame graph of the html report, built by the command from a file. */
typedef struct triage_flame {
	const char *title, *file, *countname;
	const char *base_file;  /* differential: the BASE file, else NULL */
	bool differential;      /* NEW vs BASE: growth red, shrinkage blue */
	flame *f;
} triage_flame;

typedef struct triage_report {
	const hs_triage *t;
	const hs_inventory *inv;   /* the inputs, file i its entry i (inventory.h) */
	bool read_failed;       /* a file could not be read (named on stderr) */
	triage_flame flames[TRIAGE_MAX_FLAMES];
	size_t nflames;
} triage_report;

/* What input `in` fed ("leaks, growth, ..."), "not used" when nothing. */
void triage_used_for(char *buf, size_t n, const hs_triage_input *in);

typedef struct triage_format {
	const char *name;
	void (*write)(FILE *out, const triage_report *r);
} triage_format;

/* "text", "json", "html"; NULL for anything else. */
OUT_FORMAT_DECLS(triage_format, triage);

/* The html writer (triage_html.c). */
void triage_write_html(FILE *out, const triage_report *r);
/* Shared by the writers: a finding's one-line title ("blocked goroutines",
 * "gctrace: live heap grows", ...) and its short numbers line. */
const char *triage_finding_kind(const triage_report *r, const hs_finding *f);
void triage_finding_numbers(const triage_report *r, const hs_finding *f, char *buf, size_t n);
const char *triage_finding_culprit(const triage_report *r, const hs_finding *f);
/* What to look at next, one line. */
const char *triage_finding_hint(const hs_finding *f);
/* A lock contention finding (triage_locks_out.c): its site, the function
 * to fix (the holder, else the waiters), the mechanism and numbers lines,
 * the hint, the evidence per file (text) and its JSON members. */
const hs_lock_site *triage_lock_site(const triage_report *r, const hs_triage_lock *l);
const char *triage_lock_culprit(const triage_report *r, const hs_triage_lock *l);
void triage_lock_mechanism(const triage_report *r, const hs_triage_lock *l, char *buf, size_t n);
void triage_lock_numbers(const hs_triage_lock *l, char *buf, size_t n);
const char *triage_lock_hint(void);
void triage_lock_evidence_text(FILE *out, const triage_report *r, const hs_triage_lock *l);
void triage_lock_json(json_w *w, const triage_report *r, const hs_triage_lock *l);
/* A moment as "2026-12-06 08:48:18" UTC into buf: "(file mtime)" when
 * it is only the file's modification time (it varies with the copy, and
 * is not printed), "-" when there is none. */
const char *triage_time(int64_t ns, hs_time_from from, char *buf, size_t n);

#endif
