/* Go 1.5-1.21 execution traces (the old wire format). */
#include "heapscope/trace.h"

hs_err hs_trace_load_old(const uint8_t *data, size_t n, hs_profile *stacks, hs_tev_fn fn,
                         void *ctx, hs_trace_info *info, hs_error *err)
{
	(void)data; (void)n; (void)stacks; (void)fn; (void)ctx; (void)info;
	return hs_fail_at(err, HS_E_FORMAT, 0, "old-format traces: not yet supported");
}
