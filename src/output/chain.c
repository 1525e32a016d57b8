/* The chain below a culprit as text (chain.h). */
#include <string.h>

#include "chain.h"

/* Append s at *pos when it fits; *pos counts what is needed either way. */
static void put(char *buf, size_t size, size_t *pos, const char *s)
{
	size_t n = strlen(s);
	if (*pos < size) {
		size_t k = size - *pos;
		memcpy(buf + *pos, s, n < k ? n : k);
	}
	*pos += n;
}

/* Cut at size - 1, back to the start of a UTF-8 sequence when the cut
 * falls inside one. */
static void terminate(char *buf, size_t size, size_t need)
{
	if (need < size) {
		buf[need] = '\0';
		return;
	}
	size_t cut = size - 1;
	while (cut > 0 && ((unsigned char)buf[cut] & 0xC0) == 0x80)
		cut--;
	buf[cut] = '\0';
}

size_t chain_format(char *buf, size_t size, const char *const *funcs, const bool *inlined,
                    size_t culprit, size_t end)
{
	size_t pos = 0;
	for (size_t i = culprit + 1; i-- > end;) {
		put(buf, size, &pos, funcs[i] ? funcs[i] : "?");
		if (inlined && inlined[i])
			put(buf, size, &pos, " (inline)");
		if (i > end)
			put(buf, size, &pos, " -> ");
	}
	if (size > 0)
		terminate(buf, size, pos);
	return pos;
}
