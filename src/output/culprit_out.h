/* The chain below an own-code culprit (heapscope/blocking.h hs_chain), as
 * the leaks and blocking writers print it. */
#ifndef HS_OUTPUT_CULPRIT_OUT_H
#define HS_OUTPUT_CULPRIT_OUT_H

#include <stdio.h>

#include "heapscope/blocking.h"
#include "json.h"

/* "main.openConn -> bufio.NewWriterSize (inline)" into buf (size > 0);
 * false, with buf empty, when the chain is the culprit alone or none. */
bool out_chain_text(char *buf, size_t size, const hs_chain *ch);
/* "chain": [culprit, ..., innermost frame shown], when there is one. */
void out_chain_json(json_w *w, const hs_chain *ch);

#endif
