/* heapscope: numbered errors with positions.
 *
 * The core never prints and never exits: every fallible function returns an
 * hs_err code and fills an hs_error with what went wrong and where.  Only
 * src/cmd/ and src/main.c turn that into a message and an exit status. */
#ifndef HEAPSCOPE_ERROR_H
#define HEAPSCOPE_ERROR_H

#include <stdint.h>

typedef enum hs_err {
	HS_OK = 0,
	HS_E_IO = 1,          /* open/read failed (errno in detail) */
	HS_E_NOMEM = 2,       /* allocation failed */
	HS_E_EMPTY = 3,       /* input has no bytes */
	HS_E_FORMAT = 4,      /* not a format heapscope reads */
	HS_E_GZIP = 5,        /* corrupt or truncated gzip stream */
	HS_E_TRUNCATED = 6,   /* input ends inside a record */
	HS_E_CORRUPT = 7,     /* malformed encoding (bad varint, wire type...) */
	HS_E_RANGE = 8,       /* an index or id out of range */
	HS_E_INVALID = 9,     /* well-formed but inconsistent (pprof CheckValid) */
	HS_E_LIMIT = 10,      /* exceeds a hard limit (size, count) */
	HS_E_USAGE = 11,      /* bad option or argument */
	HS_E_REGEX = 12,      /* regular expression does not compile */
	HS_E_SYNTAX = 13,     /* text input does not parse */
} hs_err;

/* Where and what.  `offset` is a byte offset into the (decompressed) input
 * when `has_offset` is set; `line`/`col` are 1-based when `line` != 0. */
typedef struct hs_error {
	hs_err code;
	int has_offset;
	uint64_t offset;
	uint32_t line, col;
	int after_gunzip;      /* the offset counts decompressed bytes */
	char detail[240];
} hs_error;

const char *hs_strerror(hs_err code);

/* Record an error; returns `code` so callers can `return hs_fail(...)`.
 * A first error is never overwritten by a later one. */
hs_err hs_fail(hs_error *e, hs_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
hs_err hs_fail_at(hs_error *e, hs_err code, uint64_t offset,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
hs_err hs_fail_line(hs_error *e, hs_err code, uint32_t line, uint32_t col,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void hs_error_clear(hs_error *e);

/* "what is wrong at byte N" in one line, without the file name. */
void hs_error_format(const hs_error *e, char *buf, unsigned size);

#endif
