/* What a heap dump report says, computed (never printed): dominator-tree
 * children, holders by retained size, leak suspects in the manner of
 * Eclipse MAT, allocation sites and size classes. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "partition.h"
#include "heapscope/heapdump.h"
#include "sort.h"

#define NONE HS_HD_NONE

hs_err hs_hd_report_build(hs_hd_analysis *a, const hs_hd_opts *o, hs_error *err);
hs_err hs_hd_paths(hs_hd_analysis *a, hs_error *err);
hs_err hs_hd_group_children(hs_hd_analysis *a, hs_error *err);
hs_err hs_hd_owners(hs_hd_analysis *a, hs_error *err);
hs_err hs_hd_origins_build(hs_hd_analysis *a, hs_error *err);

/* Node ids, biggest retained size first (ctx: the hs_hd_analysis). */
static int by_retained(const void *x, const void *y, void *ctx)
{
	const hs_hd_analysis *a = ctx;
	uint32_t u = *(const uint32_t *)x, v = *(const uint32_t *)y;
	uint64_t ru = a->retained[u], rv = a->retained[v];
	return ru != rv ? (ru < rv) - (ru > rv) : (u > v) - (u < v);
}

/* ckids holds every dominated node grouped by immediate dominator, the
 * groups in node order: a node's children are found by binary search on
 * idom, which spares an offsets array as long as the nodes. */
struct kid_key { const uint32_t *k, *idom; uint32_t node; };

static bool kid_before(const void *ctx, size_t i)
{
	const struct kid_key *c = ctx;
	return c->idom[c->k[i]] < c->node;
}

static bool kid_at_or_before(const void *ctx, size_t i)
{
	const struct kid_key *c = ctx;
	return c->idom[c->k[i]] <= c->node;
}

const uint32_t *hs_hd_children(const hs_hd_analysis *a, uint32_t node, size_t *n)
{
	struct kid_key c = {a->ckids, a->idom, node};
	size_t first = hs_partition_point(0, a->nkids, kid_before, &c);
	*n = hs_partition_point(first, a->nkids, kid_at_or_before, &c) - first;
	return a->ckids + first;
}

/* Counting sort by immediate dominator (the counts' array is freed
 * after), before the retained sizes exist. */
hs_err hs_hd_group_children(hs_hd_analysis *a, hs_error *err)
{
	size_t nv = (size_t)a->super + 1;
	uint32_t *start = calloc(nv + 1, sizeof *start);
	a->ckids = malloc(nv * sizeof *a->ckids);
	if (!start || !a->ckids) {
		free(start);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	/* start[p]: the end of p's group, then (filled backwards) its start */
	for (uint32_t v = 0; v < nv; v++)
		if (v != a->super && a->idom[v] != NONE)
			start[a->idom[v]]++;
	for (size_t v = 1; v < nv; v++)
		start[v] += start[v - 1];
	a->nkids = start[nv] = start[nv - 1];
	for (uint32_t v = (uint32_t)nv; v-- > 0;)
		if (v != a->super && a->idom[v] != NONE)
			a->ckids[--start[a->idom[v]]] = v;
	free(start);
	return HS_OK;
}

/* Then each group by retained size. */
static void sort_children(hs_hd_analysis *a)
{
	for (size_t i = 0, j; i < a->nkids; i = j) {
		uint32_t p = a->idom[a->ckids[i]];
		for (j = i + 1; j < a->nkids && a->idom[a->ckids[j]] == p; j++)
			;
		if (j - i > 1)
			hs_sort(a->ckids + i, j - i, sizeof *a->ckids, by_retained, a);
	}
}

const char *hs_hd_node_name(const hs_hd_analysis *a, uint32_t node, char *buf, size_t size)
{
	const hs_heapdump *h = a->h;
	if (node == a->super)
		snprintf(buf, size, "<roots>");
	else if (node >= h->nobjects)
		snprintf(buf, size, "%s", a->holders[node - h->nobjects].name);
	else if (!hs_hd_object_type(h, node, buf, size)) {
		const hs_hd_site_frame *f = hs_hd_object_site(h, node);
		snprintf(buf, size, "0x%" PRIx64 " (%" PRIu32 " B%s%s)", hs_heapdump_addr(h, node), h->size[node],
		         f ? ", from " : "", f ? f->func : "");
	}
	return buf;
}

uint32_t hs_hd_object_site_index(const hs_hd_analysis *a, uint32_t obj)
{
	const hs_heapdump *h = a->h;
	uint32_t b = hs_heapdump_bucket_of(h, obj);
	return b == NONE ? NONE : a->bucket_site[b];
}

static int site_by_retained(const void *x, const void *y)
{
	const hs_hd_site *s = x, *t = y;
	if (s->retained != t->retained)
		return (s->retained < t->retained) - (s->retained > t->retained);
	return strcmp(s->key, t->key);
}

/* Sites: the first non-runtime frame of each bucket, buckets with the
 * same one merged.  An object's retained size counts for its site unless
 * its immediate dominator is from the same site (no double counting of a
 * linked list's nodes). */
static hs_err build_sites(hs_hd_analysis *a, hs_error *err)
{
	const hs_heapdump *h = a->h;
	size_t nb = h->buckets.len;
	a->bucket_site = malloc((nb ? nb : 1) * sizeof *a->bucket_site);
	hs_strmap m;
	if (!a->bucket_site || !hs_strmap_init(&m, nb + 1))
		return hs_fail(err, HS_E_NOMEM, NULL);
	hs_err rc = HS_OK;
	for (size_t b = 0; b < nb && rc == HS_OK; b++) {
		const hs_hd_site_frame *pick = hs_hd_bucket_site(h, (uint32_t)b);
		a->bucket_site[b] = NONE;
		if (!pick)
			continue;
		char key[1200];
		snprintf(key, sizeof key, "%s %s:%" PRIu64, pick->func, pick->file, pick->line);
		const char *k = hs_arena_strndup(&a->arena, key, strlen(key));
		uint32_t idx = k ? hs_strmap_get_or_put(&m, k, strlen(k), (uint32_t)a->sites.len) : NONE;
		if (idx == NONE) {
			rc = hs_fail(err, HS_E_NOMEM, NULL);
		} else if (idx == a->sites.len) {
			hs_hd_site *st = hs_vec_push(&a->sites, 1);
			if (!st)
				rc = hs_fail(err, HS_E_NOMEM, NULL);
			else
				*st = (hs_hd_site){.func = pick->func, .file = pick->file, .line = pick->line,
				                   .key = k};
		}
		a->bucket_site[b] = idx;
	}
	hs_strmap_release(&m);
	for (uint32_t v = 0; rc == HS_OK && v < h->nobjects; v++) {
		uint32_t s = hs_hd_object_site_index(a, v);
		if (s == NONE || a->idom[v] == NONE)
			continue;
		hs_hd_site *site = &HS_VEC_AT(&a->sites, hs_hd_site, s);
		site->objects++;
		site->bytes += h->size[v];
		if (hs_hd_object_site_index(a, a->idom[v]) != s)
			site->retained += a->retained[v];
	}
	return rc;
}

static int class_by_bytes(const void *x, const void *y)
{
	const hs_hd_sizeclass *s = x, *t = y;
	uint64_t bs = s->bytes + s->unreachable_bytes, bt = t->bytes + t->unreachable_bytes;
	if (bs != bt)
		return (bs < bt) - (bs > bt);
	return (s->size > t->size) - (s->size < t->size);
}

static hs_err build_classes(hs_hd_analysis *a, hs_error *err)
{
	const hs_heapdump *h = a->h;
	hs_idmap m;
	if (!hs_idmap_init(&m, 256))
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (uint32_t v = 0; v < h->nobjects; v++) {
		bool dup;
		uint32_t idx = hs_idmap_get(&m, h->size[v]);
		if (idx == NONE) {
			idx = (uint32_t)a->sizeclasses.len;
			hs_hd_sizeclass *c = hs_vec_push(&a->sizeclasses, 1);
			if (!c || !hs_idmap_put(&m, h->size[v], idx, &dup)) {
				hs_idmap_release(&m);
				return hs_fail(err, HS_E_NOMEM, NULL);
			}
			c->size = h->size[v];
		}
		hs_hd_sizeclass *c = &HS_VEC_AT(&a->sizeclasses, hs_hd_sizeclass, idx);
		if (a->idom[v] != NONE) {
			c->objects++;
			c->bytes += h->size[v];
		} else {
			c->unreachable_objects++;
			c->unreachable_bytes += h->size[v];
		}
	}
	hs_idmap_release(&m);
	if (a->sizeclasses.len)
		qsort(a->sizeclasses.data, a->sizeclasses.len, sizeof(hs_hd_sizeclass), class_by_bytes);
	return HS_OK;
}

/* Many same-sized objects right under the accumulation point. */
static void find_group(const hs_hd_analysis *a, hs_hd_suspect *s, uint64_t min_group)
{
	size_t n;
	const uint32_t *kids = hs_hd_children(a, s->accum, &n);
	const hs_heapdump *h = a->h;
	uint64_t best = 0, best_size = 0;
	/* children sorted by retained: same sizes mostly sit together, but
	 * count every distinct size among the first few to be sure */
	for (size_t i = 0; i < n && i < 64; i++) {
		if (kids[i] >= h->nobjects)
			continue;
		uint64_t sz = h->size[kids[i]], cnt = 0;
		if (sz == best_size && best)
			continue;
		for (size_t j = 0; j < n; j++)
			cnt += kids[j] < h->nobjects && h->size[kids[j]] == sz;
		if (cnt > best) {
			best = cnt;
			best_size = sz;
		}
	}
	s->site = hs_hd_object_site_index(a, s->accum);
	s->group_type = NONE;
	if (best < min_group)
		return;
	s->group_count = best;
	s->group_size = best_size;
	bool first = true;
	for (size_t j = 0; j < n; j++)
		if (kids[j] < h->nobjects && h->size[kids[j]] == best_size) {
			uint32_t t = h->obj_type ? h->obj_type[kids[j]] : NONE;
			s->group_type = first || t == s->group_type ? t : NONE;
			first = false;
			s->group_bytes += a->retained[kids[j]];
			if (hs_hd_object_site_index(a, kids[j]) != NONE)
				s->site = hs_hd_object_site_index(a, kids[j]);
		}
}

static hs_err add_suspect(hs_hd_analysis *a, uint32_t node, const hs_hd_opts *o, hs_error *err)
{
	hs_hd_suspect *s = hs_vec_push(&a->suspects, 1);
	if (!s)
		return hs_fail(err, HS_E_NOMEM, NULL);
	hs_vec_init(&s->path, sizeof(uint32_t));
	hs_vec_init(&s->roots, sizeof(uint32_t));
	hs_vec_init(&s->origins, sizeof(hs_hd_origin_row));
	s->node = node;
	s->retained = a->retained[node];
	s->share = a->reachable_bytes ? (double)s->retained / (double)a->reachable_bytes : 0;
	/* accumulation point: go down while one child keeps most of it (MAT) */
	uint32_t cur = node;
	for (;;) {
		size_t n;
		const uint32_t *kids = hs_hd_children(a, cur, &n);
		if (n == 0 || a->retained[kids[0]] * 10 < a->retained[cur] * 8)
			break;
		cur = kids[0];
	}
	s->accum = cur;
	s->accum_retained = a->retained[cur];
	find_group(a, s, o->min_group);
	return HS_OK;
}

hs_err hs_hd_report_build(hs_hd_analysis *a, const hs_hd_opts *o, hs_error *err)
{
	const hs_heapdump *h = a->h;
	hs_err rc = HS_OK;
	sort_children(a);
	for (size_t i = 0; i < a->nholders; i++)
		a->holders[i].retained = a->retained[h->nobjects + i];
	a->holder_order = malloc((a->nholders ? a->nholders : 1) * sizeof *a->holder_order);
	if (!a->holder_order)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; i < a->nholders; i++)
		a->holder_order[i] = (uint32_t)(h->nobjects + i);
	hs_sort(a->holder_order, a->nholders, sizeof *a->holder_order, by_retained, a);
	for (size_t i = 0; i < a->nholders; i++)
		a->holder_order[i] -= (uint32_t)h->nobjects;
	if ((rc = build_sites(a, err)) != HS_OK || (rc = build_classes(a, err)) != HS_OK)
		return rc;
	/* suspects: the super-root's dominator children above the share */
	size_t n;
	const uint32_t *top = hs_hd_children(a, a->super, &n);
	double limit = o->suspect_share * (double)a->reachable_bytes;
	for (size_t i = 0; i < n && rc == HS_OK; i++)
		if (a->retained[top[i]] > 0 && (double)a->retained[top[i]] >= limit)
			rc = add_suspect(a, top[i], o, err);
	if (rc == HS_OK)
		rc = hs_hd_paths(a, err);
	if (rc == HS_OK)
		rc = hs_hd_origins_build(a, err);
	return rc == HS_OK ? hs_hd_owners(a, err) : rc;
}

int hs_hd_site_cmp(const void *x, const void *y)
{
	return site_by_retained(x, y);
}
