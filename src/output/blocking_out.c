/* heapscope: the writers of blocking hotspots (blocking_out.h). */
#include <string.h>

#include "blocking_out.h"
#include "culprit_out.h"
#include "formats.h"
#include "heapscope/units.h"
#include "inputs_out.h"
#include "json.h"
#include "locks_out.h"
#include "pprof_text.h"
#include "wait_hint.h"

#define HOLDING_HINT                                                                       \
	"the holder's side (mutex profile): others waited this long for it to unlock; what "   \
	"runs between its Lock and Unlock is the cost"

/* One evidence line, cut at 511 bytes as the hotspots always were. */
static void evidence_text(FILE *out, const hs_hotspot *h, const hs_wait_evidence *ev)
{
	char line[512];
	long long n = (long long)ev->goroutines;
	if (ev->source == HS_SRC_CONTENTION) {
		char delay[64];
		hs_scaled_label(ev->delay_ns, "nanoseconds", "auto", delay, sizeof delay);
		snprintf(line, sizeof line, "%s: %lld contention%s, %s delay (waits that ended)",
		         ev->file, (long long)ev->contentions, out_plural(ev->contentions), delay);
	} else if (ev->source == HS_SRC_DUMP && ev->created >= 0) {
		/* a trace: what it saw created, beside those already there */
		snprintf(line, sizeof line,
		         "%s: %lld created in the trace window, %lld alive at its end [%s], waiting up "
		         "to %lld min",
		         ev->file, (long long)ev->created, n, ev->state, (long long)ev->wait_minutes);
	} else if (ev->source == HS_SRC_DUMP) {
		snprintf(line, sizeof line, "%s: %lld goroutine%s [%s]%s, waiting up to %lld min",
		         ev->file, n, out_plural(n), ev->state,
		         ev->grows_within  ? " (most in one dump; it grows dump to dump)"
		         : ev->snapshots > 1 ? " (most in one dump)" : "",
		         (long long)ev->wait_minutes);
	} else {
		snprintf(line, sizeof line, "%s: %lld goroutine%s in %s", ev->file, n, out_plural(n),
		         hs_wait_kind_name(h->kind));
	}
	fprintf(out, "   - %s\n", line);
}

static void hotspot_text(FILE *out, const hs_blocking *b, const hs_hotspot *h, size_t rank)
{
	fprintf(out, "\n%zu. %s  [%s%s%s]  %lld goroutine%s", rank, h->culprit,
	        hs_wait_kind_name(h->kind), h->side ? ", " : "", hs_lock_side_name(h->side),
	        (long long)h->goroutines, out_plural(h->goroutines));
	if (h->contentions || h->delay_ns) {
		char delay[64];
		hs_scaled_label(h->delay_ns, "nanoseconds", "auto", delay, sizeof delay);
		fprintf(out, ", %lld contention%s, %s delay", (long long)h->contentions,
		        out_plural(h->contentions), delay);
	}
	if (h->idle)
		fprintf(out, "  (idle: %s)", hs_idle_class_name(h->idle));
	char chain[512];
	fprintf(out, "\n   %s at %s\n", hs_wait_kind_name(h->kind),
	        out_chain_text(chain, sizeof chain, &h->chain) ? chain : h->culprit);
	for (size_t k = 0; k < hs_wait_evidence_vec_len(&h->evidence); k++)
		evidence_text(out, h, hs_wait_evidence_vec_at(&h->evidence, k));
	locks_ref_text(out, b, h);
	if (h->idle)
		fprintf(out, "   hint: %s\n", out_idle_hint(h->idle));
	else if (h->side == HS_SIDE_HOLDING)
		fprintf(out, "   hint: %s\n", HOLDING_HINT);
	else
		fprintf(out, "   hint: %s\n", out_wait_hint(h->kind));
}

/* Contention first; the idle waits (ranked last by the core) apart. */
static void write_text(FILE *out, const blocking_report *r)
{
	const hs_blocking *b = r->b;
	size_t n = hs_blocking_n(b), busy = 0;
	while (busy < n && !hs_blocking_at(b, busy)->idle)
		busy++;
	fprintf(out, "%zu blocking hotspot%s, most goroutines first\n", busy, busy == 1 ? "" : "s");
	for (size_t i = 0; i < busy; i++)
		hotspot_text(out, b, hs_blocking_at(b, i), i + 1);
	if (busy < n)
		fprintf(out, "\n%zu idle wait%s, normal in a long-lived service (listed apart)\n",
		        n - busy, n - busy == 1 ? "" : "s");
	for (size_t i = busy; i < n; i++)
		hotspot_text(out, b, hs_blocking_at(b, i), i + 1);
	locks_text(out, b);
}

static const char *source_name(hs_wait_source s)
{
	return s == HS_SRC_DUMP ? "dump" : s == HS_SRC_CONTENTION ? "contention" : "goroutine";
}

/* One record per file: its numbers by what the file is. */
static void evidence_json(json_w *w, const hs_hotspot *h)
{
	json_key(w, "evidence");
	json_begin_array(w);
	for (size_t k = 0; k < hs_wait_evidence_vec_len(&h->evidence); k++) {
		const hs_wait_evidence *ev = hs_wait_evidence_vec_at(&h->evidence, k);
		json_begin_object(w);
		json_kv_string(w, "file", ev->file);
		json_kv_string(w, "source", source_name(ev->source));
		if (ev->source == HS_SRC_CONTENTION) {
			json_kv_int(w, "contentions", ev->contentions);
			json_kv_int(w, "delay_ns", ev->delay_ns);
		} else {
			json_kv_int(w, "goroutines", ev->goroutines);
			json_kv_int(w, "snapshots", ev->snapshots);
			if (ev->grows_within)
				json_key(w, "grows_within"), json_bool(w, true);
		}
		if (ev->created >= 0)
			json_kv_int(w, "created_in_window", ev->created);
		if (ev->source == HS_SRC_DUMP) {
			json_kv_string(w, "state", ev->state);
			json_kv_int(w, "wait_minutes", ev->wait_minutes);
		}
		json_end_object(w);
	}
	json_end_array(w);
}

static void hotspot_json(json_w *w, const void *data, size_t i)
{
	const hs_hotspot *h = hs_blocking_at(data, i);
	json_begin_object(w);
	json_kv_string(w, "culprit", h->culprit);
	out_chain_json(w, &h->chain);
	json_kv_string(w, "kind", hs_wait_kind_name(h->kind));
	if (h->side)
		json_kv_string(w, "side", hs_lock_side_name(h->side));
	json_kv_int(w, "goroutines", h->goroutines);
	json_kv_int(w, "wait_minutes", h->wait_minutes);
	json_kv_int(w, "delay_ns", h->delay_ns);
	json_kv_int(w, "contentions", h->contentions);
	evidence_json(w, h);
	locks_ref_json(w, data, h);
	json_kv_string(w, "idle", hs_idle_class_name(h->idle));
	json_kv_string(w, "hint", h->idle ? out_idle_hint(h->idle)
	                         : h->side == HS_SIDE_HOLDING ? HOLDING_HINT : out_wait_hint(h->kind));
	json_end_object(w);
}

static void write_json(FILE *out, const blocking_report *r)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "hotspots");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_blocking_n(r->b); i++)
		hotspot_json(&w, r->b, i);
	json_end_array(&w);
	locks_json(&w, r->b);
	out_inputs_json(&w, r->inv, "blocking");
	json_end_object(&w);
	json_finish(&w);
}

static const blocking_format formats[] = {{"text", write_text}, {"json", write_json}};

OUT_FORMAT_EXPORTS(blocking_format, blocking, formats);
