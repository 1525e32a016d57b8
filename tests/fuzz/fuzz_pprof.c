/* libFuzzer target for the profile loaders (pprof protobuf, gzip, zstd, legacy
 * CPU): any input must load or fail with an error, never crash, hang or
 * allocate by a claimed size.  Each loaded profile also goes through the
 * graph so analyses see only valid models. */
#include <stddef.h>
#include <stdint.h>

#include "heapscope/graph.h"
#include "heapscope/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_profile p;
	hs_error e;
	hs_profile_init(&p);
	hs_error_clear(&e);
	/* Cap inflation so gzip bombs stay cheap under the fuzzer. */
	if (hs_load_profile_buffer(&p, data, size, 64u << 20, &e) == HS_OK && hs_ntypes(&p)) {
		hs_view v;
		hs_view_opts o = {.sample_index = hs_profile_default_index(&p)};
		if (hs_view_build(&v, &p, &o, &e) == HS_OK) {
			hs_report r;
			hs_report_opts ro = {.nodecount = 80, .nodefraction = 0.005,
			                     .edgefraction = 0.001, .visual = true};
			if (hs_report_build(&r, &v, &ro, &e) == HS_OK)
				hs_report_release(&r);
			hs_view_release(&v);
		}
	}
	hs_profile_release(&p);
	return 0;
}
