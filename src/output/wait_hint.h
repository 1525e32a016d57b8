/* What a wait means and where to look, one line per wait kind: the words
 * `blocking` and `leaks` print beside their findings. */
#ifndef HS_OUTPUT_WAIT_HINT_H
#define HS_OUTPUT_WAIT_HINT_H

#include "heapscope/blocking.h"

const char *out_wait_hint(hs_wait_kind k);

#endif
