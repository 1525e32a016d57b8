/* heapscope triage: the bundle through the existing analyses, their
 * results kept as data and ranked into findings (heapscope/triage.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/graph.h"
#include "heapscope/triage.h"

#include "sort.h"
#include "triage_locks.h"

/* A heap profile's flat in-use bytes per function, kept until finish
 * knows how many snapshots the growth series has. */
typedef struct staged_row {
	uint32_t snap;
	const char *name;
	int64_t value;
	int64_t samples;          /* raw samples behind value, thousandths (growth.h) */
} staged_row;
HS_VEC_VIEW(staged_vec, staged_row)
HS_VEC_VIEW(finding_vec, hs_finding)
HS_VEC_VIEW(point_vec, hs_triage_point)
HS_VEC_VIEW(tgc_vec, hs_triage_gc)
HS_VEC_VIEW(trun_vec, hs_triage_run)
HS_VEC_VIEW(tsus_vec, hs_triage_suspect)
HS_VEC_VIEW(size_vec, size_t)
HS_VEC_VIEW(lock_vec, hs_triage_lock)

struct hs_triage {
	hs_arena arena;
	int nfiles;
	hs_triage_input *inputs;
	hs_leaks *leaks;
	hs_blocking *blocking;
	hs_goroutines *goroutines;
	bool any_goroutines, any_blocking;
	hs_growth *growth;
	hs_vec staged;            /* staged_row */
	hs_vec heaps;             /* size_t: input of heap snapshot k */
	int64_t heap_rate;        /* the heap profiles' largest sampling period */
	hs_vec findings, points, gcs, runs, suspects, locks;
	hs_triage_flames flames;
	const struct hs_inventory *inv;   /* hs_triage_set_input's, or NULL */
	size_t input;
};

static const char *const kind_names[HS_TK_NKINDS] = {
	"heap", "allocs", "cpu", "goroutine dump", "goroutine", "contention",
	"trace", "gctrace", "heap dump", "other", "unknown",
};
const char *hs_triage_kind_name(hs_triage_kind k)
{
	return k < HS_TK_NKINDS ? kind_names[k] : "?";
}

static const char *const use_names[HS_USE_NBITS] = {
	"leaks", "growth", "goroutines", "blocking", "gctrace", "heapdump", "timeline", "flame",
};
const char *hs_triage_use_name(int bit)
{
	return bit >= 0 && bit < HS_USE_NBITS ? use_names[bit] : "?";
}

hs_triage *hs_triage_new(int nfiles, const char *own, hs_error *err)
{
	hs_triage *t = calloc(1, sizeof *t);
	if (!t) {
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	hs_arena_init(&t->arena);
	hs_vec_init(&t->staged, sizeof(staged_row));
	hs_vec_init(&t->heaps, sizeof(size_t));
	hs_vec_init(&t->findings, sizeof(hs_finding));
	hs_vec_init(&t->points, sizeof(hs_triage_point));
	hs_vec_init(&t->gcs, sizeof(hs_triage_gc));
	hs_vec_init(&t->runs, sizeof(hs_triage_run));
	hs_vec_init(&t->suspects, sizeof(hs_triage_suspect));
	hs_vec_init(&t->locks, sizeof(hs_triage_lock));
	t->nfiles = nfiles;
	t->flames = (hs_triage_flames){-1, -1, -1, -1};
	t->inputs = calloc(nfiles > 0 ? (size_t)nfiles : 1, sizeof *t->inputs);
	t->leaks = hs_leaks_new(NULL, err);
	t->blocking = t->leaks ? hs_blocking_new(err) : NULL;
	t->goroutines = t->blocking ? hs_goroutines_new(HS_BY_TOP_FRAME, nfiles, err) : NULL;
	if (!t->inputs || !t->goroutines) {
		if (!t->inputs)
			hs_fail(err, HS_E_NOMEM, NULL);
		hs_triage_free(t);
		return NULL;
	}
	for (int i = 0; i < nfiles; i++)
		t->inputs[i] = (hs_triage_input){.file = "", .kind = HS_TK_UNREADABLE,
		                                 .time_from = HS_TIME_NONE};
	if (own && (hs_leaks_set_own(t->leaks, own, err) != HS_OK ||
	            hs_blocking_set_own(t->blocking, own, err) != HS_OK)) {
		hs_triage_free(t);
		return NULL;
	}
	return t;
}

void hs_triage_free(hs_triage *t)
{
	if (!t)
		return;
	hs_leaks_free(t->leaks);
	hs_blocking_free(t->blocking);
	hs_goroutines_free(t->goroutines);
	hs_growth_free(t->growth);
	hs_vec_release(&t->staged);
	hs_vec_release(&t->heaps);
	hs_vec_release(&t->findings);
	hs_vec_release(&t->points);
	hs_vec_release(&t->gcs);
	hs_vec_release(&t->runs);
	hs_vec_release(&t->suspects);
	hs_vec_release(&t->locks);
	hs_arena_release(&t->arena);
	free(t->inputs);
	free(t);
}

static const char *copy(hs_triage *t, const char *s)
{
	return hs_arena_strndup(&t->arena, s ? s : "", s ? strlen(s) : 0);
}

/* Input i, named and timed; NULL when out of memory. */
static hs_triage_input *input(hs_triage *t, int i, const char *file, const hs_profile *p,
                              hs_triage_kind kind, hs_error *err)
{
	hs_triage_input *in = &t->inputs[i];
	in->file = copy(t, file);
	if (!in->file) {
		hs_fail(err, HS_E_NOMEM, NULL);
		return NULL;
	}
	in->kind = kind;
	in->time_from = hs_file_moment(file, p, &in->moment);
	return in;
}

hs_err hs_triage_add_other(hs_triage *t, int i, const char *file, hs_triage_kind kind,
                           hs_error *err)
{
	return input(t, i, file, NULL, kind, err) ? HS_OK : err->code;
}

/* An analysis' add: HS_E_USAGE means "not mine", anything else stops. */
static hs_err used(hs_err rc, hs_triage_input *in, unsigned bit, hs_error *err)
{
	if (rc == HS_OK)
		in->used |= bit;
	if (rc == HS_E_USAGE) {
		hs_error_clear(err);
		return HS_OK;
	}
	return rc;
}

/* The view of sample type `type` (NULL: the default); false when p has none. */
static bool view_of(hs_view *v, const hs_profile *p, const char *type, hs_error *err)
{
	int si = type ? hs_profile_find_index(p, type) : hs_profile_default_index(p);
	if (si < 0 || hs_ntypes(p) == 0)
		return false;
	hs_view_opts vo = {.sample_index = si, .granularity = HS_GRAN_FUNCTIONS};
	return hs_view_build(v, p, &vo, err) == HS_OK;
}

/* A heap profile: its flat in-use bytes per function, staged for growth. */
static hs_err stage_heap(hs_triage *t, int i, const hs_profile *p, hs_triage_input *in,
                         hs_error *err)
{
	hs_view v;
	if (!view_of(&v, p, "inuse_space", err))
		return err->code;
	int64_t rate = hs_growth_rate(p);
	int64_t *raw = rate > 1 ? hs_growth_stack_samples(&v, rate, err) : NULL;
	if (rate > 1 && !raw) {
		hs_view_release(&v);
		return err->code;
	}
	if (rate > t->heap_rate)
		t->heap_rate = rate;
	hs_graph gr;
	const int64_t *cols[1] = {raw};
	hs_err rc = hs_graph_build_cols(&gr, &v, NULL, false, raw ? 1 : 0, cols, err);
	free(raw);
	bool built = rc == HS_OK;
	uint32_t snap = (uint32_t)t->heaps.len;
	for (size_t k = 0; rc == HS_OK && k < gr.npresent; k++) {
		uint32_t id = gr.present[k];
		staged_row *r = gr.flat[id] ? staged_vec_push(&t->staged) : NULL;
		if (gr.flat[id] && !(r && (r->name = copy(t, hs_view_node(&v, id)->name))))
			rc = hs_fail(err, HS_E_NOMEM, NULL);
		else if (r)
			r->snap = snap, r->value = gr.flat[id], r->samples = gr.ncols ? gr.col_flat[0][id] : 0;
	}
	if (built)
		hs_graph_release(&gr);
	size_t *slot = rc == HS_OK ? size_vec_push(&t->heaps) : NULL;
	if (rc == HS_OK && !slot)
		rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (slot) {
		*slot = (size_t)i;
		in->total = v.total;
		in->used |= HS_USE_GROWTH | HS_USE_TIMELINE;
	}
	hs_view_release(&v);
	return rc;
}

hs_err hs_triage_add_profile(hs_triage *t, int i, const char *file, const hs_profile *p,
                             hs_triage_kind kind, hs_error *err)
{
	hs_triage_input *in = input(t, i, file, p, kind, err);
	if (!in)
		return err->code;
	hs_input_kind ik = kind == HS_TK_TRACE ? HS_IN_TRACE : HS_IN_NKINDS;
	hs_err rc = used(hs_leaks_add_kind(t->leaks, p, in->file, ik, err), in, HS_USE_LEAKS, err);
	if (rc == HS_OK)
		rc = used(t->inv ? hs_blocking_add_input(t->blocking, p, t->inv, t->input, err)
		                 : hs_blocking_add(t->blocking, p, in->file, err),
		          in, HS_USE_BLOCKING, err);
	bool goroutines = kind == HS_TK_GOROUTINE_DUMP || kind == HS_TK_GOROUTINE || kind == HS_TK_TRACE;
	if (rc == HS_OK && goroutines)
		rc = used(hs_goroutines_add(t->goroutines, p, i, err), in,
		          HS_USE_GOROUTINES | HS_USE_TIMELINE, err);
	t->any_goroutines |= (in->used & HS_USE_GOROUTINES) != 0;
	t->any_blocking |= (in->used & HS_USE_BLOCKING) != 0;
	if (rc != HS_OK)
		return rc;
	if (kind == HS_TK_HEAP)
		return stage_heap(t, i, p, in, err);
	if (kind == HS_TK_CPU || kind == HS_TK_CONTENTION) {
		hs_view v;
		if (view_of(&v, p, kind == HS_TK_CPU ? NULL : "delay", err)) {
			in->total = v.total;
			hs_view_release(&v);
		} else if (err->code) {
			return err->code;
		}
	}
	return HS_OK;
}

void hs_triage_set_input(hs_triage *t, const struct hs_inventory *inv, size_t input)
{
	t->inv = inv;
	t->input = input;
}

hs_err hs_triage_add_gctrace(hs_triage *t, int i, const char *file, const hs_gctrace *g,
                             hs_error *err)
{
	hs_triage_input *in = input(t, i, file, NULL, HS_TK_GCTRACE, err);
	if (!in)
		return err->code;
	in->used |= HS_USE_GCTRACE | HS_USE_TIMELINE;
	for (size_t r = 0; r < hs_gctrace_nruns(g); r++) {
		hs_triage_run *run = trun_vec_push(&t->runs);
		if (!run)
			return hs_fail(err, HS_E_NOMEM, NULL);
		run->input = (size_t)i;
		run->run = r;
		hs_gctrace_run(g, r, 0, &run->r);
		for (size_t k = run->r.first; k < run->r.first + run->r.n; k++) {
			hs_triage_gc *gc = tgc_vec_push(&t->gcs);
			if (!gc)
				return hs_fail(err, HS_E_NOMEM, NULL);
			*gc = (hs_triage_gc){(size_t)i, r, hs_gctrace_gc(g, k)->at_s,
			                     hs_gctrace_gc(g, k)->heap_live};
		}
	}
	return HS_OK;
}

hs_err hs_triage_add_heapdump(hs_triage *t, int i, const char *file, const hs_hd_analysis *a,
                              hs_error *err)
{
	hs_triage_input *in = input(t, i, file, NULL, HS_TK_HEAPDUMP, err);
	if (!in)
		return err->code;
	in->used |= HS_USE_HEAPDUMP | HS_USE_LEAKS;
	in->total = (int64_t)a->reachable_bytes;
	char name[600];
	for (size_t k = 0; k < a->suspects.len; k++) {
		const hs_hd_suspect *s = &HS_VEC_AT(&a->suspects, hs_hd_suspect, k);
		hs_triage_suspect *d = tsus_vec_push(&t->suspects);
		if (!d)
			return hs_fail(err, HS_E_NOMEM, NULL);
		const hs_hd_site *site =
			s->site == HS_HD_NONE ? NULL : &HS_VEC_AT(&a->sites, hs_hd_site, s->site);
		/* named by its owner, as leaks' retention candidates are: a shared
		 * object no global holds with the root reaching it first */
		const hs_hd_holder *o = s->owner != HS_HD_NONE ? &a->holders[s->owner] : NULL;
		char owner[1024];
		hs_hd_node_name(a, s->node, name, sizeof name);
		snprintf(owner, sizeof owner, "%s from %s", name, o ? o->name : "");
		*d = (hs_triage_suspect){
			.input = (size_t)i,
			.holder = copy(t, hs_hd_owned_by_structure(a, s) ? owner : o ? o->name : name),
			.accum = copy(t, hs_hd_node_name(a, s->accum, name, sizeof name)),
			.site = copy(t, site ? site->func : ""),
			.retained = s->retained, .accum_retained = s->accum_retained,
			.reachable = a->reachable_bytes, .share = s->share,
			.group_count = s->group_count, .group_bytes = s->group_bytes,
		};
		if (!d->holder || !d->accum || !d->site)
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	/* its roots and suspects: leaks' growing retainers and retention
	 * candidates, the one source of heap dump findings */
	return hs_leaks_add_heapdump(t->leaks, in->file, a, err);
}

/* ---- finish ------------------------------------------------------------- */

static hs_err build_growth(hs_triage *t, hs_error *err)
{
	size_t n = t->heaps.len;
	if (n < 2)
		return HS_OK;
	t->growth = hs_growth_new(n, err);
	if (!t->growth)
		return err->code;
	for (size_t k = 0; k < n; k++) {
		const hs_triage_input *in = &t->inputs[*size_vec_at(&t->heaps, k)];
		hs_growth_set_time(t->growth, k, in->moment);
		hs_growth_set_total(t->growth, k, in->total);
	}
	for (size_t k = 0; k < t->staged.len; k++) {
		const staged_row *r = staged_vec_at(&t->staged, k);
		if (hs_growth_add_sampled(t->growth, r->snap, r->name, r->value, r->samples, err) != HS_OK)
			return err->code;
	}
	hs_growth_set_rate(t->growth, t->heap_rate);
	/* heapscope growth's default for bytes: 1 MiB before a row is a candidate */
	hs_growth_opts go = {.min_growth = 1 << 20};
	hs_err rc = hs_growth_finish(t->growth, &go, err);
	if (rc == HS_E_USAGE) {   /* all at one moment: no slope, no growth table */
		hs_error_clear(err);
		hs_growth_free(t->growth);
		t->growth = NULL;
		return HS_OK;
	}
	return rc;
}

static bool push_finding(hs_triage *t, hs_finding f)
{
	hs_finding *d = finding_vec_push(&t->findings);
	if (d)
		*d = f;
	return d != NULL;
}

static bool collect_findings(hs_triage *t)
{
	bool ok = true;
	for (size_t k = 0; k < hs_leaks_n(t->leaks); k++) {
		const hs_leak *l = hs_leaks_at(t->leaks, k);
		ok &= push_finding(t, (hs_finding){.severity = l->severity, .source = HS_FIND_LEAK, .leak = l});
	}
	for (size_t k = 0; k < t->runs.len; k++) {
		const hs_gc_run *r = &trun_vec_at(&t->runs, k)->r;
		if (r->leak_suspect)
			ok &= push_finding(t, (hs_finding){HS_SEV_HIGH, HS_FIND_GCTRACE, NULL, k, HS_GCI_LEAK, 0});
		if (r->gc_thrash)
			ok &= push_finding(t, (hs_finding){HS_SEV_MEDIUM, HS_FIND_GCTRACE, NULL, k, HS_GCI_THRASH, 0});
		if (r->long_pause)
			ok &= push_finding(t, (hs_finding){HS_SEV_MEDIUM, HS_FIND_GCTRACE, NULL, k, HS_GCI_PAUSE, 0});
	}
	for (size_t k = 0; k < t->locks.len; k++)
		ok &= push_finding(t, (hs_finding){hs_triage_lock_severity(lock_vec_at(&t->locks, k)),
		                                   HS_FIND_LOCK, NULL, k, HS_GCI_LEAK, 0});
	return ok;
}

/* Severity, then source, then the order each analysis ranked them in
 * (the order they were collected in). */
static int finding_cmp(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	const hs_finding *x = a, *y = b;
	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void rank_findings(hs_triage *t)
{
	size_t n = t->findings.len;
	for (size_t k = 0; k < n; k++)
		finding_vec_at(&t->findings, k)->order = k;
	hs_sort(t->findings.data, n, sizeof(hs_finding), finding_cmp, NULL);
}

typedef struct point_order {
	const hs_triage *t;
	bool by_moment;           /* the moments can order these files */
} point_order;

static int point_cmp(const void *a, const void *b, void *ctx)
{
	const point_order *po = ctx;
	const hs_triage_point *x = a, *y = b;
	int c = po->by_moment ? hs_moment_cmp(x->moment, po->t->inputs[x->input].file, y->moment,
	                                      po->t->inputs[y->input].file)
	                      : 0;
	return c ? c : x->input < y->input ? -1 : x->input > y->input;
}

/* Each file left out for a richer twin names it. */
static void mark_twins(hs_triage *t)
{
	const char *dropped, *kept;
	for (size_t k = 0; k < hs_leaks_nfiles(t->leaks); k++) {
		if (!hs_leaks_twin(t->leaks, k, &dropped, &kept))
			continue;
		for (int i = 0; i < t->nfiles; i++)
			if (strcmp(t->inputs[i].file, dropped) == 0) {
				t->inputs[i].twin_of = kept;
				/* leaks and the timeline read the twin instead */
				t->inputs[i].used &= ~(unsigned)(HS_USE_LEAKS | HS_USE_TIMELINE);
			}
	}
}

/* Snapshots in time order, or in the order given when their moments
 * cannot order them (hs_moments_order: some only have an mtime). */
static bool build_timeline(hs_triage *t)
{
	unsigned seen = 0;
	for (int i = 0; i < t->nfiles; i++) {
		hs_triage_input *in = &t->inputs[i];
		bool heap = in->kind == HS_TK_HEAP && (in->used & HS_USE_GROWTH);
		bool gor = (in->used & HS_USE_GOROUTINES) != 0;
		if ((!heap && !gor) || in->twin_of)
			continue;
		if (gor)
			in->total = hs_goroutines_file_total(t->goroutines, i);
		hs_triage_point *pt = point_vec_push(&t->points);
		if (!pt)
			return false;
		*pt = (hs_triage_point){(size_t)i, in->moment, heap ? in->total : -1,
		                        gor ? in->total : -1};
		seen |= 1u << in->time_from;
	}
	point_order po = {t, hs_moments_order(seen)};
	hs_sort(t->points.data, t->points.len, sizeof(hs_triage_point), point_cmp, &po);
	return true;
}

/* The flame graphs' inputs: heap ends of the timeline, the last cpu
 * profile, the last goroutine snapshot. */
static void pick_flames(hs_triage *t)
{
	for (size_t k = 0; k < t->points.len; k++) {
		const hs_triage_point *pt = point_vec_at(&t->points, k);
		if (pt->heap_inuse >= 0 && t->flames.heap_first < 0)
			t->flames.heap_first = (int)pt->input;
		if (pt->heap_inuse >= 0)
			t->flames.heap_last = (int)pt->input;
		if (pt->goroutines >= 0)
			t->flames.goroutines = (int)pt->input;
	}
	for (int i = 0; i < t->nfiles; i++)
		if (t->inputs[i].kind == HS_TK_CPU)
			t->flames.cpu = i;
	if (t->flames.heap_first == t->flames.heap_last)
		t->flames.heap_first = -1;
}

hs_err hs_triage_finish(hs_triage *t, hs_error *err)
{
	hs_err rc = hs_leaks_finish(t->leaks, err);
	if (rc != HS_OK)
		return rc;
	hs_blocking_finish(t->blocking);
	if ((rc = hs_goroutines_finish(t->goroutines, err)) != HS_OK)
		return rc;
	if ((rc = build_growth(t, err)) != HS_OK)
		return rc;
	mark_twins(t);
	size_t nsnap = 0;
	for (int i = 0; i < t->nfiles; i++)
		nsnap += (t->inputs[i].used & HS_USE_GOROUTINES) && !t->inputs[i].twin_of;
	if (!hs_triage_build_locks(hs_triage_blocking(t), t->inv, nsnap, &t->arena, &t->locks) ||
	    !collect_findings(t) || !build_timeline(t))
		return hs_fail(err, HS_E_NOMEM, NULL);
	rank_findings(t);
	pick_flames(t);
	return HS_OK;
}

/* ---- results ------------------------------------------------------------ */

bool hs_triage_problem(const hs_triage *t)
{
	return t->findings.len && finding_vec_at(&t->findings, 0)->severity <= HS_SEV_MEDIUM;
}
bool hs_triage_high(const hs_triage *t)
{
	return t->findings.len && finding_vec_at(&t->findings, 0)->severity == HS_SEV_HIGH;
}
size_t hs_triage_nfindings(const hs_triage *t) { return t->findings.len; }
const hs_finding *hs_triage_finding(const hs_triage *t, size_t i)
{
	return finding_vec_at(&t->findings, i);
}
size_t hs_triage_ninputs(const hs_triage *t) { return (size_t)t->nfiles; }
const hs_triage_input *hs_triage_input_at(const hs_triage *t, size_t i) { return &t->inputs[i]; }
size_t hs_triage_npoints(const hs_triage *t) { return t->points.len; }
const hs_triage_point *hs_triage_point_at(const hs_triage *t, size_t i)
{
	return point_vec_at(&t->points, i);
}
size_t hs_triage_ngcs(const hs_triage *t) { return t->gcs.len; }
const hs_triage_gc *hs_triage_gc_at(const hs_triage *t, size_t i) { return tgc_vec_at(&t->gcs, i); }
size_t hs_triage_nruns(const hs_triage *t) { return t->runs.len; }
const hs_triage_run *hs_triage_run_at(const hs_triage *t, size_t i)
{
	return trun_vec_at(&t->runs, i);
}
size_t hs_triage_nlocks(const hs_triage *t) { return t->locks.len; }
const hs_triage_lock *hs_triage_lock_at(const hs_triage *t, size_t i)
{
	return lock_vec_at(&t->locks, i);
}
size_t hs_triage_nsuspects(const hs_triage *t) { return t->suspects.len; }
const hs_triage_suspect *hs_triage_suspect_at(const hs_triage *t, size_t i)
{
	return tsus_vec_at(&t->suspects, i);
}
const hs_leaks *hs_triage_leaks(const hs_triage *t) { return t->leaks; }
const hs_growth *hs_triage_growth(const hs_triage *t) { return t->growth; }
const hs_goroutines *hs_triage_goroutines(const hs_triage *t)
{
	return t->any_goroutines ? t->goroutines : NULL;
}
const hs_blocking *hs_triage_blocking(const hs_triage *t)
{
	return t->any_blocking ? t->blocking : NULL;
}
void hs_triage_flame_inputs(const hs_triage *t, hs_triage_flames *f) { *f = t->flames; }
void hs_triage_mark_flame(hs_triage *t, int i)
{
	if (i >= 0 && i < t->nfiles)
		t->inputs[i].used |= HS_USE_FLAME;
}
