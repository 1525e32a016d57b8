/* Allocation origins of what each leak suspect retains: every memprof
 * bucket named by the innermost frame of the program's own code (frames.h)
 * and the chain below it, and per suspect the objects of its dominator
 * subtree summed by origin, those without an alloc sample apart. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "heapscope/frames.h"
#include "heapscope/heapdump.h"

#define NONE HS_HD_NONE

hs_err hs_hd_origins_build(hs_hd_analysis *a, hs_error *err);

uint32_t hs_hd_object_origin(const hs_hd_analysis *a, uint32_t obj)
{
	uint32_t b = hs_heapdump_bucket_of(a->h, obj);
	return b == NONE || !a->bucket_origin ? NONE : a->bucket_origin[b];
}

static const hs_hd_site_frame *bucket_frames(const hs_heapdump *h, uint32_t b, uint32_t *n)
{
	const hs_hd_bucket *k = &HS_VEC_AT(&h->buckets, hs_hd_bucket, b);
	*n = k->nframes;
	return k->nframes ? &HS_VEC_AT(&h->site_frames, hs_hd_site_frame, k->first) : NULL;
}

/* The origin of bucket b: its culprit index and chain end (leaf-first
 * frame indices), own or not.  False for an empty stack. */
static bool culprit_of(const hs_owner *o, const hs_heapdump *h, uint32_t b, size_t *culprit,
                       size_t *end, bool *own)
{
	enum { MAXF = 256 };
	const char *funcs[MAXF], *files[MAXF];
	uint32_t n;
	const hs_hd_site_frame *f = bucket_frames(h, b, &n);
	if (!n)
		return false;
	size_t m = n < MAXF ? n : MAXF;
	for (size_t i = 0; i < m; i++) {
		funcs[i] = f[i].func;
		files[i] = f[i].file;
	}
	*own = hs_owner_culprit(o, funcs, files, m, culprit);
	if (*own) {
		*end = hs_owner_chain_end(o, funcs, files, *culprit);
		return true;
	}
	const hs_hd_site_frame *site = hs_hd_bucket_site(h, b);
	*culprit = *end = (size_t)(site - f);
	return true;
}

static hs_err add_origin(hs_hd_analysis *a, hs_strmap *m, uint32_t b, size_t culprit, size_t end,
                         bool own, uint32_t *idx, hs_error *err)
{
	const hs_heapdump *h = a->h;
	uint32_t n;
	const hs_hd_site_frame *f = bucket_frames(h, b, &n);
	char key[4096];
	size_t o = (size_t)snprintf(key, sizeof key, "%s %s:%" PRIu64, f[culprit].func,
	                            f[culprit].file, f[culprit].line);
	for (size_t i = culprit; i-- > end && o < sizeof key;)
		o += (size_t)snprintf(key + o, sizeof key - o, " -> %s", f[i].func);
	size_t kn = strnlen(key, sizeof key);
	const char *k = hs_arena_strndup(&a->arena, key, kn);
	*idx = k ? hs_strmap_get_or_put(m, k, kn, (uint32_t)a->origins.len) : NONE;
	if (*idx == NONE)
		return hs_fail(err, HS_E_NOMEM, NULL);
	if (*idx != a->origins.len)
		return HS_OK;
	uint32_t nchain = (uint32_t)(culprit - end + 1);
	const char **chain = hs_arena_alloc(&a->arena, nchain * sizeof *chain);
	hs_hd_origin *og = chain ? hs_vec_push(&a->origins, 1) : NULL;
	if (!og)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (uint32_t i = 0; i < nchain; i++)
		chain[i] = f[culprit - i].func;
	*og = (hs_hd_origin){.func = f[culprit].func, .file = f[culprit].file,
	                     .line = f[culprit].line, .own = own, .chain = chain, .nchain = nchain,
	                     .key = k};
	return HS_OK;
}

static hs_err bucket_origins(hs_hd_analysis *a, hs_error *err)
{
	const hs_heapdump *h = a->h;
	size_t nb = h->buckets.len;
	a->bucket_origin = malloc((nb ? nb : 1) * sizeof *a->bucket_origin);
	hs_owner *o = hs_owner_new();
	hs_strmap m;
	bool mapped = hs_strmap_init(&m, nb + 1);
	hs_err rc = a->bucket_origin && o && mapped ? HS_OK : hs_fail(err, HS_E_NOMEM, NULL);
	for (uint32_t b = 0; rc == HS_OK && b < nb; b++) {
		uint32_t n;
		const hs_hd_site_frame *f = bucket_frames(h, b, &n);
		/* a heap dump names a PC by its physical function and the file
		 * of the call inlined there (main.main in flag/flag.go): only the
		 * last frame of a run of one name is in that function's file */
		for (uint32_t i = 0; rc == HS_OK && i < n; i++)
			if (i + 1 == n || strcmp(f[i].func, f[i + 1].func) != 0)
				rc = hs_owner_add_frame(o, f[i].func, f[i].file);
	}
	if (rc == HS_OK)
		rc = hs_owner_finish(o);
	for (uint32_t b = 0; rc == HS_OK && b < nb; b++) {
		size_t culprit, end;
		bool own;
		a->bucket_origin[b] = NONE;
		if (culprit_of(o, h, b, &culprit, &end, &own))
			rc = add_origin(a, &m, b, culprit, end, own, &a->bucket_origin[b], err);
	}
	if (mapped)
		hs_strmap_release(&m);
	hs_owner_free(o);
	return rc;
}

static int row_by_bytes(const void *x, const void *y)
{
	const hs_hd_origin_row *r = x, *s = y;
	if (r->bytes != s->bytes)
		return (r->bytes < s->bytes) - (r->bytes > s->bytes);
	return (r->origin > s->origin) - (r->origin < s->origin);
}

/* The objects of s's dominator subtree, by origin. */
static hs_err suspect_origins(hs_hd_analysis *a, hs_hd_suspect *s, hs_vec *stack,
                              uint32_t *row_of, hs_error *err)
{
	const hs_heapdump *h = a->h;
	stack->len = 0;
	uint32_t *top = hs_vec_push(stack, 1);
	if (!top)
		return hs_fail(err, HS_E_NOMEM, NULL);
	*top = s->node;
	while (stack->len) {
		uint32_t v = HS_VEC_AT(stack, uint32_t, --stack->len);
		size_t nk;
		const uint32_t *kids = hs_hd_children(a, v, &nk);
		uint32_t *d = nk ? hs_vec_push(stack, nk) : NULL;
		if (nk && !d)
			return hs_fail(err, HS_E_NOMEM, NULL);
		if (nk)
			memcpy(d, kids, nk * sizeof *kids);
		if (v >= h->nobjects)
			continue;
		s->objects++;
		uint32_t og = hs_hd_object_origin(a, v);
		if (og == NONE)
			continue;
		s->sampled_objects++;
		s->sampled_bytes += h->size[v];
		if (row_of[og] == NONE) {
			row_of[og] = (uint32_t)s->origins.len;
			hs_hd_origin_row *r = hs_vec_push(&s->origins, 1);
			if (!r)
				return hs_fail(err, HS_E_NOMEM, NULL);
			*r = (hs_hd_origin_row){.origin = og};
		}
		hs_hd_origin_row *r = &HS_VEC_AT(&s->origins, hs_hd_origin_row, row_of[og]);
		r->objects++;
		r->bytes += h->size[v];
	}
	for (size_t i = 0; i < s->origins.len; i++)
		row_of[HS_VEC_AT(&s->origins, hs_hd_origin_row, i).origin] = NONE;
	if (s->origins.len > 1)
		qsort(s->origins.data, s->origins.len, sizeof(hs_hd_origin_row), row_by_bytes);
	return HS_OK;
}

hs_err hs_hd_origins_build(hs_hd_analysis *a, hs_error *err)
{
	hs_err rc = bucket_origins(a, err);
	if (rc != HS_OK)
		return rc;
	size_t no = a->origins.len;
	uint32_t *row_of = malloc((no ? no : 1) * sizeof *row_of);
	hs_vec stack;
	hs_vec_init(&stack, sizeof(uint32_t));
	if (!row_of)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; i < no; i++)
		row_of[i] = NONE;
	for (size_t i = 0; rc == HS_OK && i < a->suspects.len; i++)
		rc = suspect_origins(a, &HS_VEC_AT(&a->suspects, hs_hd_suspect, i), &stack, row_of, err);
	hs_vec_release(&stack);
	free(row_of);
	return rc;
}

void hs_hd_retainer_of(const hs_hd_analysis *a, const hs_hd_suspect *s, hs_hd_retainer *r)
{
	const hs_heapdump *h = a->h;
	*r = (hs_hd_retainer){NONE, NONE, NONE};
	char buf[8];
	/* up from the accumulation point: the last object seen of each kind
	 * is the outermost; the walk ends at the suspect's node (included
	 * when it is an object) or the super-root, in at most one step per
	 * node */
	uint32_t v = s->accum;
	for (size_t steps = 0; v != NONE && v != a->super && steps <= a->super; steps++) {
		if (v < h->nobjects) {
			uint32_t og = hs_hd_object_origin(a, v);
			if (og != NONE) {
				r->site_obj = v;
				r->origin = og;
			}
			if (hs_hd_object_type(h, v, buf, sizeof buf))
				r->typed_obj = v;
		}
		if (v == s->node)
			break;
		v = a->idom[v];
	}
}
