/* `heapscope info` on a trace, heap dump, gctrace log or core
 * (src/output/info_facts.c), beside the profiles' writers (info_out.c). */
#ifndef HS_OUTPUT_INFO_FACTS_H
#define HS_OUTPUT_INFO_FACTS_H

#include <stdio.h>

#include "heapscope/summary.h"
#include "json.h"

void info_facts_text(FILE *out, const char *file, const hs_file_facts *f);
void info_facts_json(json_w *w, const char *file, const hs_file_facts *f);

#endif
