/* heapscope: the lock sites of `heapscope blocking` (heapscope/blocking.h),
 * written after its hotspots. */
#ifndef HS_OUTPUT_LOCKS_OUT_H
#define HS_OUTPUT_LOCKS_OUT_H

#include <stdio.h>

#include "heapscope/blocking.h"
#include "json.h"

/* Nothing when there is no site. */
void locks_text(FILE *out, const hs_blocking *b);
/* "lock_sites": [...] inside the open document object. */
void locks_json(json_w *w, const hs_blocking *b);

/* A lock hotspot's line, or JSON member "lock_site" (an index into
 * lock_sites), naming the site it takes part in; nothing when none. */
void locks_ref_text(FILE *out, const hs_blocking *b, const hs_hotspot *h);
void locks_ref_json(json_w *w, const hs_blocking *b, const hs_hotspot *h);

/* Whether c is CPU that holder ran inside the site's read (else write)
 * lock sections. */
bool locks_cpu_in_section(const hs_lock_cpu *c, const char *holder, bool read);

#endif
