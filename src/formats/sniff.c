/* The one place that decides what a file is, from its bytes. */
#include <stdint.h>
#include <string.h>

#include "heapscope/core.h"
#include "heapscope/gctrace.h"
#include "heapscope/load.h"

struct magic {
	const char *bytes;
	size_t len;
	const char *what;
};

/* Formats people hand over by mistake, named so the error says what the
 * file looks like instead of a varint complaint. */
static const struct magic foreign[] = {
	{"\x89PNG\r\n\x1a\n", 8, "a PNG image"},
	{"\x7f" "ELF", 4, "an ELF executable"},
	{"%PDF-", 5, "a PDF document"},
	{"PK\x03\x04", 4, "a zip archive"},
	/* hs_input undoes one layer of gzip or zstd: seen here, zstd was
	 * compressed twice */
	{"\x28\xb5\x2f\xfd", 4, "a zstd stream inside a compressed one (decompress the outer one first)"},
	{"BZh", 3, "a bzip2 stream (decompress it first)"},
	{"\xfd" "7zXZ", 5, "an xz stream (decompress it first)"},
	{"GIF8", 4, "a GIF image"},
	{"\xff\xd8\xff", 3, "a JPEG image"},
	{"go 1.", 5, "a Go execution trace; read it with heapscope trace"},
	{"go1.7 heap dump", 15, "a Go heap dump: heapscope heapdump reads it"},
	{"<?xml", 5, "an XML document"},
	{"<svg", 4, "an SVG image"},
	{"digraph", 7, "a Graphviz file"},
	{"goroutine profile:", 18, "a goroutine ?debug=1 text profile"},
	{"goroutine ", 10, "a goroutine dump"},
	{"heap profile:", 13, "a heap text profile"},
	{"--- ", 4, "a legacy text profile"},
	{"threadcreate profile:", 21, "a threadcreate text profile"},
};

/* Text: no control bytes but blanks, and valid UTF-8 in the first 512
 * bytes (a sequence cut by the window's end is fine). */
static bool mostly_text(const uint8_t *d, size_t n)
{
	size_t check = n < 512 ? n : 512;
	for (size_t i = 0; i < check; i++) {
		uint8_t c = d[i];
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			return false;
		if (c < 0x80)
			continue;
		size_t more = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : 0;
		if (!more || c >= 0xf5)
			return false;
		for (size_t k = 1; k <= more && i + k < check; k++)
			if ((d[i + k] & 0xc0) != 0x80)
				return false;
		i += more;
	}
	return check > 0;
}

hs_format hs_sniff(const uint8_t *d, size_t n, const char **what)
{
	*what = NULL;
	if (n == 0) {
		*what = "an empty file";
		return HS_FMT_UNKNOWN;
	}
	/* pprof's text formats, then dumps: both before the foreign list,
	 * whose headers would otherwise claim them. */
	if (hs_legacy_text_detect(d, n))
		return HS_FMT_LEGACY_TEXT;
	if (hs_core_detect(d, n))
		return HS_FMT_CORE;
	if (hs_goroutine_text_detect(d, n))
		return HS_FMT_GOROUTINE_DUMP;
	for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
		if (n >= foreign[i].len && memcmp(d, foreign[i].bytes, foreign[i].len) == 0) {
			*what = foreign[i].what;
			return HS_FMT_UNKNOWN;
		}
	}
	if (hs_legacy_cpu_detect(d, n))
		return HS_FMT_LEGACY_CPU;
	if (mostly_text(d, n)) {
		*what = hs_gctrace_detect(d, n) ? "a GODEBUG=gctrace=1 log (read it with heapscope gctrace)"
		                                : "text";
		return HS_FMT_UNKNOWN;
	}
	return HS_FMT_PPROF;
}

hs_err hs_load_profile_input(hs_profile *p, hs_input *in, hs_error *err)
{
	const char *what;
	hs_err rc;
	size_t head = hs_input_wait(in, 4096);
	switch (hs_sniff(in->data, head, &what)) {
	case HS_FMT_PPROF:
		rc = hs_pprof_decode_input(p, in, err);
		break;
	case HS_FMT_LEGACY_CPU:
		hs_input_wait(in, SIZE_MAX);
		if ((rc = hs_input_error(in, err)) == HS_OK)
			rc = hs_legacy_cpu_decode(p, in->data, in->len, err);
		break;
	case HS_FMT_LEGACY_TEXT:
		hs_input_wait(in, SIZE_MAX);
		if ((rc = hs_input_error(in, err)) == HS_OK)
			rc = hs_legacy_text_decode(p, in->data, in->len, err);
		break;
	case HS_FMT_GOROUTINE_DUMP:
		rc = hs_goroutine_text_decode_input(p, in, err);
		break;
	case HS_FMT_CORE: {
		/* the core reader takes the input over (and releases it) */
		hs_input keep = *in;
		rc = hs_core_load_profile(p, in, p->exe_path, err);
		p->from_core = true;
		if (p->core_heap)
			p->format = HS_FMT_CORE;
		*in = (hs_input){.compressed = keep.compressed, .zstd = keep.zstd,
		                 .file_bytes = keep.file_bytes, .len = keep.len};
		break;
	}
	default:
		hs_input_wait(in, SIZE_MAX);
		if ((rc = hs_input_error(in, err)) != HS_OK)
			break;
		if (in->len == 0)
			rc = hs_fail_at(err, HS_E_EMPTY, 0, "empty file, no profile");
		else if (hs_goroutine_text_detect(in->data, in->len))
			/* a dump further into a log than the sniffed head */
			rc = hs_goroutine_text_decode(p, in->data, in->len, err);
		else
			rc = hs_fail_at(err, HS_E_FORMAT, 0,
			                "not a profile heapscope reads (looks like %s)", what);
	}
	p->gzipped = in->compressed && !in->zstd;
	p->zstd = in->zstd;
	p->input_bytes = in->file_bytes;
	p->decoded_bytes = in->len;
	if (rc != HS_OK && in->compressed && rc != HS_E_GZIP && rc != HS_E_LIMIT)
		err->after_gunzip = 1;
	return rc;
}

hs_err hs_load_profile_buffer(hs_profile *p, const uint8_t *data, size_t n,
                              uint64_t max_bytes, hs_error *err)
{
	hs_input in;
	hs_err rc = hs_input_from_buffer(&in, data, n, max_bytes, err);
	if (rc == HS_OK)
		rc = hs_load_profile_input(p, &in, err);
	hs_input_release(&in);
	return rc;
}

hs_err hs_load_profile(hs_profile *p, const char *path, hs_error *err)
{
	hs_input in;
	hs_err rc = hs_input_open(&in, path, 0, err);
	if (rc == HS_OK)
		rc = hs_load_profile_input(p, &in, err);
	hs_input_release(&in);
	return rc;
}
