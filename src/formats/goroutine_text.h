/* Private to the loaders: a goroutine dump whose goroutines carry labels
 * the text does not (a core's pprof labels, core_goroutines.c). */
#ifndef HS_GOROUTINE_TEXT_H
#define HS_GOROUTINE_TEXT_H

#include "heapscope/load.h"

/* Push the labels of the goroutine at index i of the text (from 0, in
 * the text's order) onto p's open sample (hs_profile_push_label). */
typedef hs_err (*hs_gtext_labels_fn)(void *ctx, size_t i, hs_profile *p, hs_error *err);

/* hs_goroutine_text_decode, each goroutine's sample also given fn's
 * labels, before the dump's own ("state" and the like read last win). */
hs_err hs_goroutine_text_decode_labeled(hs_profile *p, const uint8_t *data, size_t n,
                                        hs_gtext_labels_fn fn, void *ctx, hs_error *err);

#endif
