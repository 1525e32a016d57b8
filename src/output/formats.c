/* heapscope: finding a writer by format name (formats.h). */
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
