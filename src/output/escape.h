/* Text escaping for every output format, on one UTF-8 decoder.
 *
 * Names come from profiles, dumps and traces, so they can hold anything.
 * Each escaper writes valid UTF-8 whatever it is given: an invalid byte
 * (Go's rules: no overlong forms, no surrogates, nothing past U+10FFFF,
 * and a sequence cut by the end of the text is invalid) becomes U+FFFD,
 * one per byte, and so does a control character the format cannot carry.
 * The DOT writer of `heapscope dot` set this rule; the others follow it. */
#ifndef HS_OUTPUT_ESCAPE_H
#define HS_OUTPUT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
#define ESC_REPLACEMENT "\xef\xbf\xbd"

/* Length of the valid UTF-8 sequence at s (at most avail bytes), 0 if the
 * byte at s starts none. */
size_t esc_utf8_len(const char *s, size_t avail);

/* Inside a DOT double-quoted escString: '\\' and '"' escaped, '\n' a line
 * break (centered "\n" if center_breaks, else left-justified "\l"), other
 * control characters but tab U+FFFD. */
void esc_dot(FILE *out, const char *s, size_t n, bool center_breaks);

/* XML 1.0 character data or attribute text (HTML too): & < > " as
 * entities, '\n' as "&#10;" (kept in attributes), control characters but
 * tab U+FFFD. */
void esc_xml(FILE *out, const char *s);

/* Inside a JSON string: '"' and '\\' escaped, \n \r \t by name, other
 * control characters as \u00XX. */
void esc_json(FILE *out, const char *s, size_t n);

/* Text for a terminal: C0 and C1 control characters but tab, and DEL,
 * become U+FFFD, so a name cannot move the cursor or start an escape
 * sequence. */
void esc_term(FILE *out, const char *s);

#endif
