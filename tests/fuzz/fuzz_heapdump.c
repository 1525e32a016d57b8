/* libFuzzer target for the heap dump loader (plain, gzip, zstd): any
 * input must load or fail with one error carrying a byte offset, never
 * crash, hang or allocate by a claimed size.  A loaded dump also goes
 * through the analyses (dominators, suspects, owners) and becomes a
 * goroutine dump (hs_heapdump_goroutine_profile): both must accept it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "heapscope/heapdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hs_heapdump h;
	hs_error e;
	hs_heapdump_init(&h);
	hs_error_clear(&e);
	/* Cap inflation so compression bombs stay cheap under the fuzzer. */
	hs_err rc = hs_heapdump_load_buffer(&h, data, size, 64u << 20, &e);
	if (rc == HS_OK) {
		hs_hd_analysis a;
		hs_hd_opts o;
		hs_hd_opts_default(&o);
		/* odd sizes take the Lengauer-Tarjan path, fuzzed as well */
		if (size & 1)
			o.max_passes = 0;
		if (hs_hd_analyze(&a, &h, &o, &e) != HS_OK && e.code != HS_E_NOMEM)
			abort();
		hs_hd_analysis_release(&a);
		hs_profile p;
		hs_profile_init(&p);
		if (hs_heapdump_goroutine_profile(&p, &h, NULL, &e) != HS_OK && e.code != HS_E_NOMEM)
			abort();
		hs_profile_release(&p);
	} else if (!e.has_offset && rc != HS_E_NOMEM) {
		abort();    /* every input error says where */
	}
	hs_heapdump_release(&h);
	return 0;
}
