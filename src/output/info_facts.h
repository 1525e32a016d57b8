/* `heapscope info` on a trace, heap dump, gctrace log or core
 * (src/output/info_facts.c), beside the profiles' writers (info_out.c). */
#ifndef HS_OUTPUT_INFO_FACTS_H
#define HS_OUTPUT_INFO_FACTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "heapscope/summary.h"
#include "json.h"

/* One sample type of a profile's (or a core's heap profile's) list: its
 * index, name, unit, total, whether it is the default. */
void info_sample_type_text(FILE *out, size_t i, const char *type, const char *unit,
                           int64_t total, bool def);
void info_sample_type_json(json_w *w, const char *type, const char *unit, int64_t total,
                           bool def);
/* A profile's period line: the period in its unit, its type and unit. */
void info_period_text(FILE *out, int64_t period, const char *type, const char *unit,
                      const char *what);
void info_period_json(json_w *w, int64_t period, const char *type, const char *unit);

void info_facts_text(FILE *out, const char *file, const hs_file_facts *f);
void info_facts_json(json_w *w, const char *file, const hs_file_facts *f);

#endif
