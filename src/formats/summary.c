/* heapscope: a few numbers about a file that is no profile (summary.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "heapscope/core.h"
#include "heapscope/gctrace.h"
#include "heapscope/heapdump.h"
#include "heapscope/load.h"
#include "heapscope/summary.h"
#include "heapscope/trace_analysis.h"

bool hs_file_facts_kind(hs_input_kind kind)
{
	return kind == HS_IN_TRACE || kind == HS_IN_HEAPDUMP || kind == HS_IN_GCTRACE ||
	       kind == HS_IN_CORE;
}

static void input_facts(hs_file_facts *f, const hs_input *in)
{
	f->gzipped = in->compressed && !in->zstd;
	f->zstd = in->zstd;
	f->input_bytes = in->file_bytes;
	f->decoded_bytes = in->len;
}

static hs_err trace_facts(hs_file_facts *f, hs_input *in, hs_error *err)
{
	hs_profile stacks;
	hs_trace_summary s;
	hs_trace_info info;
	memset(&info, 0, sizeof info);
	hs_profile_init(&stacks);
	hs_trace_summary_init(&s, &stacks);
	hs_err rc = hs_trace_load(in, &stacks, hs_trace_summary_event, &s, &info, err);
	if (rc == HS_OK)
		rc = hs_trace_summary_finish(&s, info.duration_ns, err);
	if (rc == HS_OK) {
		hs_trace_facts *t = &f->u.trace;
		*t = (hs_trace_facts){.version = info.go_version, .duration_ns = info.duration_ns,
		                      .events = info.events, .generations = info.generations,
		                      .created = s.created, .at_start = s.at_start,
		                      .existing = s.existing, .ended = s.ended, .gcs = s.gc_count,
		                      .truncated = info.truncated, .truncated_at = info.truncated_at};
	}
	hs_trace_summary_release(&s);
	hs_profile_release(&stacks);
	return rc;
}

static hs_err gctrace_facts(hs_file_facts *f, hs_input *in, hs_error *err)
{
	hs_gctrace t;
	hs_gctrace_init(&t);
	hs_input_wait(in, SIZE_MAX);
	hs_err rc = hs_input_error(in, err);
	if (rc == HS_OK)
		rc = hs_gctrace_parse(&t, in->data, in->len, true, err);
	size_t n = t.gcs.len;
	if (rc == HS_OK && n) {
		hs_gctrace_facts *g = &f->u.gctrace;
		const hs_gc *a = hs_gctrace_gc(&t, 0), *z = hs_gctrace_gc(&t, n - 1);
		*g = (hs_gctrace_facts){.gcs = n, .runs = hs_gctrace_nruns(&t), .first_gc = a->num,
		                        .last_gc = z->num, .start_s = a->at_s, .end_s = z->at_s,
		                        .live_first = a->heap_live, .live_last = z->heap_live,
		                        .cpu_percent = z->cpu_percent, .other_lines = t.other_lines};
		for (size_t i = 0; i < n; i++) {
			const hs_gc *c = hs_gctrace_gc(&t, i);
			g->forced += c->forced;
			if (c->heap_live > g->live_max)
				g->live_max = c->heap_live;
		}
	}
	hs_gctrace_release(&t);
	return rc;
}

static hs_err heapdump_facts(hs_file_facts *f, const char *path, hs_error *err)
{
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_err rc = hs_heapdump_load(&h, path, err);
	if (rc == HS_OK) {
		hs_heapdump_facts *d = &f->u.heapdump;
		snprintf(d->go_version, sizeof d->go_version, "%s", h.go_version ? h.go_version : "");
		snprintf(d->arch, sizeof d->arch, "%s", h.arch ? h.arch : "");
		d->objects = h.nobjects;
		d->object_bytes = h.total_bytes;
		d->goroutines = h.goroutines.len;
		for (size_t i = 0; i < h.goroutines.len; i++)
			d->system_goroutines += HS_VEC_AT(&h.goroutines, hs_hd_goroutine, i).system;
		d->roots = h.roots.len;
		for (size_t i = 0; i < h.roots.len; i++) {
			uint8_t k = HS_VEC_AT(&h.roots, hs_hd_root, i).kind;
			if (k < sizeof d->root_kinds / sizeof d->root_kinds[0])
				d->root_kinds[k]++;
		}
		f->gzipped = strcmp(h.compression, "gzip") == 0;
		f->zstd = strcmp(h.compression, "zstd") == 0;
		f->decoded_bytes = h.input_bytes;
	}
	hs_heapdump_release(&h);
	struct stat st;
	if (rc == HS_OK && strcmp(path, "-") != 0 && stat(path, &st) == 0)
		f->input_bytes = (uint64_t)st.st_size;
	return rc;
}

static void copy_name(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* The core's heap profile in numbers: its sample types and totals (as
 * runtime/pprof would scale them), samples and period.  A profile that
 * cannot be read is no error of the core: h->error says why. */
static void core_heap_facts(hs_core_heap_facts *h, hs_core *c)
{
	memset(h, 0, sizeof *h);
	hs_error_clear(&h->error);
	hs_profile p;
	hs_profile_init(&p);
	hs_err rc = hs_core_heap_profile(c, &p, &h->error);
	if (rc == HS_OK && hs_ntypes(&p) > HS_CORE_HEAP_TYPES)
		rc = hs_fail(&h->error, HS_E_FORMAT, "%zu sample types", hs_ntypes(&p));
	if (rc == HS_OK) {
		h->read = true;
		/* as go tool pprof counts them: all-zero samples (buckets no GC
		 * has published yet) left out */
		for (size_t k = 0; k < p.nsamples; k++) {
			const int64_t *v = hs_sample_values(&p, k);
			bool any = false;
			for (size_t t = 0; t < hs_ntypes(&p); t++)
				any |= v[t] != 0;
			h->samples += any;
		}
		h->ntypes = (int)hs_ntypes(&p);
		h->default_type = h->ntypes ? hs_profile_default_index(&p) : -1;
		for (int i = 0; i < h->ntypes; i++) {
			const hs_value_type *vt = hs_sample_type(&p, (size_t)i);
			copy_name(h->type[i], sizeof h->type[i], hs_s(&p, vt->type));
			copy_name(h->unit[i], sizeof h->unit[i], hs_s(&p, vt->unit));
			h->total[i] = hs_profile_total(&p, i);
		}
		copy_name(h->period_type, sizeof h->period_type, hs_s(&p, p.period_type.type));
		copy_name(h->period_unit, sizeof h->period_unit, hs_s(&p, p.period_type.unit));
		h->period = p.period;
	}
	hs_profile_release(&p);
}

/* A core read with its executable: its threads and goroutines.  What is
 * wrong with either file is the core's error (a core is no "not a
 * profile"), the executable's named. */
static hs_err core_facts(hs_file_facts *f, hs_input *in, const char *exe, hs_error *err)
{
	hs_input mine = *in;
	memset(in, 0, sizeof *in);
	if (!exe) {
		hs_input_release(&mine);
		return HS_OK;
	}
	hs_core *c;
	hs_core_side side;
	hs_err rc = hs_core_open_input(&c, &mine, exe, &side, err);
	if (rc != HS_OK) {
		if (side == HS_CORE_SIDE_EXE) {
			char what[sizeof err->detail];
			memcpy(what, err->detail, sizeof what);
			hs_error_clear(err);
			return hs_fail(err, rc == HS_E_FORMAT ? HS_E_INVALID : rc, "--exe '%.60s': %.170s",
			               exe, what);
		}
		return rc == HS_E_FORMAT ? (err->code = HS_E_INVALID) : rc;
	}
	hs_profile p;
	hs_profile_init(&p);
	rc = hs_core_goroutines(c, &p, err);
	if (rc == HS_OK) {
		f->u.core = (hs_core_facts){.read = true, .threads = hs_core_nthreads(c),
		                            .goroutines = (uint64_t)hs_profile_total(&p, 0)};
		core_heap_facts(&f->u.core.heap, c);
	}
	hs_profile_release(&p);
	hs_core_close(c);
	return rc == HS_E_FORMAT ? (err->code = HS_E_INVALID) : rc;
}

hs_err hs_file_facts_read(hs_file_facts *f, hs_input *in, const char *path, hs_input_kind kind,
                          const char *exe, hs_error *err)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	if (!hs_file_facts_kind(kind))
		return hs_fail(err, HS_E_USAGE, "not a trace, heap dump, gctrace log or core");
	if (kind == HS_IN_HEAPDUMP)
		return heapdump_facts(f, path, err);
	hs_err rc = HS_OK;
	switch (kind) {
	case HS_IN_TRACE:
		rc = trace_facts(f, in, err);
		input_facts(f, in);
		break;
	case HS_IN_GCTRACE:
		rc = gctrace_facts(f, in, err);
		input_facts(f, in);
		break;
	default: {
		/* the core reader takes the input over: its sizes first (the
		 * decoded size is the core's, read as it goes) */
		hs_input_wait(in, 4096);
		input_facts(f, in);
		rc = core_facts(f, in, exe, err);
		f->decoded_bytes = 0;
		break;
	}
	}
	return rc;
}
