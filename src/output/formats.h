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
/* The i-th name; NULL past the end. */
const char *out_formats_name(const out_formats *f, size_t i);
/* The names joined by commas ("text,json") in buf. */
const char *out_formats_list(const out_formats *f, char *buf, size_t size);

#endif
