/* Writers of `heapscope info` (src/output/info_out.c): what each file is,
 * as text (a block per file) or JSON ({"files": [an object per file],
 * "inputs": [...]}). */
#include <string.h>

#include "heapscope/units.h"

#include "formats.h"
#include "info_facts.h"
#include "info_out.h"
#include "inputs_out.h"
#include "pprof_text.h"

static const char *format_name(hs_format f)
{
	switch (f) {
	case HS_FMT_PPROF: return "pprof";
	case HS_FMT_LEGACY_CPU: return "legacy-cpu";
	case HS_FMT_GOROUTINE_DUMP: return "goroutine-dump";
	case HS_FMT_LEGACY_TEXT:
	case HS_FMT_HEAP_TEXT: return "heap-text";
	case HS_FMT_COUNT_TEXT: return "count-text";
	case HS_FMT_CONTENTION_TEXT: return "contention-text";
	case HS_FMT_THREAD_TEXT: return "thread-text";
	case HS_FMT_JAVA_TEXT: return "java-text";
	default: return "unknown";
	}
}

/* Which runtime wrote it, guessed from source file extensions. */
static const char *producer(const hs_profile *p)
{
	static const struct { const char *ext, *who; } langs[] = {
		{".go", "Go"}, {".s", "Go"}, {".js", "Node.js"}, {".ts", "Node.js"},
		{".py", "Python"}, {".rb", "Ruby"}, {".rs", "Rust"}, {".java", "Java"},
		{".cs", ".NET"}, {".jl", "Julia"}, {".cc", "C++"}, {".cpp", "C++"}, {".c", "C"},
	};
	size_t count[sizeof langs / sizeof langs[0]] = {0};
	for (size_t i = 0; i < p->functions.len; i++) {
		const char *f = hs_s(p, hs_function_at(p, (uint32_t)i)->filename);
		const char *dot = strrchr(f, '.');
		for (size_t k = 0; dot && k < sizeof langs / sizeof langs[0]; k++)
			if (strcmp(dot, langs[k].ext) == 0)
				count[k]++;
	}
	size_t best = 0;
	for (size_t k = 1; k < sizeof langs / sizeof langs[0]; k++)
		if (count[k] > count[best])
			best = k;
	if (count[best])
		return langs[best].who;
	return p->format == HS_FMT_LEGACY_CPU ? "gperftools or Go < 1.9" : "unknown";
}

static void info_text(FILE *out, const char *file, const hs_profile *p)
{
	char buf[96];
	fprintf(out, "%s\n", file);
	fprintf(out, "  format:        %s%s\n", format_name(p->format), p->gzipped ? " (gzip)" : p->zstd ? " (zstd)" : "");
	fprintf(out, "  producer:      %s\n", producer(p));
	fprintf(out, "  kind:          %s\n", hs_profile_kind(p));
	char in[48], dec[48];
	fprintf(out, "  size:          %s (%s decoded)\n",
	        out_label((int64_t)p->input_bytes, "bytes", "minimum", false, in, sizeof in),
	        out_label((int64_t)p->decoded_bytes, "bytes", "minimum", false, dec, sizeof dec));

	int def = hs_ntypes(p) ? hs_profile_default_index(p) : -1;
	fprintf(out, "  sample types:\n");
	for (size_t i = 0; i < hs_ntypes(p); i++) {
		const hs_value_type *vt = hs_sample_type(p, i);
		info_sample_type_text(out, i, hs_s(p, vt->type), hs_s(p, vt->unit),
		                      hs_profile_total(p, (int)i), (int)i == def);
	}
	if (p->period || p->period_type.type)
		info_period_text(out, p->period, hs_s(p, p->period_type.type),
		                 hs_s(p, p->period_type.unit), NULL);
	if (p->time_nanos) {
		format_go_time(p->time_nanos, buf, sizeof buf);
		fprintf(out, "  time:          %s\n", buf);
	}
	if (p->duration_nanos) {
		hs_scaled_label(p->duration_nanos, "nanoseconds", "auto", buf, sizeof buf);
		fprintf(out, "  duration:      %s\n", buf);
	}
	fprintf(out, "  samples:       %zu\n  locations:     %zu\n  functions:     %zu\n"
	             "  mappings:      %zu\n  strings:       %zu\n",
	        p->nsamples, p->locations.len, p->functions.len, p->mappings.len, p->strings.len);
	if (p->drop_frames)
		fprintf(out, "  drop frames:   %s (%llu samples pruned)\n", hs_s(p, p->drop_frames),
		        (unsigned long long)p->samples_pruned);
	for (size_t i = 0; i < p->comments.len; i++)
		fprintf(out, "  comment:       %s\n", hs_s(p, HS_VEC_AT(&p->comments, hs_str, i)));
	/* The runtime.MemStats trailer of a Go heap text profile. */
	if (p->memstats.len)
		fprintf(out, "  memstats:\n");
	for (size_t i = 0; i < p->memstats.len; i++) {
		const hs_memstat *m = &HS_VEC_AT(&p->memstats, hs_memstat, i);
		fprintf(out, "    %-20s %lld\n", hs_s(p, m->key), (long long)m->value);
	}
}

static void info_json(json_w *w, const char *file, const hs_profile *p)
{
	json_begin_object(w);
	json_kv_string(w, "file", file);
	json_kv_string(w, "format", format_name(p->format));
	json_key(w, "gzipped");
	json_bool(w, p->gzipped);
	if (p->zstd) {   /* only then: the key set of other inputs stays as it was */
		json_key(w, "zstd");
		json_bool(w, true);
	}
	json_kv_string(w, "producer", producer(p));
	json_kv_string(w, "kind", hs_profile_kind(p));
	json_kv_int(w, "bytes", (int64_t)p->input_bytes);
	json_kv_int(w, "decoded_bytes", (int64_t)p->decoded_bytes);

	json_key(w, "sample_types");
	json_begin_array(w);
	int def = hs_ntypes(p) ? hs_profile_default_index(p) : -1;
	for (size_t i = 0; i < hs_ntypes(p); i++) {
		const hs_value_type *vt = hs_sample_type(p, i);
		info_sample_type_json(w, hs_s(p, vt->type), hs_s(p, vt->unit),
		                      hs_profile_total(p, (int)i), (int)i == def);
	}
	json_end_array(w);
	info_period_json(w, p->period, hs_s(p, p->period_type.type), hs_s(p, p->period_type.unit));
	json_kv_int(w, "time_nanos", p->time_nanos);
	json_kv_int(w, "duration_nanos", p->duration_nanos);
	json_kv_int(w, "samples", (int64_t)p->nsamples);
	json_kv_int(w, "locations", (int64_t)p->locations.len);
	json_kv_int(w, "functions", (int64_t)p->functions.len);
	json_kv_int(w, "mappings", (int64_t)p->mappings.len);
	json_kv_int(w, "strings", (int64_t)p->strings.len);
	json_kv_string(w, "drop_frames", hs_s(p, p->drop_frames));
	json_kv_string(w, "keep_frames", hs_s(p, p->keep_frames));
	json_key(w, "memstats");
	json_begin_object(w);
	for (size_t i = 0; i < p->memstats.len; i++) {
		const hs_memstat *m = &HS_VEC_AT(&p->memstats, hs_memstat, i);
		json_kv_int(w, hs_s(p, m->key), m->value);
	}
	json_end_object(w);
	json_key(w, "comments");
	json_begin_array(w);
	for (size_t i = 0; i < p->comments.len; i++)
		json_string(w, hs_s(p, HS_VEC_AT(&p->comments, hs_str, i)));
	json_end_array(w);
	json_end_object(w);
}

static void text_begin(info_w *w)
{
	w->n = 0;
}

static void text_file(info_w *w, const char *file, const hs_profile *p)
{
	if (w->n++)
		fputc('\n', w->out);
	info_text(w->out, file, p);
}

static void text_facts(info_w *w, const char *file, const hs_file_facts *f)
{
	if (w->n++)
		fputc('\n', w->out);
	info_facts_text(w->out, file, f);
}

static void text_end(info_w *w)
{
	(void)w;
}

static void json_begin(info_w *w)
{
	json_init(&w->json, w->out);
	json_begin_object(&w->json);
	json_key(&w->json, "files");
	json_begin_array(&w->json);
}

static void json_file(info_w *w, const char *file, const hs_profile *p)
{
	info_json(&w->json, file, p);
}

static void json_facts(info_w *w, const char *file, const hs_file_facts *f)
{
	info_facts_json(&w->json, file, f);
}

static void json_end(info_w *w)
{
	json_end_array(&w->json);
	out_inputs_json(&w->json, w->inv, "info");
	json_end_object(&w->json);
	json_finish(&w->json);
}

static const info_format formats[] = {
	{"text", text_begin, text_file, text_facts, text_end},
	{"json", json_begin, json_file, json_facts, json_end},
};

OUT_FORMAT_EXPORTS(info_format, info, formats);
