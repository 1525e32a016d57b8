/* One UTF-8 decoder and the escapers built on it; see escape.h. */
#include <string.h>

#include "escape.h"

size_t esc_utf8_len(const char *str, size_t avail)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t n;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > avail)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* A format's rules: the escape of each ASCII byte that has one (the
 * others are copied, but for the C0 controls other than tab), and what
 * becomes of the control characters without an escape. */
typedef struct esc_format {
	const char *ascii[0x80];
	bool json_controls;   /* as \u00XX, not U+FFFD */
	bool c1;              /* DEL and U+0080..U+009F are control characters too */
} esc_format;

static const esc_format dot_left = {.ascii = {['\\'] = "\\\\", ['"'] = "\\\"", ['\n'] = "\\l"}};
static const esc_format dot_center = {.ascii = {['\\'] = "\\\\", ['"'] = "\\\"", ['\n'] = "\\n"}};
static const esc_format xml = {.ascii = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\n'] = "&#10;"}};
static const esc_format json = {
	.ascii = {['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t"},
	.json_controls = true};
static const esc_format term = {.c1 = true};

/* The valid character of n bytes at s as format f writes it. */
static void esc_char(FILE *out, const esc_format *f, const unsigned char *s, size_t n)
{
	bool control = n == 1 && ((*s < 0x20 && *s != '\t') || (f->c1 && *s == 0x7f));
	if (n == 1 && f->ascii[*s])
		fputs(f->ascii[*s], out);
	else if (control && f->json_controls)
		fprintf(out, "\\u%04x", *s);
	else if (control || (f->c1 && n == 2 && s[0] == 0xc2 && s[1] < 0xa0))
		fputs(ESC_REPLACEMENT, out);
	else
		fwrite(s, 1, n, out);
}

/* Decode s[0..len) and write each character as f says; invalid bytes
 * become U+FFFD. */
static void esc_walk(FILE *out, const char *str, size_t len, const esc_format *f)
{
	const char *s = str, *end = str + len;
	while (s < end) {
		size_t n = esc_utf8_len(s, (size_t)(end - s));
		if (n == 0) {
			fputs(ESC_REPLACEMENT, out);
			n = 1;
		} else {
			esc_char(out, f, (const unsigned char *)s, n);
		}
		s += n;
	}
}

void esc_dot(FILE *out, const char *s, size_t n, bool center_breaks)
{
	esc_walk(out, s, n, center_breaks ? &dot_center : &dot_left);
}

void esc_xml(FILE *out, const char *s)
{
	esc_walk(out, s, strlen(s), &xml);
}

void esc_json(FILE *out, const char *s, size_t n)
{
	esc_walk(out, s, n, &json);
}

void esc_term(FILE *out, const char *s)
{
	esc_walk(out, s, strlen(s), &term);
}
