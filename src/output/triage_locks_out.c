/* heapscope triage: the words of a lock contention finding
 * (heapscope/triage.h, hs_triage_lock), for every writer. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/units.h"

#include "escape.h"
#include "locks_out.h"
#include "pprof_text.h"
#include "triage_out.h"

const hs_lock_site *triage_lock_site(const triage_report *r, const hs_triage_lock *l)
{
	return hs_blocking_site(hs_triage_blocking(r->t), l->site);
}

/* The function to fix: the holder, else the waiters. */
const char *triage_lock_culprit(const triage_report *r, const hs_triage_lock *l)
{
	const hs_lock_site *s = triage_lock_site(r, l);
	return l->hold_op ? s->part[l->hold_op].func : s->part[l->wait_op].func;
}

static bool read_op(hs_lock_op op)
{
	return op == HS_LOCK_OP_RLOCK || op == HS_LOCK_OP_RUNLOCK;
}

/* ", in the section: F 1.13s, G 20ms (FILE)": the holder's CPU, at most 3. */
static size_t section_cpu(const hs_lock_site *s, const hs_triage_lock *l, char *buf, size_t n)
{
	const char *holder = l->hold_op ? s->part[l->hold_op].func : NULL;
	size_t o = 0, shown = 0;
	char d[64];
	for (size_t i = 0; holder && i < hs_lock_cpu_vec_len(&s->cpu) && shown < 3 && o < n; i++) {
		const hs_lock_cpu *c = hs_lock_cpu_vec_at(&s->cpu, i);
		if (!locks_cpu_in_section(c, holder, read_op(l->hold_op)))
			continue;
		o += (size_t)snprintf(buf + o, n - o, "%s%s %s", shown++ ? ", " : "; in the section: ",
		                      c->callee == c->holder ? "itself" : c->callee, out_dur(c->cpu_ns, d, sizeof d));
	}
	if (shown && o < n)
		o += (size_t)snprintf(buf + o, n - o, " CPU (%s)", s->cpu_file);
	return o;
}

/* "20 goroutines wait in F (RLock) for RWMutex SITE, held by G (Lock); in
 * the section: ..." */
void triage_lock_mechanism(const triage_report *r, const hs_triage_lock *l, char *buf, size_t n)
{
	const hs_lock_site *s = triage_lock_site(r, l);
	const hs_lock_part *w = &s->part[l->wait_op];
	size_t o;
	if (l->now)
		o = (size_t)snprintf(buf, n, "%" PRId64 " goroutine%s wait", l->now, l->now == 1 ? "" : "s");
	else
		o = (size_t)snprintf(buf, n, "goroutines waited");
	if (o < n)
		o += (size_t)snprintf(buf + o, n - o, " in %s (%s) for %s %s %s", w->func,
		                      hs_lock_op_name(l->wait_op), s->by_receiver ? "the" : "a",
		                      s->rw ? "RWMutex" : "Mutex", s->by_receiver ? "" : "of package ");
	if (o < n)
		o += (size_t)snprintf(buf + o, n - o, "%s", s->site);
	if (l->hold_op && o < n)
		o += (size_t)snprintf(buf + o, n - o, ", held by %s (%s lock, released in %s)",
		                      s->part[l->hold_op].func, read_op(l->hold_op) ? "read" : "write",
		                      hs_lock_op_name(l->hold_op));
	if (o < n)
		section_cpu(s, l, buf + o, n - o);
}

void triage_lock_numbers(const hs_triage_lock *l, char *buf, size_t n)
{
	char a[64], b[64];
	size_t o;
	if (l->load >= 0)
		o = (size_t)snprintf(buf, n, "%.1f goroutines blocked on average: %s waited in %s of wall "
		                     "time, contentions %" PRId64 " -> %" PRId64 " (block profiles)", l->load,
		                     out_dur(l->delay_ns - l->first_delay_ns, a, 64), out_dur(l->span_ns, b, 64),
		                     l->first_contentions, l->contentions);
	else
		o = (size_t)snprintf(buf, n, "%" PRId64 " contentions, %s waited (block profile)",
		                     l->contentions, out_dur(l->delay_ns, a, 64));
	if (l->nsnapshots && o < n)
		o += (size_t)snprintf(buf + o, n - o, "; %" PRId64 " waiting now in %zu of %zu snapshots",
		                      l->now, l->snapshots, l->nsnapshots);
	if (l->hold_op && l->hold_delay_ns && o < n)
		snprintf(buf + o, n - o, "; holder: %" PRId64 " contentions, %s waited for its %s (mutex profile)",
		         l->hold_contentions, out_dur(l->hold_delay_ns, a, 64), hs_lock_op_name(l->hold_op));
}

const char *triage_lock_hint(void)
{
	return "shorten what runs under the lock (move the work out of the critical section, "
	       "or build aside and swap), or split the lock";
}

void triage_lock_evidence_text(FILE *out, const triage_report *r, const hs_triage_lock *l)
{
	char a[64];
	const hs_lock_site *s = triage_lock_site(r, l);
	for (size_t k = 0; k < l->nev; k++) {
		const hs_triage_lock_ev *e = &l->ev[k];
		fprintf(out, "   %s ", k ? "        " : "evidence:");
		esc_term(out, e->file);
		if (e->source != HS_SRC_CONTENTION)
			fprintf(out, ": %" PRId64 " waiting now\n", e->goroutines);
		else
			fprintf(out, ": %" PRId64 " contentions, %s %s\n", e->contentions,
			        out_dur(e->delay_ns, a, 64),
			        e->side == HS_SIDE_HOLDING ? "others waited for its unlock" : "waited");
	}
	char line[400];
	if (!section_cpu(s, l, line, sizeof line))
		return;
	fputs("   ", out);
	esc_term(out, line + 2);   /* past "; " */
	fputc('\n', out);
}

void triage_lock_json(json_w *w, const triage_report *r, const hs_triage_lock *l)
{
	const hs_lock_site *s = triage_lock_site(r, l);
	json_kv_string(w, "site", s->site);
	json_kv_string(w, "lock", s->rw ? "RWMutex" : "Mutex");
	json_kv_string(w, "waiting", s->part[l->wait_op].func);
	json_kv_string(w, "waiting_op", hs_lock_op_name(l->wait_op));
	json_kv_string(w, "holder", l->hold_op ? s->part[l->hold_op].func : "");
	json_kv_string(w, "holder_op", hs_lock_op_name(l->hold_op));
	json_kv_int(w, "holder_contentions", l->hold_contentions);
	json_kv_int(w, "holder_delay_ns", l->hold_delay_ns);
	json_kv_int(w, "waiting_now", l->now);
	json_kv_int(w, "snapshots_waiting", (int64_t)l->snapshots);
	json_kv_int(w, "snapshots", (int64_t)l->nsnapshots);
	json_kv_int(w, "contentions_first", l->first_contentions);
	json_kv_int(w, "contentions", l->contentions);
	json_kv_int(w, "delay_ns_first", l->first_delay_ns);
	json_kv_int(w, "delay_ns", l->delay_ns);
	json_kv_int(w, "span_ns", l->span_ns);
	json_key(w, "load");
	if (l->load >= 0)
		json_double(w, l->load);
	else
		json_null(w);
	json_key(w, "cpu_in_section");
	json_begin_array(w);
	const char *holder = l->hold_op ? s->part[l->hold_op].func : NULL;
	for (size_t i = 0; holder && i < hs_lock_cpu_vec_len(&s->cpu); i++) {
		const hs_lock_cpu *c = hs_lock_cpu_vec_at(&s->cpu, i);
		if (!locks_cpu_in_section(c, holder, read_op(l->hold_op)))
			continue;
		json_begin_object(w);
		json_kv_string(w, "file", s->cpu_file);
		json_kv_string(w, "callee", c->callee);
		json_kv_int(w, "samples", c->samples);
		json_kv_int(w, "cpu_ns", c->cpu_ns);
		json_end_object(w);
	}
	json_end_array(w);
	json_key(w, "evidence");
	json_begin_array(w);
	for (size_t k = 0; k < l->nev; k++) {
		const hs_triage_lock_ev *e = &l->ev[k];
		json_begin_object(w);
		json_kv_string(w, "file", e->file);
		json_kv_string(w, "side", e->source != HS_SRC_CONTENTION ? "waiting now"
		                          : e->side == HS_SIDE_HOLDING ? "holding" : "waiting");
		if (e->source != HS_SRC_CONTENTION) {
			json_kv_int(w, "goroutines", e->goroutines);
		} else {
			json_kv_int(w, "contentions", e->contentions);
			json_kv_int(w, "delay_ns", e->delay_ns);
		}
		json_end_object(w);
	}
	json_end_array(w);
}
