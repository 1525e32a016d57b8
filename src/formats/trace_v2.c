/* Go 1.22+ execution traces: placeholder until the generation-based
 * loader lands (branch trace-v2 replaces this file). */
#include "heapscope/trace.h"

hs_err hs_trace_load_v2(const uint8_t *data, size_t n, hs_profile *stacks, hs_tev_fn fn,
                        void *ctx, hs_trace_info *info, hs_error *err)
{
	(void)data; (void)n; (void)stacks; (void)fn; (void)ctx; (void)info;
	return hs_fail_at(err, HS_E_FORMAT, 0, "Go 1.22+ traces: not yet supported");
}
