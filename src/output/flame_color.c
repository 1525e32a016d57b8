/* flamegraph.pl's colours with --hash: a frame's colour depends on its
 * name only (not on a random draw), so graphs and tests are stable and a
 * function keeps its colour from one graph to the next. */
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "flame.h"

static const char *const palette_names[] = {
	"hot", "mem", "io", "red", "green", "blue", "aqua", "yellow", "purple", "orange",
};

int flame_palette_find(const char *s)
{
	for (size_t i = 0; i < sizeof palette_names / sizeof palette_names[0]; i++)
		if (strcmp(s, palette_names[i]) == 0)
			return (int)i;
	return -1;
}

/* Code points of s, as perl reads the UTF-8 input (an invalid byte counts
 * as one character); *n of them, malloc'd (NULL: no memory). */
static uint32_t *code_points(const char *s, size_t *n)
{
	size_t len = strlen(s), k = 0;
	uint32_t *cp = malloc((len + 1) * sizeof *cp);
	for (size_t i = 0; cp && i < len;) {
		size_t l = esc_utf8_len(s + i, len - i);
		const unsigned char *u = (const unsigned char *)s + i;
		if (l == 0) {
			cp[k++] = 0xFFFD;
			i++;
			continue;
		}
		uint32_t c = l == 1 ? u[0] : u[0] & (0x7F >> l);
		for (size_t j = 1; j < l; j++)
			c = c << 6 | (u[j] & 0x3F);
		cp[k++] = c;
		i += l;
	}
	*n = k;
	return cp;
}

/* flamegraph.pl's namehash: the first three characters weigh, earlier
 * ones more, after dropping a "module`" prefix (s/.(.*?)`//). */
static double namehash(const uint32_t *c, size_t n, bool reversed)
{
	size_t start = 0;
	for (size_t i = 1; i < n; i++) {
		uint32_t ch = c[reversed ? n - 1 - i : i];
		if (ch == '`') {
			start = i + 1;
			break;
		}
	}
	double vector = 0, weight = 1, max = 1;
	int mod = 10;
	for (size_t i = start; i < n; i++) {
		uint32_t ch = c[reversed ? n - 1 - i : i];
		vector += ((double)(ch % (uint32_t)mod) / (mod - 1)) * weight;
		mod++;
		max += weight;
		weight *= 0.70;
		if (mod > 12)
			break;
	}
	return 1 - vector / max;
}

void flame_color(char buf[32], flame_palette p, const char *name)
{
	size_t n = 0;
	uint32_t *c = code_points(name, &n);
	double v1 = c ? namehash(c, n, false) : 0, v2 = c ? namehash(c, n, true) : 0;
	free(c);
	int r = 0, g = 0, b = 0;
	switch (p) {
	case FLAME_HOT: r = 205 + (int)(50 * v2); g = (int)(230 * v1); b = (int)(55 * v2); break;
	case FLAME_MEM: g = 190 + (int)(50 * v2); b = (int)(210 * v1); break;
	case FLAME_IO: r = g = 80 + (int)(60 * v1); b = 190 + (int)(55 * v2); break;
	case FLAME_RED: r = 200 + (int)(55 * v1); g = b = 50 + (int)(80 * v1); break;
	case FLAME_GREEN: g = 200 + (int)(55 * v1); r = b = 50 + (int)(60 * v1); break;
	case FLAME_BLUE: b = 205 + (int)(50 * v1); r = g = 80 + (int)(60 * v1); break;
	case FLAME_AQUA: r = 50 + (int)(60 * v1); g = b = 165 + (int)(55 * v1); break;
	case FLAME_YELLOW: r = g = 175 + (int)(55 * v1); b = 50 + (int)(20 * v1); break;
	case FLAME_PURPLE: r = b = 190 + (int)(65 * v1); g = 80 + (int)(60 * v1); break;
	case FLAME_ORANGE: r = 190 + (int)(65 * v1); g = 90 + (int)(65 * v1); break;
	}
	snprintf(buf, 32, "rgb(%d,%d,%d)", r, g, b);
}

/* flamegraph.pl's color_scale: red for growth, blue for shrinkage, the
 * deeper the larger the change against the largest one. */
void flame_color_delta(char buf[32], int64_t delta, int64_t maxdelta)
{
	int r = 255, g = 255, b = 255;
	double max = (double)maxdelta;
	if (delta > 0)
		g = b = (int)(210 * (double)(maxdelta - delta) / max);
	else if (delta < 0)
		r = g = (int)(210 * (double)(maxdelta + delta) / max);
	snprintf(buf, 32, "rgb(%d,%d,%d)", r, g, b);
}

void flame_background(flame_palette p, const char **stop1, const char **stop2)
{
	*stop1 = "#eeeeee";
	*stop2 = "#eeeeb0";   /* yellow: hot */
	if (p == FLAME_MEM) {
		*stop1 = "#eef2ee";
		*stop2 = "#e0ffe0";
	} else if (p == FLAME_IO) {
		*stop2 = "#e0e0ff";
	} else if (p != FLAME_HOT) {
		*stop1 = "#f8f8f8";
		*stop2 = "#e8e8e8";
	}
}
