/* The chain below a culprit, one line of text: "main.openConn ->
 * bufio.NewWriterSize (inline)".  The core (heapscope/frames.h) picks the
 * frames; this writes them, unescaped: the writer that prints the line
 * escapes it for its format. */
#ifndef HS_OUTPUT_CHAIN_H
#define HS_OUTPUT_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

/* funcs[culprit] -> ... -> funcs[end] (leaf-first indices, end <= culprit)
 * into buf, " (inline)" after a frame whose inlined[i] is set (it was
 * inlined into its caller; inlined may be NULL).  snprintf's contract: the
 * length the whole chain needs; buf (size > 0) always ends in a NUL and a
 * cut never splits a UTF-8 sequence. */
size_t chain_format(char *buf, size_t size, const char *const *funcs, const bool *inlined,
                    size_t culprit, size_t end);

#endif
