/* Execution traces: what both wire formats share.  The header decides the
 * loader; frames and stacks are interned into the caller's hs_profile so
 * the call-graph outputs read trace stacks like any profile's.  See
 * include/heapscope/trace.h. */
#include <string.h>

#include "heapscope/trace.h"

static const char *const wait_names[HS_TWAIT_COUNT] = {
	[HS_TWAIT_NONE] = "runnable",
	[HS_TWAIT_SELECT] = "select",
	[HS_TWAIT_SELECT_NONE] = "select (no cases)",
	[HS_TWAIT_CHAN_SEND] = "chan send",
	[HS_TWAIT_CHAN_RECV] = "chan receive",
	[HS_TWAIT_NIL_CHAN] = "nil chan",
	[HS_TWAIT_SYNC] = "sync",
	[HS_TWAIT_COND] = "sync.Cond.Wait",
	[HS_TWAIT_NET] = "network",
	[HS_TWAIT_SLEEP] = "sleep",
	[HS_TWAIT_GC] = "GC assist",
	[HS_TWAIT_PREEMPTED] = "preempted",
	[HS_TWAIT_OTHER] = "other",
};

const char *hs_twait_name(hs_twait w)
{
	return (unsigned)w < HS_TWAIT_COUNT ? wait_names[w] : "other";
}

/* "go 1.N trace\0" padded to 16 bytes.  N is read as at most two digits
 * so a hostile header cannot overflow. */
int hs_trace_detect(const uint8_t *d, size_t n)
{
	if (n < 16 || memcmp(d, "go 1.", 5) != 0)
		return 0;
	size_t i = 5;
	int minor = 0;
	while (i < 7 && d[i] >= '0' && d[i] <= '9')
		minor = minor * 10 + (d[i++] - '0');
	if (i == 5 || memcmp(d + i, " trace", 6) != 0)
		return 0;
	for (i += 6; i < 16; i++)
		if (d[i] != 0)
			return 0;
	return 1000 + minor;
}

hs_err hs_trace_load(hs_input *in, hs_profile *stacks, hs_tev_fn fn, void *ctx,
                     hs_trace_info *info, hs_error *err)
{
	memset(info, 0, sizeof *info);
	/* A trace inflating in the background is read as it arrives;
	 * anything else once it is whole. */
	if (in->bg && hs_input_wait(in, 16) >= 16) {
		int old = hs_trace_detect(in->data, in->len);
		if (old >= 1022 && old <= 1026) {
			hs_err rc = hs_trace_load_v2_input(in, stacks, fn, ctx, info, err);
			if (rc != HS_OK && hs_input_error(in, NULL) != HS_OK)
				return rc;   /* the decompression error, nothing delivered */
			info->go_version = old;
			if (rc != HS_OK && rc != HS_E_GZIP && rc != HS_E_LIMIT)
				err->after_gunzip = 1;
			return rc;
		}
		if (old >= 1005 && old <= 1021) {
			hs_err rc = hs_trace_load_old(in, stacks, fn, ctx, info, err);
			if (rc != HS_OK && hs_input_error(in, NULL) != HS_OK) {
				memset(info, 0, sizeof *info);   /* as below */
				return rc;
			}
			info->go_version = old;
			if (rc != HS_OK && rc != HS_E_GZIP && rc != HS_E_LIMIT)
				err->after_gunzip = 1;
			return rc;
		}
	}
	hs_input_wait(in, SIZE_MAX);
	hs_err rc = hs_input_error(in, err);
	if (rc != HS_OK)
		return rc;
	if (in->len == 0)
		return hs_fail_at(err, HS_E_EMPTY, 0, "empty file, no trace");
	info->pages_droppable = in->map && in->data == in->map && !in->compressed;
	int v = hs_trace_detect(in->data, in->len);
	if (v == 0)
		rc = hs_fail_at(err, HS_E_FORMAT, 0,
		                "not a Go execution trace (no \"go 1.N trace\" header)");
	else if (v < 1005 || v > 1026)
		rc = hs_fail_at(err, HS_E_FORMAT, 0, "unsupported trace version go 1.%d", v - 1000);
	else if (v >= 1022)
		rc = hs_trace_load_v2_input(in, stacks, fn, ctx, info, err);
	else
		rc = hs_trace_load_old(in, stacks, fn, ctx, info, err);
	info->go_version = v;
	if (rc != HS_OK && in->compressed && rc != HS_E_GZIP && rc != HS_E_LIMIT)
		err->after_gunzip = 1;
	return rc;
}

hs_err hs_trace_frame(hs_profile *stacks, const char *fn, size_t fn_len, const char *file,
                      size_t file_len, int64_t line, uint64_t pc, uint32_t *loc)
{
	return hs_profile_intern_location(stacks, fn, fn_len, file, file_len, line, pc, loc);
}

hs_err hs_trace_stack(hs_profile *stacks, const uint32_t *locs, size_t n, uint32_t *out)
{
	uint32_t id;
	hs_err rc = hs_profile_intern_stack(stacks, locs, n, &id);
	if (rc == HS_OK)
		*out = id + 1;
	return rc;
}
