/* libFuzzer target for the execution-trace loaders (both wire formats,
 * through hs_trace_load): any input must load, load truncated, or fail
 * with an error; never crash, hang or allocate by a claimed size.  What
 * loads goes through the summary and the sync profile, whose samples then
 * go through the graph like any profile's. */
#include <stddef.h>
#include <stdint.h>

#include "heapscope/graph.h"
#include "heapscope/trace_analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void summary(hs_input *in)
{
	hs_profile p;
	hs_trace_summary s;
	hs_trace_info info;
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&p);
	/* the summary, then the goroutines at the end as a dump (leaks' view) */
	hs_trace_summary_init(&s, &p);
	if (hs_trace_load(in, &p, hs_trace_summary_event, &s, &info, &e) == HS_OK &&
	    hs_trace_summary_finish(&s, info.duration_ns, &e) == HS_OK &&
	    hs_trace_summary_goroutines(&s, &e) == HS_OK && p.nsamples) {
		hs_view v;
		hs_view_opts o = {.sample_index = 0};
		if (hs_view_build(&v, &p, &o, &e) == HS_OK)
			hs_view_release(&v);
	}
	hs_trace_summary_release(&s);
	hs_profile_release(&p);
}

static void profile(hs_input *in)
{
	hs_profile p;
	hs_tprof t;
	hs_trace_info info;
	hs_error e;
	hs_error_clear(&e);
	hs_profile_init(&p);
	hs_tprof_init(&t, HS_TPROF_SYNC);
	if (hs_trace_load(in, &p, hs_tprof_event, &t, &info, &e) == HS_OK &&
	    hs_tprof_finish(&t, &p, &e) == HS_OK && p.nsamples) {
		hs_view v;
		hs_view_opts o = {.sample_index = hs_profile_default_index(&p)};
		if (hs_view_build(&v, &p, &o, &e) == HS_OK)
			hs_view_release(&v);
	}
	hs_tprof_release(&t);
	hs_profile_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	/* released even when it fails: a bad gzip stream leaves its buffer */
	if (hs_input_from_buffer(&in, data, size, 64u << 20, &e) == HS_OK) {
		summary(&in);
		profile(&in);
	}
	hs_input_release(&in);
	return 0;
}
