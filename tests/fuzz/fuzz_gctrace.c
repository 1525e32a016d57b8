/* libFuzzer target for the GODEBUG=gctrace=1 log loader: any input must
 * load or fail with one error, never crash, hang or allocate by a number
 * it read; what loads is summed up per run as `heapscope gctrace` does
 * (with a limit, so the projection runs too). */
#include <stddef.h>
#include <stdint.h>

#include "heapscope/gctrace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_gctrace t;
	hs_error e;
	hs_gctrace_init(&t);
	hs_error_clear(&e);
	(void)hs_gctrace_detect(data, size);
	if (hs_gctrace_parse(&t, data, size, true, &e) == HS_OK) {
		for (size_t i = 0; i < hs_gctrace_nruns(&t); i++) {
			hs_gc_run r;
			hs_gctrace_run(&t, i, (int64_t)1 << 30, &r);
		}
	}
	hs_gctrace_release(&t);
	return 0;
}
