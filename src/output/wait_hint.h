/* What a wait means and where to look, one line per wait kind: the words
 * `blocking` and `leaks` print beside their findings. */
#ifndef HS_OUTPUT_WAIT_HINT_H
#define HS_OUTPUT_WAIT_HINT_H

#include "heapscope/blocking.h"

const char *out_wait_hint(hs_wait_kind k);
/* Why an idle class (heapscope/idle.h) is no finding; "" for none. */
const char *out_idle_hint(hs_idle_class c);

#endif
