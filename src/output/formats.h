/* Writer tables: each analysis in src/output/ keeps an array of
 * {name, writer} structs whose first member is the format's name. */
#ifndef HS_OUTPUT_FORMATS_H
#define HS_OUTPUT_FORMATS_H

#include <stddef.h>

/* The entry of table[0..n) (entries `size` bytes apart) named `name`;
 * NULL when none is. */
const void *out_format_find(const void *table, size_t n, size_t size, const char *name);
#define OUT_FORMAT_FIND(table, name) \
	out_format_find((table), sizeof(table) / sizeof((table)[0]), sizeof((table)[0]), (name))

/* A writer table as a list of format names: what a command's --format
 * accepts, its help shows and the completion offers, the first being the
 * default.  Each *_out.c exports one: `const out_formats leaks_out_formats`. */
typedef struct out_formats {
	const void *table;
	size_t n, size;
} out_formats;
#define OUT_FORMATS(table) {(table), sizeof(table) / sizeof((table)[0]), sizeof((table)[0])}
/* What an *_out.c exports for its table: the names and the finder
 * (`const T *PREFIX_format_find(const char *name)`, NULL for no such
 * format); OUT_FORMAT_DECLS in its header. */
#define OUT_FORMAT_EXPORTS(T, prefix, table)                                                  \
	const out_formats prefix##_out_formats = OUT_FORMATS(table);                          \
	const T *prefix##_format_find(const char *name) { return OUT_FORMAT_FIND(table, name); } \
	extern const out_formats prefix##_out_formats
#define OUT_FORMAT_DECLS(T, prefix)                                                           \
	extern const out_formats prefix##_out_formats;                                        \
	const T *prefix##_format_find(const char *name)
/* The i-th name; NULL past the end. */
const char *out_formats_name(const out_formats *f, size_t i);
/* The names joined by commas ("text,json") in buf. */
const char *out_formats_list(const out_formats *f, char *buf, size_t size);

#endif
