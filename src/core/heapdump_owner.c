/* Who owns a leak suspect (heapdump.h, "Ownership of a suspect"): the
 * roots that reach it together, the one named as its owner, the owning
 * structure and the path from the owner; and the retainer table, whose
 * rows for roots together agree with the suspects. */
#include <stdlib.h>
#include <string.h>

#include "heapscope/heapdump.h"
#include "sort.h"

#define NONE HS_HD_NONE

hs_err hs_hd_owners(hs_hd_analysis *a, hs_error *err);
hs_err hs_hd_predecessors(const hs_hd_analysis *a, const uint32_t *po, size_t nv,
                          uint32_t **pstart, uint32_t **preds, hs_error *err);

bool hs_hd_owned_by_structure(const hs_hd_analysis *a, const hs_hd_suspect *s)
{
	return s->node < a->h->nobjects && s->owner != NONE && s->roots.len > 1 &&
	       hs_hd_owner_rank(a->holders[s->owner].kind) > 0;
}

int hs_hd_owner_rank(uint8_t kind)
{
	switch (kind) {
	case HS_HD_ROOT_DATA:
	case HS_HD_ROOT_BSS:
		return 0;
	case HS_HD_ROOT_FINALIZER:
	case HS_HD_ROOT_QUEUED:
	case HS_HD_ROOT_OTHER:
		return 1;
	case HS_HD_ROOT_FRAME:
		return 2;
	default:
		return 3;
	}
}

/* A holder that reaches a suspect, dist pointers away from it; crowd:
 * how many of the suspect's holders share its key (one function's
 * goroutines, all users of the structure). */
typedef struct reacher {
	uint32_t holder, dist, crowd;
} reacher;

static int by_key(const void *x, const void *y, void *ctx)
{
	const hs_hd_analysis *a = ctx;
	const reacher *p = x, *q = y;
	return strcmp(a->holders[p->holder].key, a->holders[q->holder].key);
}

/* Each reacher's crowd: r sorted by key, runs counted. */
static void count_crowds(const hs_hd_analysis *a, reacher *r, size_t n)
{
	hs_sort(r, n, sizeof *r, by_key, a);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && by_key(&r[i], &r[j], (void *)a) == 0; j++)
			;
		for (size_t k = i; k < j; k++)
			r[k].crowd = (uint32_t)(j - i);
	}
}

static int by_rank(const void *x, const void *y, void *ctx)
{
	const hs_hd_analysis *a = ctx;
	const reacher *p = x, *q = y;
	const hs_hd_holder *hp = &a->holders[p->holder], *hq = &a->holders[q->holder];
	int rp = hs_hd_owner_rank(hp->kind), rq = hs_hd_owner_rank(hq->kind);
	if (rp != rq)
		return rp < rq ? -1 : 1;
	if (p->crowd != q->crowd)
		return p->crowd < q->crowd ? -1 : 1;
	if (p->dist != q->dist)
		return p->dist < q->dist ? -1 : 1;
	int c = strcmp(hp->name, hq->name);
	return c ? c : (p->holder > q->holder) - (p->holder < q->holder);
}

/* Scratch of the reverse searches, one allocation each, reused. */
typedef struct search {
	uint32_t *ps, *pr;       /* predecessors (CSR) */
	uint32_t *next;          /* per node: the node after it toward the target */
	uint32_t *queue;         /* the nodes reached, in breadth-first order */
	size_t nqueued;
	hs_vec found;            /* reacher */
} search;

/* Breadth-first over predecessors from object t: every holder with a
 * path of pointers to t, and its distance.  Holders are reached, never
 * gone past (only the super-root points to them). */
static hs_err reverse_search(const hs_hd_analysis *a, search *sr, uint32_t t, hs_error *err)
{
	uint32_t nobj = (uint32_t)a->h->nobjects;
	size_t head = 0, tail = 0, level_end = 1;
	uint32_t level = 0;
	sr->found.len = 0;
	sr->queue[tail++] = t;
	sr->next[t] = t;
	while (head < tail) {
		if (head == level_end) {
			level++;
			level_end = tail;
		}
		uint32_t v = sr->queue[head++];
		if (v >= nobj) {
			reacher *r = hs_vec_push(&sr->found, 1);
			if (!r) {
				sr->nqueued = tail;
				return hs_fail(err, HS_E_NOMEM, NULL);
			}
			*r = (reacher){v - nobj, level, 1};
			continue;
		}
		for (uint32_t k = sr->ps[v]; k < sr->ps[v + 1]; k++) {
			uint32_t u = sr->pr[k];
			if (u == a->super || sr->next[u] != NONE)
				continue;
			sr->next[u] = v;
			sr->queue[tail++] = u;
		}
	}
	sr->nqueued = tail;
	return HS_OK;
}

/* The path from the owner: its pointers to the suspect's object, then the
 * part of the shortest root path below that object (a dominator of the
 * accumulation point, so on every path to it). */
static hs_err owner_path(const hs_hd_analysis *a, hs_hd_suspect *s, const search *sr,
                         hs_error *err)
{
	const uint32_t *old = s->path.data;
	size_t below = s->path.len;
	for (size_t k = 0; k < s->path.len; k++)
		if (old[k] == s->node)
			below = k;
	if (below == s->path.len)
		return HS_OK;   /* no path was found: keep what there is */
	hs_vec p;
	hs_vec_init(&p, sizeof(uint32_t));
	uint32_t v = (uint32_t)a->h->nobjects + s->owner;
	for (;;) {
		uint32_t *x = hs_vec_push(&p, 1);
		if (!x) {
			hs_vec_release(&p);
			return hs_fail(err, HS_E_NOMEM, NULL);
		}
		*x = v;
		if (v == s->node)
			break;
		v = sr->next[v];
	}
	size_t rest = s->path.len - below - 1;
	uint32_t *x = rest ? hs_vec_push(&p, rest) : p.data;
	if (!x) {
		hs_vec_release(&p);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	if (rest)
		memcpy(x, old + below + 1, rest * sizeof *x);
	hs_vec_release(&s->path);
	s->path = p;
	s->holder = s->owner;
	return HS_OK;
}

/* A suspect several holders reach: rank them, name the owner, redraw the
 * path from it. */
static hs_err shared_suspect(const hs_hd_analysis *a, hs_hd_suspect *s, search *sr, hs_error *err)
{
	hs_err rc = reverse_search(a, sr, s->node, err);
	size_t n = sr->found.len;
	reacher *r = sr->found.data;
	if (rc == HS_OK && n) {
		count_crowds(a, r, n);
		hs_sort(r, n, sizeof *r, by_rank, a);
		uint32_t *x = hs_vec_push(&s->roots, n);
		if (!x)
			rc = hs_fail(err, HS_E_NOMEM, NULL);
		for (size_t i = 0; x && i < n; i++) {
			x[i] = r[i].holder;
			s->root_pointers += a->holders[r[i].holder].nroots;
		}
		s->owner = r[0].holder;
		s->structure = s->node;
		if (rc == HS_OK)
			rc = owner_path(a, s, sr, err);
	}
	return rc;
}

/* A holder suspect: its holder owns it; the structure is the object it
 * points to on the dominator chain down to the accumulation point. */
static hs_err holder_suspect(const hs_hd_analysis *a, hs_hd_suspect *s, hs_error *err)
{
	uint32_t h = s->node - (uint32_t)a->h->nobjects;
	uint32_t *x = hs_vec_push(&s->roots, 1);
	if (!x)
		return hs_fail(err, HS_E_NOMEM, NULL);
	*x = s->owner = h;
	s->root_pointers = a->holders[h].nroots;
	uint32_t v = s->accum;
	while (v != s->node && a->idom[v] != s->node && a->idom[v] != NONE)
		v = a->idom[v];
	s->structure = v == s->node ? NONE : v;
	return HS_OK;
}

static void search_free(search *sr)
{
	free(sr->ps);
	free(sr->pr);
	free(sr->next);
	free(sr->queue);
	hs_vec_release(&sr->found);
}

hs_err hs_hd_owners(hs_hd_analysis *a, hs_error *err)
{
	size_t nv = (size_t)a->super + 1;
	search sr = {0};
	hs_vec_init(&sr.found, sizeof(reacher));
	hs_err rc = HS_OK;
	for (size_t i = 0; rc == HS_OK && i < a->suspects.len; i++) {
		hs_hd_suspect *s = &HS_VEC_AT(&a->suspects, hs_hd_suspect, i);
		s->owner = s->structure = NONE;
		if (s->node >= a->h->nobjects) {
			rc = holder_suspect(a, s, err);
			continue;
		}
		/* the predecessors only when a suspect is shared */
		if (!sr.ps && (rc = hs_hd_predecessors(a, a->idom, nv, &sr.ps, &sr.pr, err)) != HS_OK)
			break;
		if (!sr.next) {
			sr.next = malloc(nv * sizeof *sr.next);
			sr.queue = malloc(nv * sizeof *sr.queue);
			if (!sr.next || !sr.queue) {
				rc = hs_fail(err, HS_E_NOMEM, NULL);
				break;
			}
			for (size_t v = 0; v < nv; v++)
				sr.next[v] = NONE;
		}
		rc = shared_suspect(a, s, &sr, err);
		/* forget this search: every node it marked is in the queue */
		for (size_t k = 0; k < sr.nqueued; k++)
			sr.next[sr.queue[k]] = NONE;
		sr.nqueued = 0;
	}
	search_free(&sr);
	return rc;
}

hs_err hs_hd_retainer_rows(const hs_hd_analysis *a, hs_vec *rows, hs_error *err)
{
	hs_vec_init(rows, sizeof(hs_hd_retainer_row));
	size_t ns = a->suspects.len, nh = a->nholders, i = 0, j = 0;
	/* merge two lists, each biggest first: shared suspects, holders */
	for (;;) {
		while (i < ns && HS_VEC_AT(&a->suspects, hs_hd_suspect, i).node >= a->h->nobjects)
			i++;
		if (i == ns && j == nh)
			return HS_OK;
		const hs_hd_suspect *s = i < ns ? &HS_VEC_AT(&a->suspects, hs_hd_suspect, i) : NULL;
		const hs_hd_holder *h = j < nh ? &a->holders[a->holder_order[j]] : NULL;
		hs_hd_retainer_row *r = hs_vec_push(rows, 1);
		if (!r) {
			hs_vec_release(rows);
			return hs_fail(err, HS_E_NOMEM, NULL);
		}
		if (s && (!h || s->retained >= h->retained)) {
			*r = (hs_hd_retainer_row){NONE, (uint32_t)i++, s->retained, s->root_pointers};
		} else {
			*r = (hs_hd_retainer_row){a->holder_order[j], NONE, h->retained, h->nroots};
			j++;
		}
	}
}
