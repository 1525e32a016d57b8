/* Streaming JSON writer; see json.h. */
#include <inttypes.h>
#include <math.h>

#include "escape.h"
#include "json.h"

void json_init(json_w *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->first[0] = true;
	w->after_key = false;
}

static void sep(json_w *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
}

static void open(json_w *w, char c)
{
	sep(w);
	fputc(c, w->f);
	if (w->depth < 63)
		w->depth++;
	w->first[w->depth] = true;
}

void json_begin_object(json_w *w) { open(w, '{'); }
void json_begin_array(json_w *w) { open(w, '['); }

void json_end_object(json_w *w)
{
	w->depth--;
	fputc('}', w->f);
}

void json_end_array(json_w *w)
{
	w->depth--;
	fputc(']', w->f);
}

void json_key(json_w *w, const char *k)
{
	json_string(w, k);
	fputc(':', w->f);
	w->after_key = true;
}

void json_stringn(json_w *w, const char *s, size_t n)
{
	sep(w);
	fputc('"', w->f);
	esc_json(w->f, s, n);
	fputc('"', w->f);
}

void json_string(json_w *w, const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	json_stringn(w, s, n);
}

void json_int(json_w *w, int64_t v)
{
	sep(w);
	fprintf(w->f, "%" PRId64, v);
}

void json_double(json_w *w, double v)
{
	sep(w);
	if (isfinite(v))
		fprintf(w->f, "%.6g", v);
	else
		fputs("null", w->f);
}

void json_bool(json_w *w, bool v)
{
	sep(w);
	fputs(v ? "true" : "false", w->f);
}

void json_null(json_w *w)
{
	sep(w);
	fputs("null", w->f);
}

void json_finish(json_w *w)
{
	fputc('\n', w->f);
}

void json_kv_string(json_w *w, const char *k, const char *v)
{
	json_key(w, k);
	json_string(w, v);
}

void json_kv_int(json_w *w, const char *k, int64_t v)
{
	json_key(w, k);
	json_int(w, v);
}

void json_kv_strings(json_w *w, const char *k, const char *const *v, size_t n)
{
	json_key(w, k);
	json_begin_array(w);
	for (size_t i = 0; i < n; i++)
		json_string(w, v[i]);
	json_end_array(w);
}

void json_write_list(FILE *out, const char *key, size_t n,
                     void (*item)(json_w *w, const void *data, size_t i), const void *data)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, key);
	json_begin_array(&w);
	for (size_t i = 0; i < n; i++)
		item(&w, data, i);
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}
