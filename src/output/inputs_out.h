/* The inventory of a command's inputs (include/heapscope/inventory.h) in
 * its --format json output: the one writer of the "inputs" array. */
#ifndef HS_OUTPUT_INPUTS_OUT_H
#define HS_OUTPUT_INPUTS_OUT_H

#include "json.h"

#include "heapscope/inventory.h"

/* "inputs": [{"path", "kind", "time", "time_from", "snapshot", "used",
 * "why"}], one object per file in the order given (man heapscope(1),
 * JSON INPUTS).  `command` names the command in a why ("cpu profile: not
 * used by leaks").  inv NULL: an empty array. */
void out_inputs_json(json_w *w, const hs_inventory *inv, const char *command);
/* "heap profile", "goroutine dump (debug=2)", ...: a kind in words. */
const char *out_input_kind_words(hs_input_kind k);
/* Buffer for out_rfc3339: "2026-11-22T03:44:43.5Z" and a NUL. */
enum { OUT_RFC3339_LEN = 40 };
/* ns since the epoch as RFC 3339 in UTC, the fraction only when not 0
 * (trailing zeros dropped). */
void out_rfc3339(int64_t ns, char buf[OUT_RFC3339_LEN]);

#endif
