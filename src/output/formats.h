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

#endif
