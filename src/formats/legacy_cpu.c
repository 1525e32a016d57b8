/* Loader for the legacy binary CPU profile (doc/format-legacy-cpu.md).
 *
 * gperftools' CPU profiler and Go before 1.9 wrote it: five header words,
 * sample records of words, an end marker, then the text of
 * /proc/self/maps.  The loader rebuilds, step by step, what Go 1.19's
 * vendored pprof (profile/legacy_profile.go: parseCPU, ParseMemoryMap)
 * makes of it, because people compare heapscope with `go tool pprof`:
 * same location ids, same frames dropped, same mappings.  Where pprof
 * would invent data from a truncated file, this loader stops with an
 * error instead.  The maps text, the mapping heuristics and the id
 * remapping are shared with the text loaders (legacy_maps.c). */
#include <stdlib.h>
#include <string.h>

#include "heapscope/load.h"
#include "legacy_maps.h"

/* ---- words and header --------------------------------------------------- */

typedef struct wordfmt {
	unsigned size;   /* 4 or 8 bytes */
	bool big;        /* big-endian */
} wordfmt;

/* pprof tries the layouts in this order and keeps the first that fits. */
static const wordfmt word_formats[4] = {{4, false}, {4, true}, {8, false}, {8, true}};

static uint64_t get_word(const uint8_t *b, wordfmt f)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < f.size; i++)
		v |= (uint64_t)b[f.big ? f.size - 1 - i : i] << (8 * i);
	return v;
}

enum { HDR_NONE, HDR_CPP, HDR_JAVA };

/* Header: 0, 3 (header words), 0 for C++ or 1 for Java, the sampling
 * period in microseconds (non-zero), 0 (padding). */
static int header_kind(const uint8_t *d, size_t n, wordfmt *fmt, uint64_t *period)
{
	for (int i = 0; i < 4; i++) {
		wordfmt f = word_formats[i];
		uint64_t w[5];
		if (n < 5 * (size_t)f.size)
			continue;
		for (int k = 0; k < 5; k++)
			w[k] = get_word(d + (size_t)k * f.size, f);
		if (w[0] != 0 || w[1] != 3 || w[2] > 1 || w[3] == 0 || w[4] != 0)
			continue;
		*fmt = f;
		*period = w[3];
		return w[2] == 0 ? HDR_CPP : HDR_JAVA;
	}
	return HDR_NONE;
}

bool hs_legacy_cpu_detect(const uint8_t *data, size_t n)
{
	wordfmt f;
	uint64_t period;
	/* Java profiles share the header; they are claimed here so that the
	 * decoder can say why it refuses them. */
	return header_kind(data, n, &f, &period) != HDR_NONE;
}

/* ---- decoder state ------------------------------------------------------ */

typedef struct cpu_dec {
	hs_profile *p;
	hs_error *err;
	wordfmt fmt;
	bool java;           /* no return-address adjustment, Java frames */
	lm_frames frames;    /* one location per distinct address */
} cpu_dec;

static hs_err nomem(cpu_dec *d, size_t off)
{
	return hs_fail_at(d->err, HS_E_NOMEM, off, "out of memory");
}

/* ---- sample records ----------------------------------------------------- */

/* pprof keeps one location per distinct (adjusted) address. */
static hs_err frame_index(cpu_dec *d, uint64_t addr, size_t off, uint32_t *out)
{
	hs_err rc = lm_frame_index(&d->frames, addr, out);
	if (rc == HS_E_LIMIT)
		return hs_fail_at(d->err, HS_E_LIMIT, off, "too many distinct addresses");
	return rc ? nomem(d, off) : HS_OK;
}

/* Frames are leaf first.  All but the leaf are return addresses: pprof
 * subtracts 1 so that they fall inside the call instruction (0 wraps to
 * 2^64-1, as in Go), except in Java profiles, whose "addresses" are ids
 * of the location lines.  The stack holds frame indices until ids exist. */
static hs_err add_sample(cpu_dec *d, const uint8_t *frames, uint64_t depth,
                         uint64_t count, size_t off)
{
	hs_profile *p = d->p;
	int64_t *v = hs_profile_begin_sample(p);
	hs_err rc;
	if (!v)
		return nomem(d, off);
	/* Go's int64 arithmetic wraps; unsigned arithmetic does the same here. */
	v[0] = (int64_t)count;
	v[1] = (int64_t)(count * (uint64_t)p->period);
	for (uint64_t i = 0; i < depth; i++) {
		size_t at = off + (size_t)i * d->fmt.size;
		uint64_t addr = get_word(frames + (size_t)i * d->fmt.size, d->fmt) - (i > 0 && !d->java);
		uint32_t fi = 0;
		if ((rc = frame_index(d, addr, at, &fi)))
			return rc;
		if (hs_profile_push_location(p, fi))
			return hs_fail_at(d->err, HS_E_LIMIT, at, "too many stack entries");
	}
	if (hs_profile_end_sample(p))
		return nomem(d, off);
	return HS_OK;
}

/* Records are {count, depth, depth addresses}; {0, 1, 0} ends them and the
 * maps text follows.  Without the marker the records run to the end. */
static hs_err read_samples(cpu_dec *d, const uint8_t *data, size_t n, size_t *pos)
{
	size_t w = d->fmt.size, off = *pos;
	hs_err rc;
	while (off < n) {
		if (n - off < 2 * w)
			return hs_fail_at(d->err, HS_E_TRUNCATED, off,
			                  "sample record cut short: %zu bytes left, %zu needed for its "
			                  "count and depth", n - off, 2 * w);
		uint64_t count = get_word(data + off, d->fmt), depth = get_word(data + off + w, d->fmt);
		size_t body = off + 2 * w;
		/* Checked against the bytes present before anything is read or
		 * allocated by it. */
		if (depth > (n - body) / w)
			return hs_fail_at(d->err, HS_E_TRUNCATED, off + w,
			                  "sample record claims %llu frames but only %zu bytes remain",
			                  (unsigned long long)depth, n - body);
		off = body + (size_t)depth * w;
		if (count == 0 && depth == 1 && get_word(data + body, d->fmt) == 0)
			break;
		if ((rc = add_sample(d, data + body, depth, count, body)))
			return rc;
	}
	*pos = off;
	return HS_OK;
}

/* ---- stack surgery ------------------------------------------------------ */

static bool second_is(const void *ctx, const uint32_t *stk)
{
	return stk[1] == *(const uint32_t *)ctx;
}

/* A frame pushed by the signal handler sits just above the leaf in nearly
 * every sample: when one address is frame 1 in all samples but one in 32,
 * pprof removes it, twice.  At most one address can qualify, so Go's
 * random map order does not matter. */
static hs_err strip_signal_frames(cpu_dec *d)
{
	hs_profile *p = d->p;
	size_t ns = p->nsamples, need = ns - ns / 32;
	size_t *seen = ns ? calloc(d->frames.addrs.len + 1, sizeof *seen) : NULL;
	if (ns && !seen)
		return nomem(d, 0);
	for (int iter = 0; iter < 2 && ns; iter++) {
		const uint32_t *st = p->stack.data, *off = p->stack_off.data;
		memset(seen, 0, (d->frames.addrs.len + 1) * sizeof *seen);
		for (size_t s = 0; s < ns; s++) {
			uint32_t id = hs_sample_stack_id(p, s);
			if (off[id + 1] - off[id] > 1)
				seen[st[off[id] + 1]]++;
		}
		for (uint32_t i = 0; i < d->frames.addrs.len; i++) {
			if (seen[i] && seen[i] >= need) {
				lm_drop_second_frames(p, second_is, &i);
				break;
			}
		}
	}
	free(seen);
	return HS_OK;
}

/* pprof's list for CPU profiles (legacy_profile.go: cpuProfilerRxStr). */
static const char cpu_profiler_rx[] = "ProfileData::Add|ProfileData::prof_handler|"
                                      "CpuProfiler::prof_handler|__pthread_sighandler|__restore";

/* ---- entry point -------------------------------------------------------- */

static hs_err set_types(hs_profile *p, uint64_t period_us)
{
	static const char *const names[4] = {"samples", "count", "cpu", "nanoseconds"};
	hs_str s[4];
	if (hs_profile_add_string(p, "", 0) == HS_NONE)
		return HS_E_NOMEM;
	for (int i = 0; i < 4; i++)
		if ((s[i] = hs_profile_intern(p, names[i], strlen(names[i]))) == HS_NONE)
			return HS_E_NOMEM;
	hs_value_type *vt = hs_vec_push(&p->sample_types, 2);
	p->drop_frames = hs_profile_intern(p, cpu_profiler_rx, sizeof cpu_profiler_rx - 1);
	if (!vt || p->drop_frames == HS_NONE)
		return HS_E_NOMEM;
	vt[0] = (hs_value_type){s[0], s[1]};
	vt[1] = (hs_value_type){s[2], s[3]};
	p->period_type = vt[1];
	p->period = (int64_t)(period_us * 1000);   /* wraps as Go's int64 does */
	return HS_OK;
}

static hs_err decode(cpu_dec *d, const uint8_t *data, size_t n)
{
	hs_profile *p = d->p;
	uint64_t period;
	hs_err rc;
	int kind = header_kind(data, n, &d->fmt, &period);
	if (kind == HDR_NONE)
		return hs_fail_at(d->err, HS_E_FORMAT, 0, "not a legacy CPU profile (no header words 0, 3, 0, period, 0)");
	if (set_types(p, period))
		return nomem(d, 0);
	size_t off = 5 * (size_t)d->fmt.size;
	d->java = kind == HDR_JAVA;
	if (d->java) {   /* javaCPUProfile: samples, then Java location lines */
		if ((rc = read_samples(d, data, n, &off)) ||
		    (rc = lt_java_locations(p, &d->frames, data, n, off, d->err)))
			return rc;
		p->format = HS_FMT_LEGACY_CPU;
		return hs_profile_finish(p, d->err);
	}
	if ((rc = read_samples(d, data, n, &off)) || (rc = strip_signal_frames(d)) ||
	    (rc = lm_read_maps(p, d->err, data, n, off, 0)) ||
	    (rc = lm_massage_mappings(p, d->err)) ||
	    (rc = lm_assign_location_ids(p, &d->frames, d->err)) ||
	    (rc = lm_attach_mappings(p, d->err)))
		return rc;
	lm_drop_second_frames(p, lm_duplicate_leaf, p);
	p->format = HS_FMT_LEGACY_CPU;
	return hs_profile_finish(p, d->err);
}

hs_err hs_legacy_cpu_decode(hs_profile *p, const uint8_t *data, size_t n, hs_error *err)
{
	cpu_dec d = {.p = p, .err = err};
	if (n == 0)
		return hs_fail_at(err, HS_E_EMPTY, 0, "empty profile (no bytes)");
	if (!lm_frames_init(&d.frames))
		return hs_fail_at(err, HS_E_NOMEM, 0, "out of memory");
	hs_err rc = decode(&d, data, n);
	lm_frames_release(&d.frames);
	return rc;
}
