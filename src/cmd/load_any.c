/* Loading for `blocking` and `leaks`: goroutine dumps (hs_load_profile
 * does not sniff them) and every profile format hs_load_profile reads. */
#include "heapscope/load.h"
#include "cmd.h"

bool cli_load_any(hs_profile *p, const char *file)
{
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	hs_err rc = hs_input_read(&in, file, 0, &e);
	if (rc == HS_OK) {
		if (hs_goroutine_text_detect(in.data, in.len)) {
			rc = hs_goroutine_text_decode(p, in.data, in.len, &e);
			p->gzipped = in.gzipped;
			p->input_bytes = in.file_bytes;
			p->decoded_bytes = in.len;
		} else {
			rc = hs_load_profile_buffer(p, in.data, in.len, 0, &e);
		}
		if (rc != HS_OK && in.gzipped && rc != HS_E_GZIP)
			e.after_gunzip = 1;
	}
	hs_input_release(&in);
	if (rc != HS_OK)
		cli_file_error(file, &e);
	return rc == HS_OK;
}
