/* Frame names for folded stacks; see folded_name.h. */
#include <stdlib.h>
#include <string.h>

#include "folded_name.h"

static void clean_into(char *out, const char *name, size_t n, bool leaf)
{
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		out[i] = c == ';' ? ':' : (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
	}
	while (n && out[n - 1] == ' ')
		n--;
	if (n == 0) {
		strcpy(out, "<unknown>");
		return;
	}
	out[n] = '\0';
	size_t tail = n;
	while (tail && ((out[tail - 1] >= '0' && out[tail - 1] <= '9') || out[tail - 1] == '.'))
		tail--;
	if (leaf && tail < n && tail > 0 && out[tail - 1] == ' ')
		out[tail - 1] = '_';
}

char *folded_name(hs_arena *a, const char *name, bool leaf)
{
	size_t n = strlen(name);
	char *out = hs_arena_alloc(a, n + 10);
	if (out)
		clean_into(out, name, n, leaf);
	return out;
}

void folded_name_put(FILE *out, const char *name, bool leaf)
{
	char small[512];
	size_t n = strlen(name);
	char *buf = n + 10 <= sizeof small ? small : malloc(n + 10);
	if (!buf) {
		fputs("<unknown>", out);
		return;
	}
	clean_into(buf, name, n, leaf);
	fputs(buf, out);
	if (buf != small)
		free(buf);
}
