/* heapscope: finding a writer by format name (formats.h). */
#include <stdio.h>
#include <string.h>

#include "formats.h"

const void *out_format_find(const void *table, size_t n, size_t size, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *entry = (const char *)table + i * size;
		const char *const *nm = (const char *const *)(const void *)entry;
		if (strcmp(name, *nm) == 0)
			return entry;
	}
	return NULL;
}

const char *out_formats_name(const out_formats *f, size_t i)
{
	if (!f || i >= f->n)
		return NULL;
	return *(const char *const *)(const void *)((const char *)f->table + i * f->size);
}

const char *out_formats_list(const out_formats *f, char *buf, size_t size)
{
	buf[0] = '\0';
	const char *name;
	for (size_t i = 0; (name = out_formats_name(f, i)) != NULL; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, size - used, "%s%s", i ? "," : "", name);
	}
	return buf;
}
