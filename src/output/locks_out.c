/* heapscope: the lock sites of `heapscope blocking` in words and JSON
 * (locks_out.h).  Waiting is a block profile's delay (or goroutines in a
 * dump), holding a mutex profile's delay at the release (the time others
 * waited for it) or goroutines inside the critical section; the two are
 * named apart and never summed. */
#include <string.h>

#include "locks_out.h"
#include "heapscope/units.h"
#include "pprof_text.h"

static bool is_waiting(hs_lock_op op)
{
	return op == HS_LOCK_OP_LOCK || op == HS_LOCK_OP_RLOCK;
}

/* "12 readers waiting 10.83s (block profile delay) in F (RLock)" */
static void waiting_phrase(FILE *out, const hs_lock_site *s, hs_lock_op op)
{
	const hs_lock_part *p = &s->part[op];
	const char *who = !s->rw ? "goroutine" : op == HS_LOCK_OP_RLOCK ? "reader" : "writer";
	char d[64];
	if (p->goroutines)
		fprintf(out, "%lld %s%s ", (long long)p->goroutines, who, out_plural(p->goroutines));
	else
		fprintf(out, "%ss ", who);
	fprintf(out, "waiting %s (block profile delay) in %s (%s)", out_dur(p->delay_ns, d, sizeof d),
	        p->func, hs_lock_op_name(op));
}

/* The one line that links the sides: the waiters, then the holder. */
static void site_headline(FILE *out, const hs_lock_site *s)
{
	hs_lock_op wait = s->rw && s->part[HS_LOCK_OP_RLOCK].func ? HS_LOCK_OP_RLOCK : HS_LOCK_OP_LOCK;
	const hs_lock_part *rel = &s->part[HS_LOCK_OP_UNLOCK];
	const char *holder = rel->func ? rel->func
	                     : s->rw && wait == HS_LOCK_OP_RLOCK ? s->part[HS_LOCK_OP_LOCK].func : NULL;
	bool sep = false;
	fprintf(out, "%s %s: ", s->rw ? "RWMutex" : "Mutex", s->site);
	if (s->part[wait].func) {
		waiting_phrase(out, s, wait);
		sep = true;
	}
	if (holder) {
		char d[64];
		fprintf(out, "%s%s in %s (Lock)", sep ? ", " : "", s->rw ? "writer holds" : "held",
		        holder);
		if (rel->func)
			fprintf(out, " %s (mutex profile delay at Unlock)", out_dur(rel->delay_ns, d, sizeof d));
		sep = true;
	}
	if (!sep)
		fprintf(out, "readers release in %s (RUnlock)", s->part[HS_LOCK_OP_RUNLOCK].func);
	fputc('\n', out);
}

static void part_line(FILE *out, const hs_lock_part *p, hs_lock_op op)
{
	bool wait = is_waiting(op);
	char d[64];
	fprintf(out, "   %s %-7s %s:", wait ? "waiting" : "holding", hs_lock_op_name(op), p->func);
	if (p->nfuncs > 1)
		fprintf(out, " (and %u more function%s)", p->nfuncs - 1, out_plural(p->nfuncs - 1));
	if (p->goroutines)
		fprintf(out, " %lld goroutine%s %s in one dump,", (long long)p->goroutines,
		        out_plural(p->goroutines), wait ? "waiting" : "inside the critical section");
	if (p->contentions || p->delay_ns)
		fprintf(out, " %lld contention%s, %s delay (%s)", (long long)p->contentions,
		        out_plural(p->contentions), out_dur(p->delay_ns, d, sizeof d),
		        wait ? "block profile: time waited" : "mutex profile: time others waited for it");
	fputc('\n', out);
}

static void cpu_lines(FILE *out, const hs_lock_site *s)
{
	for (int read = 0; read < 2; read++) {
		char d[64];
		if (!s->cpu_ns[read])
			continue;
		fprintf(out, "   cpu under the %s lock (%s): %s\n", read ? "read" : "write", s->cpu_file,
		        out_dur(s->cpu_ns[read], d, sizeof d));
		for (size_t i = 0, shown = 0; i < hs_lock_cpu_vec_len(&s->cpu) && shown < 5; i++) {
			const hs_lock_cpu *c = hs_lock_cpu_vec_at(&s->cpu, i);
			if (c->read != (read == 1))
				continue;
			shown++;
			fprintf(out, "   - %s%s%s: %s, %lld sample%s\n", c->holder,
			        c->callee == c->holder ? " itself" : " -> ",
			        c->callee == c->holder ? "" : c->callee, out_dur(c->cpu_ns, d, sizeof d),
			        (long long)c->samples, out_plural(c->samples));
		}
	}
}

void locks_text(FILE *out, const hs_blocking *b)
{
	size_t n = hs_blocking_nsites(b);
	if (!n)
		return;
	fprintf(out, "\n%zu lock site%s: who waits, who holds (a site is the receiver type, else the "
	             "package, of the function taking the lock; profiles carry no lock address)\n",
	        n, out_plural((int64_t)n));
	for (size_t i = 0; i < n; i++) {
		const hs_lock_site *s = hs_blocking_site(b, i);
		fprintf(out, "\n%zu. ", i + 1);
		site_headline(out, s);
		static const hs_lock_op order[] = {HS_LOCK_OP_RLOCK, HS_LOCK_OP_LOCK, HS_LOCK_OP_UNLOCK,
		                                   HS_LOCK_OP_RUNLOCK};
		for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
			if (s->part[order[k]].func)
				part_line(out, &s->part[order[k]], order[k]);
		cpu_lines(out, s);
	}
}

static void part_json(json_w *w, const hs_lock_part *p, hs_lock_op op)
{
	json_begin_object(w);
	json_kv_string(w, "op", hs_lock_op_name(op));
	json_kv_string(w, "side", is_waiting(op) ? "waiting" : "holding");
	json_kv_string(w, "func", p->func);
	json_kv_int(w, "functions", p->nfuncs);
	json_kv_int(w, "goroutines", p->goroutines);
	json_kv_int(w, "contentions", p->contentions);
	json_kv_int(w, "delay_ns", p->delay_ns);
	json_end_object(w);
}

/* Waiters and a holder both shown: readers and a writer (RWMutex), or
 * Lock waits and an Unlock (Mutex). */
static bool linked(const hs_lock_site *s)
{
	const hs_lock_part *p = s->part;
	if (s->rw)
		return p[HS_LOCK_OP_RLOCK].func && (p[HS_LOCK_OP_LOCK].func || p[HS_LOCK_OP_UNLOCK].func);
	return p[HS_LOCK_OP_LOCK].func && p[HS_LOCK_OP_UNLOCK].func;
}

static void site_json(json_w *w, const hs_lock_site *s)
{
	json_begin_object(w);
	json_kv_string(w, "site", s->site);
	json_kv_string(w, "site_is", s->by_receiver ? "receiver" : "package");
	json_kv_string(w, "lock", s->rw ? "RWMutex" : "Mutex");
	json_key(w, "linked");
	json_bool(w, linked(s));
	json_key(w, "parts");
	json_begin_array(w);
	for (int op = HS_LOCK_OP_LOCK; op < HS_LOCK_NOPS; op++)
		if (s->part[op].func)
			part_json(w, &s->part[op], (hs_lock_op)op);
	json_end_array(w);
	json_kv_int(w, "cpu_write_ns", s->cpu_ns[0]);
	json_kv_int(w, "cpu_read_ns", s->cpu_ns[1]);
	json_key(w, "cpu_under_lock");
	json_begin_array(w);
	for (size_t i = 0; i < hs_lock_cpu_vec_len(&s->cpu); i++) {
		const hs_lock_cpu *c = hs_lock_cpu_vec_at(&s->cpu, i);
		json_begin_object(w);
		json_kv_string(w, "file", s->cpu_file);
		json_kv_string(w, "holder", c->holder);
		json_kv_string(w, "lock", c->read ? "read" : "write");
		json_kv_string(w, "callee", c->callee);
		json_kv_int(w, "samples", c->samples);
		json_kv_int(w, "cpu_ns", c->cpu_ns);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

void locks_json(json_w *w, const hs_blocking *b)
{
	json_key(w, "lock_sites");
	json_begin_array(w);
	for (size_t i = 0; i < hs_blocking_nsites(b); i++)
		site_json(w, hs_blocking_site(b, i));
	json_end_array(w);
}

/* The operation a holder's code does: Lock for the write lock released
 * by Unlock, RLock for RUnlock. */
static const char *taken_with(hs_lock_op op)
{
	return op == HS_LOCK_OP_UNLOCK ? "Lock" : op == HS_LOCK_OP_RUNLOCK ? "RLock"
	                                                                  : hs_lock_op_name(op);
}

/* The holder of a link: the other side's function when h waits, else h's. */
static const char *link_holder(const hs_lock_site *s, const hs_hotspot *h, hs_lock_op op,
                               hs_lock_op other, bool *read)
{
	bool waits = is_waiting(op);
	hs_lock_op hop = waits ? other : op;
	*read = hop == HS_LOCK_OP_RLOCK || hop == HS_LOCK_OP_RUNLOCK;
	return waits ? (other ? s->part[other].func : NULL) : h->culprit;
}

bool locks_cpu_in_section(const hs_lock_cpu *c, const char *holder, bool read)
{
	return c->read == read && strcmp(c->holder, holder) == 0;
}

/* "; in the section (FILE): F 1.13s, G 20ms" for holder's CPU, at most 3. */
static void section_cpu_text(FILE *out, const hs_lock_site *s, const char *holder, bool read)
{
	size_t shown = 0;
	for (size_t i = 0; holder && i < hs_lock_cpu_vec_len(&s->cpu) && shown < 3; i++) {
		const hs_lock_cpu *c = hs_lock_cpu_vec_at(&s->cpu, i);
		char d[64];
		if (!locks_cpu_in_section(c, holder, read))
			continue;
		fprintf(out, "%s%s %s", shown++ ? ", " : "; in the section: ",
		        c->callee == c->holder ? "itself" : c->callee, out_dur(c->cpu_ns, d, sizeof d));
	}
	if (shown)
		fprintf(out, " (%s)", s->cpu_file);
}

/* A lock hotspot's link: the other side named with its numbers, what runs
 * inside the section, then the site's number below. */
void locks_ref_text(FILE *out, const hs_blocking *b, const hs_hotspot *h)
{
	hs_lock_op op, other;
	int64_t i = hs_blocking_lock_link(b, h, &op, &other);
	if (i < 0)
		return;
	const hs_lock_site *s = hs_blocking_site(b, (size_t)i);
	bool read;
	const char *holder = link_holder(s, h, op, other, &read);
	if (other) {
		const hs_lock_part *p = &s->part[other];
		char d[64];
		fprintf(out, "   %s %s (%s):", is_waiting(op) ? "held by" : "waited for by", p->func,
		        taken_with(other));
		if (p->goroutines)
			fprintf(out, " %lld goroutine%s %s in one dump,", (long long)p->goroutines,
			        out_plural(p->goroutines), is_waiting(other) ? "waiting" : "inside the section");
		fprintf(out, " %lld contention%s, %s delay (%s)", (long long)p->contentions,
		        out_plural(p->contentions), out_dur(p->delay_ns, d, sizeof d),
		        is_waiting(other) ? "block profile" : "mutex profile, at its Unlock");
		section_cpu_text(out, s, holder, read);
		fputc('\n', out);
	} else if (holder) {
		fprintf(out, "   holds the lock");
		section_cpu_text(out, s, holder, read);
		fputc('\n', out);
	}
	fprintf(out, "   lock site %lld below: %s %s%s\n", (long long)i + 1, s->rw ? "RWMutex" : "Mutex",
	        s->by_receiver ? "" : "of package ", s->site);
}

static void section_cpu_json(json_w *w, const hs_lock_site *s, const char *holder, bool read)
{
	json_key(w, "cpu_in_section");
	json_begin_array(w);
	for (size_t i = 0; holder && i < hs_lock_cpu_vec_len(&s->cpu); i++) {
		const hs_lock_cpu *c = hs_lock_cpu_vec_at(&s->cpu, i);
		if (!locks_cpu_in_section(c, holder, read))
			continue;
		json_begin_object(w);
		json_kv_string(w, "name", c->callee);
		json_kv_int(w, "cpu_ns", c->cpu_ns);
		json_kv_int(w, "samples", c->samples);
		json_end_object(w);
	}
	json_end_array(w);
}

/* "lock_site" (an index into lock_sites), and "held_by" (waiting) or
 * "waited_for_by" (holding): the other side, with the CPU in the section. */
void locks_ref_json(json_w *w, const hs_blocking *b, const hs_hotspot *h)
{
	hs_lock_op op, other;
	int64_t i = hs_blocking_lock_link(b, h, &op, &other);
	if (i < 0)
		return;
	json_kv_int(w, "lock_site", i);
	const hs_lock_site *s = hs_blocking_site(b, (size_t)i);
	bool read;
	const char *holder = link_holder(s, h, op, other, &read);
	if (other) {
		const hs_lock_part *p = &s->part[other];
		json_key(w, is_waiting(op) ? "held_by" : "waited_for_by");
		json_begin_object(w);
		json_kv_string(w, "culprit", p->func);
		json_kv_string(w, "op", hs_lock_op_name(other));
		json_kv_string(w, "lock", taken_with(other));
		json_kv_int(w, "goroutines", p->goroutines);
		json_kv_int(w, "contentions", p->contentions);
		json_kv_int(w, "delay_ns", p->delay_ns);
		json_end_object(w);
	}
	if (holder && s->cpu_file) {   /* a CPU profile ran inside the site's sections */
		json_kv_string(w, "section_holder", holder);
		json_kv_string(w, "cpu_file", s->cpu_file);
		section_cpu_json(w, s, holder, read);
	}
}
