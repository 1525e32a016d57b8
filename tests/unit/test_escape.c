/* The escaping module (src/output/escape.c): its UTF-8 decoder and the
 * DOT, XML, JSON and terminal escapers, against outputs worked out by hand.
 * Invalid UTF-8 is one U+FFFD (EF BF BD) per bad byte in every format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/output/escape.h"

#define R ESC_REPLACEMENT

enum { ESC_DOT, ESC_DOT_CENTER, ESC_XML, ESC_JSON, ESC_TERM };

/* The escaper's output for the n bytes at s. */
static char *run(int which, const char *s, size_t n)
{
	char *buf = NULL, *copy = malloc(n + 1);
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	assert_non_null(f);
	assert_non_null(copy);
	memcpy(copy, s, n);
	copy[n] = '\0';
	switch (which) {
	case ESC_DOT: esc_dot(f, copy, n, false); break;
	case ESC_DOT_CENTER: esc_dot(f, copy, n, true); break;
	case ESC_XML: esc_xml(f, copy); break;
	case ESC_JSON: esc_json(f, copy, n); break;
	default: esc_term(f, copy); break;
	}
	fclose(f);
	free(copy);
	return buf;
}

typedef struct esc_case {
	int which;
	const char *in;
	size_t n;   /* bytes of in, NULs included */
	const char *want;
} esc_case;

#define CASE(which, in, want) {which, in, sizeof(in) - 1, want}

static const esc_case cases[] = {
	CASE(ESC_DOT, "main.f", "main.f"),
	CASE(ESC_DOT, "a\"b\\c", "a\\\"b\\\\c"),
	CASE(ESC_DOT, "<&>", "<&>"),
	CASE(ESC_DOT, "x\ny", "x\\ly"),
	CASE(ESC_DOT_CENTER, "x\ny", "x\\ny"),
	CASE(ESC_DOT, "t\tr\rb\x01", "t\tr" R "b" R),
	CASE(ESC_DOT, "f\xff" "g", "f" R "g"),
	CASE(ESC_DOT, "\xe2\x80", R R),                              /* cut: one per byte */
	CASE(ESC_DOT, "\xc3\xa9\xe2\x80\xa6", "\xc3\xa9\xe2\x80\xa6"),
	CASE(ESC_DOT, "a\0b", "a" R "b"),                            /* NUL inside n bytes */
	CASE(ESC_XML, "<&>\"'", "&lt;&amp;&gt;&quot;'"),
	CASE(ESC_XML, "a\nb\tc", "a&#10;b\tc"),
	CASE(ESC_XML, "\x1b[31m\r\x7f", R "[31m" R "\x7f"),
	CASE(ESC_XML, "\xed\xa0\x80x", R R R "x"),                  /* surrogate: not XML */
	CASE(ESC_XML, "\xc3\xa9\xc2\x9b", "\xc3\xa9\xc2\x9b"),
	CASE(ESC_JSON, "a\"b\\c/d", "a\\\"b\\\\c/d"),
	CASE(ESC_JSON, "\n\r\t\x01\x1f", "\\n\\r\\t\\u0001\\u001f"),
	CASE(ESC_JSON, "<&>", "<&>"),
	CASE(ESC_JSON, "\x7f", "\x7f"),
	CASE(ESC_JSON, "x\xff\xfe", "x" R R),
	CASE(ESC_JSON, "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"),
	CASE(ESC_TERM, "a\tb<&>\"\\", "a\tb<&>\"\\"),
	CASE(ESC_TERM, "\x1b[2Jx\n", R "[2Jx" R),
	CASE(ESC_TERM, "\x7f\xc2\x9b\xc2\xa0", R R "\xc2\xa0"),     /* DEL, CSI; NBSP kept */
	CASE(ESC_TERM, "\xc0\x80", R R),
};

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(esc_utf8_len("a", 1), 1);
	assert_int_equal(esc_utf8_len("\xc3\xa9", 2), 2);             /* e-acute */
	assert_int_equal(esc_utf8_len("\xe2\x80\xa6", 3), 3);         /* ellipsis */
	assert_int_equal(esc_utf8_len("\xf0\x9f\x98\x80", 4), 4);     /* U+1F600 */
	assert_int_equal(esc_utf8_len("\xf4\x8f\xbf\xbf", 4), 4);     /* U+10FFFF */
	assert_int_equal(esc_utf8_len("\xff", 1), 0);                 /* never a lead */
	assert_int_equal(esc_utf8_len("\x80", 1), 0);                 /* lone continuation */
	assert_int_equal(esc_utf8_len("\xc0\xaf", 2), 0);             /* overlong '/' */
	assert_int_equal(esc_utf8_len("\xe0\x80\xaf", 3), 0);         /* overlong, 3 bytes */
	assert_int_equal(esc_utf8_len("\xed\xa0\x80", 3), 0);         /* surrogate D800 */
	assert_int_equal(esc_utf8_len("\xf4\x90\x80\x80", 4), 0);     /* past U+10FFFF */
	assert_int_equal(esc_utf8_len("\xe2\x80\xa6", 2), 0);         /* cut by the end */
	assert_int_equal(esc_utf8_len("\xc3(", 2), 0);                /* bad continuation */
}

static void test_escapers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = run(cases[i].which, cases[i].in, cases[i].n);
		if (strcmp(got, cases[i].want) != 0)
			print_error("case %zu (%s): got \"%s\"\n", i, cases[i].in, got);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_escapers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
