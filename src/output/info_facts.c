/* `heapscope info` on files that are no profile (info_facts.h): an
 * execution trace, a heap dump, a gctrace log, an ELF core, described
 * from hs_file_facts as text (a block per file, as a profile's) or as one
 * JSON object of the "files" array. */
#include <inttypes.h>
#include <stdio.h>

#include "heapscope/units.h"

#include "info_facts.h"
#include "pprof_text.h"

static const char *bytes_label(int64_t v, char *buf, size_t n)
{
	return out_label(v, "bytes", "minimum", false, buf, n);
}

static const char *compression(const hs_file_facts *f)
{
	return f->gzipped ? " (gzip)" : f->zstd ? " (zstd)" : "";
}

static void size_line(FILE *out, const hs_file_facts *f)
{
	char in[48], dec[48];
	if (f->decoded_bytes)
		fprintf(out, "  size:          %s (%s decoded)\n", bytes_label((int64_t)f->input_bytes, in, sizeof in),
		        bytes_label((int64_t)f->decoded_bytes, dec, sizeof dec));
	else
		fprintf(out, "  size:          %s\n", bytes_label((int64_t)f->input_bytes, in, sizeof in));
}

/* hs_hd_root_kind order */
static const char *const root_words[7] = {"data", "bss", "frames", "finalizers",
                                          "queued finalizers", "other", "goroutines"};
static const char *const root_keys[7] = {"data", "bss", "frame", "finalizer",
                                         "queued_finalizer", "other", "goroutine"};

static void trace_text(FILE *out, const hs_trace_facts *t)
{
	char buf[64];
	hs_scaled_label(t->duration_ns, "nanoseconds", "auto", buf, sizeof buf);
	fprintf(out, "  go version:    1.%d (the trace format's)\n", t->version - 1000);
	fprintf(out, "  duration:      %s\n", buf);
	fprintf(out, "  events:        %" PRIu64 "\n", t->events);
	if (t->generations)
		fprintf(out, "  generations:   %" PRIu64 "\n", t->generations);
	uint64_t seen = t->created + t->existing;
	fprintf(out, "  goroutines:    %" PRIu64 " seen (%" PRIu64 " created, %" PRIu64
	             " there before it started), %" PRIu64 " ended, %" PRIu64 " alive at the end\n",
	        seen, t->created - t->at_start, t->at_start + t->existing, t->ended,
	        seen >= t->ended ? seen - t->ended : 0);
	fprintf(out, "  GC cycles:     %" PRIu64 "\n", t->gcs);
	if (t->truncated)
		fprintf(out, "  truncated:     at byte %" PRIu64 " (the events before it were read)\n",
		        t->truncated_at);
}

static void heapdump_text(FILE *out, const hs_heapdump_facts *d)
{
	char buf[48];
	fprintf(out, "  go version:    %s %s\n", d->go_version[0] ? d->go_version : "?",
	        d->arch[0] ? d->arch : "?");
	fprintf(out, "  objects:       %" PRIu64 " (%s)\n", d->objects,
	        bytes_label((int64_t)d->object_bytes, buf, sizeof buf));
	fprintf(out, "  goroutines:    %" PRIu64 " (%" PRIu64 " of them the runtime's)\n", d->goroutines,
	        d->system_goroutines);
	fprintf(out, "  roots:         %" PRIu64 " pointers into the heap (", d->roots);
	for (size_t k = 0, n = 0; k < 7; k++)
		if (d->root_kinds[k])
			fprintf(out, "%s%" PRIu64 " %s", n++ ? ", " : "", d->root_kinds[k], root_words[k]);
	fprintf(out, ")\n");
}

static void gctrace_text(FILE *out, const hs_gctrace_facts *g)
{
	char a[48], b[48], c[48];
	fprintf(out, "  cycles:        %" PRIu64 " (gc %" PRIu64 " to %" PRIu64 ", %" PRIu64
	             " forced) in %" PRIu64 " run%s\n",
	        g->gcs, g->first_gc, g->last_gc, g->forced, g->runs, g->runs == 1 ? "" : "s");
	fprintf(out, "  time span:     %.3fs to %.3fs after the start (%.3fs)\n", g->start_s, g->end_s,
	        g->end_s - g->start_s);
	fprintf(out, "  live heap:     %s -> %s (max %s)\n", bytes_label(g->live_first, a, sizeof a),
	        bytes_label(g->live_last, b, sizeof b), bytes_label(g->live_max, c, sizeof c));
	fprintf(out, "  GC CPU:        %d%% of all CPU since the start, at the last GC\n", g->cpu_percent);
	if (g->other_lines)
		fprintf(out, "  other lines:   %" PRIu64 "\n", g->other_lines);
}

void info_sample_type_text(FILE *out, size_t i, const char *type, const char *unit,
                           int64_t total, bool def)
{
	char buf[96];
	hs_scaled_label(total, unit, "auto", buf, sizeof buf);
	fprintf(out, "    %zu %-20s %-12s total %s%s\n", i, type, unit, buf, def ? "  (default)" : "");
}

void info_sample_type_json(json_w *w, const char *type, const char *unit, int64_t total, bool def)
{
	json_begin_object(w);
	json_kv_string(w, "type", type);
	json_kv_string(w, "unit", unit);
	json_kv_int(w, "total", total);
	json_key(w, "default");
	json_bool(w, def);
	json_end_object(w);
}

void info_period_text(FILE *out, int64_t period, const char *type, const char *unit,
                      const char *what)
{
	char buf[96];
	hs_scaled_label(period, unit, "auto", buf, sizeof buf);
	fprintf(out, "  period:        %s (%s/%s%s%s)\n", buf, type, unit, what ? ": " : "",
	        what ? what : "");
}

void info_period_json(json_w *w, int64_t period, const char *type, const char *unit)
{
	json_key(w, "period_type");
	json_begin_object(w);
	json_kv_string(w, "type", type);
	json_kv_string(w, "unit", unit);
	json_end_object(w);
	json_kv_int(w, "period", period);
}

/* The heap profile a core holds, as info describes a heap profile's
 * sample types, period and samples. */
static void core_heap_text(FILE *out, const hs_core_heap_facts *h)
{
	if (!h->read) {
		fprintf(out, "  heap profile:  not read (see the warning)\n");
		return;
	}
	if (!h->period && !h->samples) {
		fprintf(out, "  heap profile:  none: runtime.MemProfileRate is 0 (memory profiling off)\n");
		return;
	}
	fprintf(out, "  heap profile:  runtime.mbuckets, in use as of the last GC\n");
	fprintf(out, "  sample types:\n");
	for (int i = 0; i < h->ntypes; i++)
		info_sample_type_text(out, (size_t)i, h->type[i], h->unit[i], h->total[i],
		                      i == h->default_type);
	info_period_text(out, h->period, h->period_type, h->period_unit, "runtime.MemProfileRate");
	fprintf(out, "  samples:       %" PRIu64 "\n", h->samples);
}

static void core_text(FILE *out, const hs_core_facts *c)
{
	if (!c->read) {
		fprintf(out, "  goroutines:    not read: give --exe BINARY, the executable that wrote it\n");
		return;
	}
	fprintf(out, "  threads:       %" PRIu64 "\n", c->threads);
	fprintf(out, "  goroutines:    %" PRIu64 " (the program's; the runtime's left out)\n", c->goroutines);
	core_heap_text(out, &c->heap);
}

static const char *format_word(const hs_file_facts *f)
{
	switch (f->kind) {
	case HS_IN_TRACE: return "execution trace";
	case HS_IN_HEAPDUMP: return "heap dump";
	case HS_IN_GCTRACE: return "gctrace log";
	default: return "ELF core";
	}
}

void info_facts_text(FILE *out, const char *file, const hs_file_facts *f)
{
	fprintf(out, "%s\n", file);
	fprintf(out, "  format:        %s%s\n", format_word(f), compression(f));
	fprintf(out, "  kind:          %s\n", hs_input_kind_name(f->kind));
	size_line(out, f);
	switch (f->kind) {
	case HS_IN_TRACE: trace_text(out, &f->u.trace); break;
	case HS_IN_HEAPDUMP: heapdump_text(out, &f->u.heapdump); break;
	case HS_IN_GCTRACE: gctrace_text(out, &f->u.gctrace); break;
	default: core_text(out, &f->u.core); break;
	}
}

static void kv_u(json_w *w, const char *k, uint64_t v)
{
	json_kv_int(w, k, (int64_t)v);
}

static void trace_json(json_w *w, const hs_trace_facts *t)
{
	char v[16];
	snprintf(v, sizeof v, "1.%d", t->version - 1000);
	json_kv_string(w, "go_version", v);
	json_kv_int(w, "duration_nanos", t->duration_ns);
	kv_u(w, "events", t->events);
	kv_u(w, "generations", t->generations);
	uint64_t seen = t->created + t->existing;
	json_key(w, "goroutines");
	json_begin_object(w);
	kv_u(w, "seen", seen);
	kv_u(w, "created", t->created - t->at_start);
	kv_u(w, "before_start", t->at_start + t->existing);
	kv_u(w, "ended", t->ended);
	kv_u(w, "alive_at_end", seen >= t->ended ? seen - t->ended : 0);
	json_end_object(w);
	kv_u(w, "gc_cycles", t->gcs);
	json_key(w, "truncated_at");
	if (t->truncated)
		json_int(w, (int64_t)t->truncated_at);
	else
		json_null(w);
}

/* Integer fields, in order. */
typedef struct kv_row {
	const char *key;
	int64_t v;
} kv_row;

static void kv_rows(json_w *w, const kv_row *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_kv_int(w, r[i].key, r[i].v);
}

static void heapdump_json(json_w *w, const hs_heapdump_facts *d)
{
	json_kv_string(w, "go_version", d->go_version);
	json_kv_string(w, "arch", d->arch);
	const kv_row rows[] = {
		{"objects", (int64_t)d->objects},         {"object_bytes", (int64_t)d->object_bytes},
		{"goroutines", (int64_t)d->goroutines},   {"system_goroutines", (int64_t)d->system_goroutines},
		{"roots", (int64_t)d->roots},
	};
	kv_rows(w, rows, sizeof rows / sizeof rows[0]);
	json_key(w, "roots_by_kind");
	json_begin_object(w);
	for (size_t k = 0; k < 7; k++)
		kv_u(w, root_keys[k], d->root_kinds[k]);
	json_end_object(w);
}

static void gctrace_json(json_w *w, const hs_gctrace_facts *g)
{
	const kv_row counts[] = {
		{"cycles", (int64_t)g->gcs},         {"runs", (int64_t)g->runs},
		{"forced", (int64_t)g->forced},      {"first_gc", (int64_t)g->first_gc},
		{"last_gc", (int64_t)g->last_gc},
	};
	kv_rows(w, counts, sizeof counts / sizeof counts[0]);
	json_key(w, "start_seconds");
	json_double(w, g->start_s);
	json_key(w, "end_seconds");
	json_double(w, g->end_s);
	const kv_row heap[] = {
		{"live_first_bytes", g->live_first}, {"live_last_bytes", g->live_last},
		{"live_max_bytes", g->live_max},     {"gc_cpu_percent", g->cpu_percent},
		{"other_lines", (int64_t)g->other_lines},
	};
	kv_rows(w, heap, sizeof heap / sizeof heap[0]);
}

static void core_json(json_w *w, const hs_core_facts *c)
{
	json_key(w, "read");
	json_bool(w, c->read);
	json_key(w, "threads");
	if (c->read)
		json_int(w, (int64_t)c->threads);
	else
		json_null(w);
	json_key(w, "goroutines");
	if (c->read)
		json_int(w, (int64_t)c->goroutines);
	else
		json_null(w);
	json_key(w, "heap_profile");
	if (c->read && c->heap.read) {
		const hs_core_heap_facts *h = &c->heap;
		json_begin_object(w);
		json_key(w, "sample_types");
		json_begin_array(w);
		for (int i = 0; i < h->ntypes; i++)
			info_sample_type_json(w, h->type[i], h->unit[i], h->total[i], i == h->default_type);
		json_end_array(w);
		info_period_json(w, h->period, h->period_type, h->period_unit);
		kv_u(w, "samples", h->samples);
		json_end_object(w);
	} else {
		json_null(w);
	}
	json_key(w, "needs");
	if (c->read)
		json_null(w);
	else
		json_string(w, "--exe");
}

void info_facts_json(json_w *w, const char *file, const hs_file_facts *f)
{
	static const char *const formats[] = {[HS_IN_TRACE] = "trace", [HS_IN_HEAPDUMP] = "heapdump",
	                                      [HS_IN_GCTRACE] = "gctrace", [HS_IN_CORE] = "core"};
	json_begin_object(w);
	json_kv_string(w, "file", file);
	json_kv_string(w, "format", formats[f->kind]);
	json_key(w, "gzipped");
	json_bool(w, f->gzipped);
	if (f->zstd) {
		json_key(w, "zstd");
		json_bool(w, true);
	}
	json_kv_string(w, "kind", hs_input_kind_name(f->kind));
	kv_u(w, "bytes", f->input_bytes);
	kv_u(w, "decoded_bytes", f->decoded_bytes);
	switch (f->kind) {
	case HS_IN_TRACE: trace_json(w, &f->u.trace); break;
	case HS_IN_HEAPDUMP: heapdump_json(w, &f->u.heapdump); break;
	case HS_IN_GCTRACE: gctrace_json(w, &f->u.gctrace); break;
	default: core_json(w, &f->u.core); break;
	}
	json_end_object(w);
}
