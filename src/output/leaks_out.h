/* Writers of `heapscope leaks` (src/output/leaks_out.c): the words of
 * its findings, which the core keeps as numbers and frames. */
#ifndef HS_OUTPUT_LEAKS_OUT_H
#define HS_OUTPUT_LEAKS_OUT_H

#include <stdio.h>

#include "formats.h"

#include "heapscope/inventory.h"
#include "heapscope/leaks.h"

/* What the writers get: the findings and the inventory of the inputs
 * (inv may be NULL). */
typedef struct leaks_report {
	const hs_leaks *l;
	const hs_inventory *inv;
} leaks_report;

typedef struct leaks_format {
	const char *name;
	void (*write)(FILE *out, const leaks_report *r);
} leaks_format;

/* The mechanism of candidate k in one sentence, from its fields, as the
 * leaks report says it (triage reuses it); false when the evidence names
 * none. */
bool out_leak_mechanism(char *buf, size_t n, const hs_leak *k);

/* The name candidate k goes by in leaks and triage alike: a heap dump's
 * retention by its retainer (hs_leak_retention.name: the allocating
 * function, else the root, the type, the address), any other by its
 * culprit. */
const char *out_leak_culprit(const hs_leak *k);
/* The sentence leaks and triage put under that name: the retention
 * named by its retainer (out_retention_named), else the mechanism. */
bool out_leak_sentence(char *buf, size_t n, const hs_leak *k);

/* A goroutine group's library heap (leaks.h) in one sentence: "+X of
 * the goroutines' own memory beside it: in-use heap with no own-code
 * frame, A -> B at SITE (and N other sites)"; false when none folded. */
bool out_leak_library_heap(char *buf, size_t n, const hs_leak *k);

/* Its numbers as "library_heap": {first, last, sites, site}, when any. */
struct json_w;
void out_leak_library_heap_json(struct json_w *w, const hs_leak *k);

/* Triage's retention finding named by its retaining structure
 * (hs_leak_retention.named_by, leaks.h), one sentence: "retention: F
 * (FILE:LINE) allocated the structure that keeps X, P% of the reachable
 * heap: OWNER[ from ROOT][, alive in ACCUMULATION]" for a site ("the T
 * that" when that object's type is known), "retention: a T keeps ..." for
 * a type; false when named by its root or address (out_leak_mechanism
 * then says it). */
bool out_retention_named(char *buf, size_t n, const hs_leak *k);
/* The allocating chain below that site, "F -> G -> H", when it has more
 * than the function; false otherwise. */
bool out_retention_chain(char *buf, size_t n, const hs_leak *k);
/* For a retention finding, "retainer": {named_by, function, file, line,
 * own, chain, object (when a site is known), type (when known), owner,
 * owner_root, accumulation_point}; nothing for other kinds. */
void out_retention_named_json(struct json_w *w, const hs_leak *k);

/* A goroutine leak's constructor built per instance (hs_leak.builds) in
 * one line: "heap under F: A -> B over N heap profiles, I -> J
 * instances"; false when none. */
bool out_leak_builds(char *buf, size_t n, const hs_leak *k);

/* A goroutine leak joined with its constructor's per-instance heap
 * (hs_leak.builds) as "builds": {culprit, severity, confidence,
 * first_bytes, last_bytes, slope_bytes_per_min, instances, evidence: [{file,
 * inuse_bytes, total_bytes, instances}]}; nothing when none. */
void out_leak_builds_json(struct json_w *w, const hs_leak *k);

/* What to look at next for candidate k, one line per kind (per wait for
 * goroutine groups). */
const char *out_leak_hint(const hs_leak *k);

/* "text", "json"; NULL for anything else. */
OUT_FORMAT_DECLS(leaks_format, leaks);  /* and leaks_out_formats, its names */

#endif
