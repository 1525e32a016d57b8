/* Regular expressions over PCRE2; see include/heapscope/regex.h. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "heapscope/regex.h"

struct hs_regex {
	pcre2_code *code;
	pcre2_match_data *md;
};

hs_err hs_regex_compile(hs_regex **out, const char *pattern, hs_error *err)
{
	int ec;
	PCRE2_SIZE eoff;
	*out = NULL;
	/* Profiles carry invalid UTF-8 now and then (corpus: invalid-utf8):
	 * match it rather than fail. */
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec,
	                                 &eoff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(ec, msg, sizeof msg);
		return hs_fail(err, HS_E_REGEX, "bad regular expression '%s': %s at offset %zu",
		               pattern, (char *)msg, (size_t)eoff);
	}
	(void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
	hs_regex *re = malloc(sizeof *re);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	if (!re || !md) {
		free(re);
		pcre2_match_data_free(md);
		pcre2_code_free(code);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	re->code = code;
	re->md = md;
	*out = re;
	return HS_OK;
}

bool hs_regex_match(hs_regex *re, const char *s, size_t n)
{
	return pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, re->md, NULL) >= 0;
}

void hs_regex_free(hs_regex *re)
{
	if (!re)
		return;
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	free(re);
}
