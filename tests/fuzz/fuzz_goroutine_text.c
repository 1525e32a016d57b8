/* libFuzzer target for the goroutine dump loader: any input must load or
 * fail with an error, never crash, hang or allocate by a claimed count.
 * What loads must be a valid model of one group of alike goroutines per
 * sample (distinct stack and labels, counting at least one), and go
 * through the graph like any profile.  Detection must not promise more
 * than the decoder keeps: a detected dump always loads. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "heapscope/graph.h"
#include "heapscope/load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_profile p;
	hs_error e;
	hs_profile_init(&p);
	hs_error_clear(&e);
	bool detected = hs_goroutine_text_detect(data, size);
	hs_err rc = hs_goroutine_text_decode(&p, data, size, &e);
	if (detected && rc != HS_OK && rc != HS_E_NOMEM && rc != HS_E_LIMIT)
		abort();
	if (rc != HS_OK) {
		if (p.nsamples || e.code != rc)
			abort();
		hs_profile_release(&p);
		return 0;
	}
	if (p.nsamples == 0 || hs_ntypes(&p) != 1 || p.format != HS_FMT_GOROUTINE_DUMP)
		abort();
	for (size_t s = 0; s < p.nsamples; s++) {
		uint32_t nl;
		if (hs_sample_values(&p, s)[0] < 1 || !hs_sample_labels(&p, s, &nl) || nl < 3)
			abort();
		for (size_t t = 0; t < s && p.nsamples < 64; t++)
			if (hs_sample_stack_id(&p, s) == hs_sample_stack_id(&p, t) &&
			    ((const uint32_t *)p.sample_labels.data)[s] ==
			        ((const uint32_t *)p.sample_labels.data)[t])
				abort();
	}
	hs_view v;
	hs_view_opts o = {.sample_index = 0};
	if (hs_view_build(&v, &p, &o, &e) == HS_OK) {
		hs_report r;
		hs_report_opts ro = {.nodecount = 80, .nodefraction = 0.005, .edgefraction = 0.001,
		                     .visual = true};
		if (hs_report_build(&r, &v, &ro, &e) == HS_OK)
			hs_report_release(&r);
		hs_view_release(&v);
	}
	hs_profile_release(&p);
	return 0;
}
