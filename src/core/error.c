/* Error codes and messages; see include/heapscope/error.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/error.h"

static const char *const messages[] = {
	[HS_OK] = "success",
	[HS_E_IO] = "input/output error",
	[HS_E_NOMEM] = "out of memory",
	[HS_E_EMPTY] = "empty input",
	[HS_E_FORMAT] = "unrecognized format",
	[HS_E_GZIP] = "corrupt gzip stream",
	[HS_E_TRUNCATED] = "truncated input",
	[HS_E_CORRUPT] = "corrupt encoding",
	[HS_E_RANGE] = "reference out of range",
	[HS_E_INVALID] = "inconsistent profile",
	[HS_E_LIMIT] = "limit exceeded",
	[HS_E_USAGE] = "bad usage",
	[HS_E_REGEX] = "bad regular expression",
	[HS_E_SYNTAX] = "syntax error",
};

const char *hs_strerror(hs_err code)
{
	if ((unsigned)code < sizeof messages / sizeof messages[0] && messages[code])
		return messages[code];
	return "unknown error";
}

void hs_error_clear(hs_error *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

static hs_err vfail(hs_error *e, hs_err code, const char *fmt, va_list ap)
{
	/* Keep the first, most specific error: callers up the stack may add a
	 * generic one without hiding the real cause. */
	if (!e || e->code != HS_OK)
		return code;
	e->code = code;
	if (fmt)
		vsnprintf(e->detail, sizeof e->detail, fmt, ap);
	else
		snprintf(e->detail, sizeof e->detail, "%s", hs_strerror(code));
	return code;
}

hs_err hs_fail(hs_error *e, hs_err code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(e, code, fmt, ap);
	va_end(ap);
	return code;
}

/* The first error keeps its position too: set only on a fresh e. */
static void place(hs_error *e, int fresh, int has_offset, uint64_t offset, uint32_t line,
                  uint32_t col)
{
	if (!fresh)
		return;
	e->has_offset = has_offset;
	e->offset = offset;
	e->line = line;
	e->col = col;
}

hs_err hs_fail_at(hs_error *e, hs_err code, uint64_t offset, const char *fmt, ...)
{
	int fresh = e && e->code == HS_OK;
	va_list ap;
	va_start(ap, fmt);
	vfail(e, code, fmt, ap);
	va_end(ap);
	place(e, fresh, 1, offset, fresh ? e->line : 0, fresh ? e->col : 0);
	return code;
}

hs_err hs_fail_line(hs_error *e, hs_err code, uint32_t line, uint32_t col,
                    const char *fmt, ...)
{
	int fresh = e && e->code == HS_OK;
	va_list ap;
	va_start(ap, fmt);
	vfail(e, code, fmt, ap);
	va_end(ap);
	place(e, fresh, fresh ? e->has_offset : 0, fresh ? e->offset : 0, line, col);
	return code;
}

void hs_error_format(const hs_error *e, char *buf, unsigned size)
{
	const char *what = e->detail[0] ? e->detail : hs_strerror(e->code);
	if (e->line)
		snprintf(buf, size, "%s at line %u:%u", what, e->line, e->col ? e->col : 1);
	else if (e->has_offset)
		snprintf(buf, size, "%s at byte %llu%s", what, (unsigned long long)e->offset,
		         e->after_gunzip ? " of the decompressed data" : "");
	else
		snprintf(buf, size, "%s", what);
}
