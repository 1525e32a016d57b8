/* A heap dump's goroutines as a goroutine dump models them
 * (hs_heapdump_goroutine_profile in heapdump.h), so goroutines, blocking
 * and leaks read a folder holding only a heap dump as they read a
 * ?debug=2 dump. */
#include <string.h>

#include "heapscope/goroutines.h"
#include "heapscope/heapdump.h"

HS_VEC_VIEW(gor_vec, hs_hd_goroutine)
HS_VEC_VIEW(frame_vec, hs_hd_frame)

/* Go 1.19's g status values (runtime2.go); _Gscan is a bit over them. */
enum { G_WAITING = 4, G_SCAN = 0x1000 };

/* The state the header of a traceback prints (goroutineheader): the wait
 * reason of a waiting goroutine, else the status's name.  The goroutine
 * that called runtime/debug.WriteHeapDump is running to the program (as
 * the goroutine serving a ?debug=2 dump is); the dump says it waits, with
 * the reason of its previous wait (Go 1.19 sets "dumping heap" on the
 * system stack's g, not on it). */
const char *hs_hd_goroutine_state(const hs_heapdump *h, const hs_hd_goroutine *g)
{
	static const char *const names[] = {"idle", "runnable", "running", "syscall", "waiting",
	                                    "moribund_unused", "dead", "enqueue_unused",
	                                    "copystack", "preempted"};
	for (uint32_t k = 0; k < g->nframes && g->first_frame + k < h->frames.len; k++) {
		const char *f = frame_vec_at(&h->frames, g->first_frame + k)->func;
		if (f && strcmp(f, "runtime/debug.WriteHeapDump") == 0)
			return "running";
	}
	uint64_t st = g->status & ~(uint64_t)G_SCAN;
	if (st == G_WAITING && g->waitreason && *g->waitreason)
		return strcmp(g->waitreason, "dumping heap") == 0 ? "running" : g->waitreason;
	return st < sizeof names / sizeof names[0] ? names[st] : "unknown";
}

/* A frame a traceback prints at its default level (showfuncinfo): a
 * qualified name, outside the runtime unless exported from it. */
bool hs_hd_frame_shown(const char *func)
{
	if (!func || !strchr(func, '.'))
		return false;
	if (strncmp(func, "runtime.", 8) != 0)
		return true;
	return func[8] >= 'A' && func[8] <= 'Z';
}

/* The function whose code holds pc: an ELF FUNC symbol when the
 * executable is given, else a function of the dump's own frames whose
 * entry and the furthest pc seen in it enclose pc; NULL when neither. */
static const char *function_at(const hs_heapdump *h, const hs_symtab *syms, uint64_t pc)
{
	uint64_t off;
	const hs_elf_sym *s = syms && pc ? hs_symtab_lookup(syms, pc, &off) : NULL;
	if (s)
		return s->name;
	const char *best = NULL;
	uint64_t entry = 0;
	for (size_t i = 0; pc && i < h->frames.len; i++) {
		const hs_hd_frame *f = frame_vec_at(&h->frames, i);
		if (f->entry <= pc && pc <= f->pc && f->entry >= entry) {
			best = f->func;
			entry = f->entry;
		}
	}
	return best;
}

/* One goroutine: its shown frames (innermost first), state, creator. */
static hs_err add_goroutine(hs_profile *p, const hs_heapdump *h, const hs_symtab *syms,
                            const hs_hd_goroutine *g)
{
	int64_t *v = hs_profile_begin_sample_n(p, 1);
	if (!v)
		return HS_E_NOMEM;
	v[0] = 1;
	hs_err rc = HS_OK;
	for (uint32_t k = 0; rc == HS_OK && k < g->nframes; k++) {
		const hs_hd_frame *f = frame_vec_at(&h->frames, g->first_frame + k);
		uint32_t loc;
		if (!hs_hd_frame_shown(f->func))
			continue;
		rc = hs_profile_intern_location(p, f->func, strlen(f->func), "", 0, 0, 0, &loc);
		if (rc == HS_OK)
			rc = hs_profile_push_location(p, loc);
	}
	const char *creator = function_at(h, syms, g->gopc);
	if (rc == HS_OK)
		rc = hs_profile_push_str_label(p, hs_dump_keys[HS_DK_STATE], hs_hd_goroutine_state(h, g));
	if (rc == HS_OK && creator)
		rc = hs_profile_push_str_label(p, hs_dump_keys[HS_DK_CREATED_BY], creator);
	return rc ? rc : hs_profile_end_sample(p);
}

hs_err hs_heapdump_goroutine_profile(hs_profile *p, const hs_heapdump *h, const hs_symtab *syms,
                                     hs_error *err)
{
	hs_str type = HS_NONE, unit = HS_NONE;
	hs_value_type *vt = NULL;
	if (hs_profile_add_string(p, "", 0) != HS_NONE) {
		type = hs_profile_intern(p, "goroutine", 9);
		unit = hs_profile_intern(p, "count", 5);
	}
	if (type != HS_NONE && unit != HS_NONE)
		vt = hs_vec_push(&p->sample_types, 1);
	if (!vt)
		return hs_fail(err, HS_E_NOMEM, NULL);
	vt->type = type;
	vt->unit = unit;
	p->period_type = *vt;
	p->period = 1;
	p->format = HS_FMT_GOROUTINE_DUMP;
	/* MemStats.LastGC: the moment of the dump as near as it tells */
	p->time_nanos = h->has_memstats ? (int64_t)h->memstats[22] : 0;
	for (size_t i = 0; i < h->goroutines.len; i++) {
		const hs_hd_goroutine *g = gor_vec_at(&h->goroutines, i);
		if (!g->system && add_goroutine(p, h, syms, g) != HS_OK)
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	return hs_profile_finish(p, err);
}
