/* Heap dump reports: text, json, folded retention tree, dot; and the
 * CLI helpers heapdump and diff share. */
#ifndef HS_OUTPUT_HEAPDUMP_OUT_H
#define HS_OUTPUT_HEAPDUMP_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "formats.h"

#include "heapscope/heapdump.h"

void hd_write_text(FILE *out, const hs_hd_analysis *a, const char *file);
void hd_write_json(FILE *out, const hs_hd_analysis *a, const char *file);
void hd_write_folded(FILE *out, const hs_hd_analysis *a);
void hd_write_dot(FILE *out, const hs_hd_analysis *a);
/* The writers of `heapscope heapdump`: "text", "json", "folded", "dot";
 * NULL for anything else.  file: the dump's name, for the header. */
typedef struct hd_format {
	const char *name;
	void (*write)(FILE *out, const hs_hd_analysis *a, const char *file);
} hd_format;
const hd_format *hd_format_find(const char *name);
extern const out_formats heapdump_out_formats;   /* its names */
/* heapscope diff OLD.dump NEW.dump: growth per root and per site. */
void hd_write_diff(FILE *out, const hs_hd_analysis *base, const hs_hd_analysis *cur,
                   const char *base_file, const char *new_file, bool json);

/* An allocation origin (hs_hd_origin, or triage's retainer) as the keys
 * "function", "file", "line", "own", "chain" (culprit first) of the
 * object being written. */
struct json_w;
void out_origin_json(struct json_w *w, const char *func, const char *file, uint64_t line, bool own,
                     const char *const *chain, size_t nchain);

/* "global", "runtime root", "goroutine frame", "goroutine context": the
 * owner rank of a holder (hs_hd_owner_rank) in words. */
const char *hd_owner_kind(const hs_hd_analysis *a, uint32_t holder);
const char *hd_owner_rank_name(int rank);

/* "12.50MB" as pprof prints bytes. */
const char *hd_bytes(uint64_t v, char *buf, size_t n);

/* src/cmd/heapdump.c: shared with diff. */
bool hd_load(hs_heapdump *h, const char *file);
/* A core and its executable (--exe): its heap, its globals as symbols and,
 * when goroutines is not NULL (initialised, empty), its goroutines.  With
 * goroutines and heap not NULL, a heap layout the reader refuses (a Go
 * version it does not read) is a warning line: *heap false, h and syms
 * empty, the goroutines read; otherwise *heap true. */
bool hd_load_core(hs_heapdump *h, hs_symtab *syms, hs_profile *goroutines, bool *heap,
                  const char *file, const char *exe);
bool hd_load_syms(hs_symtab *s, const char *exe);
/* A heap dump (syms from exe, when given), or with exe a core (core: the
 * caller's sniff said so; hd_load_core: goroutines filled for a core
 * only, from_core set; heap as there, true for a heap dump); false after
 * printing. */
bool hd_load_any(hs_heapdump *h, hs_symtab *syms, hs_profile *goroutines, bool *heap,
                 const char *file, const char *exe, bool core);
bool hd_analyze(hs_hd_analysis *a, const hs_heapdump *h, const hs_symtab *s, const char *file);

#endif
