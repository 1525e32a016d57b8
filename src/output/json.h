/* A minimal streaming JSON writer for --format json. */
#ifndef HS_OUTPUT_JSON_H
#define HS_OUTPUT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct json_w {
	FILE *f;
	int depth;
	bool first[64];    /* per nesting level: no comma needed yet */
	bool after_key;
} json_w;

void json_init(json_w *w, FILE *f);
void json_begin_object(json_w *w);
void json_end_object(json_w *w);
void json_begin_array(json_w *w);
void json_end_array(json_w *w);
void json_key(json_w *w, const char *k);
void json_string(json_w *w, const char *s);
void json_stringn(json_w *w, const char *s, size_t n);
void json_int(json_w *w, int64_t v);
void json_double(json_w *w, double v);
void json_bool(json_w *w, bool v);
void json_null(json_w *w);
/* "key": value pairs and a string array, the common shapes. */
void json_kv_string(json_w *w, const char *k, const char *v);
void json_kv_int(json_w *w, const char *k, int64_t v);
void json_kv_strings(json_w *w, const char *k, const char *const *v, size_t n);
/* End the document with a newline. */
void json_finish(json_w *w);
/* A whole document {"key":[...]}: item(w, data, i) writes each of the n
 * entries (one value each). */
void json_write_list(FILE *out, const char *key, size_t n,
                     void (*item)(json_w *w, const void *data, size_t i), const void *data);

#endif
