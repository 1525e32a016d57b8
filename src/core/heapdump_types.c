/* Objects by Go type (a core's heap, typed by src/formats/core_types.c):
 * the name an object is shown by, and the histogram of types with the
 * bytes each type's objects retain together. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/heapdump.h"
#include "sort.h"

HS_VEC_VIEW(typerow_vec, hs_hd_typerow)

const char *hs_hd_object_type(const hs_heapdump *h, uint32_t obj, char *buf, size_t size)
{
	if (!h->obj_type || obj >= h->nobjects || h->obj_type[obj] >= h->ntype_names)
		return NULL;
	const char *t = h->type_names[h->obj_type[obj]];
	if (h->obj_count[obj])
		snprintf(buf, size, "%s (%" PRIu32 ")", t, h->obj_count[obj]);
	else
		snprintf(buf, size, "%s", t);
	return buf;
}

const char *hs_hd_group_type(const hs_hd_analysis *a, const hs_hd_suspect *s)
{
	const hs_heapdump *h = a->h;
	return s->group_count && s->group_type < h->ntype_names ? h->type_names[s->group_type] : "";
}

static int by_retained(const void *x, const void *y, void *ctx)
{
	const hs_hd_typerow *a = x, *b = y;
	const hs_heapdump *h = ctx;
	if (a->retained != b->retained)
		return (a->retained < b->retained) - (a->retained > b->retained);
	if (a->bytes != b->bytes)
		return (a->bytes < b->bytes) - (a->bytes > b->bytes);
	return strcmp(h->type_names[a->type], h->type_names[b->type]);
}

/* A type's retained bytes: the retained sizes of its objects that no
 * other object of the type dominates, found in one walk of the dominator
 * tree counting the objects of each type on the path from the root. */
static bool type_retained(const hs_hd_analysis *a, hs_hd_typerow *rows)
{
	const hs_heapdump *h = a->h;
	typedef struct frame {
		uint32_t node;
		size_t next;
	} frame;
	uint32_t *on_path = calloc(h->ntype_names, sizeof *on_path);
	frame *st = malloc(((size_t)a->super + 1) * sizeof *st);
	if (!on_path || !st) {
		free(on_path);
		free(st);
		return false;
	}
	size_t depth = 0;
	st[depth++] = (frame){a->super, 0};
	while (depth) {
		frame *f = &st[depth - 1];
		size_t n;
		const uint32_t *kids = hs_hd_children(a, f->node, &n);
		if (f->next < n && depth <= a->super) {
			uint32_t v = kids[f->next++];
			if (v < h->nobjects && h->obj_type[v] < h->ntype_names) {
				if (!on_path[h->obj_type[v]]++)
					rows[h->obj_type[v]].retained += a->retained[v];
			}
			st[depth++] = (frame){v, 0};
			continue;
		}
		if (f->node < h->nobjects && h->obj_type[f->node] < h->ntype_names)
			on_path[h->obj_type[f->node]]--;
		depth--;
	}
	free(on_path);
	free(st);
	return true;
}

hs_err hs_hd_type_histogram(const hs_hd_analysis *a, hs_vec *rows, uint64_t *typed_objects,
                            uint64_t *typed_bytes, hs_error *err)
{
	const hs_heapdump *h = a->h;
	hs_vec_init(rows, sizeof(hs_hd_typerow));
	*typed_objects = *typed_bytes = 0;
	if (!h->obj_type || !h->ntype_names)
		return HS_OK;
	if (!hs_vec_push(rows, h->ntype_names))
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t t = 0; t < h->ntype_names; t++)
		typerow_vec_at(rows, t)->type = (uint32_t)t;
	for (size_t i = 0; i < h->nobjects; i++) {
		uint32_t t = h->obj_type[i];
		if (t >= h->ntype_names)
			continue;
		hs_hd_typerow *r = typerow_vec_at(rows, t);
		r->objects++;
		r->bytes += h->size[i];
		(*typed_objects)++;
		*typed_bytes += h->size[i];
	}
	if (!type_retained(a, rows->data)) {
		hs_vec_release(rows);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	hs_sort(rows->data, rows->len, sizeof(hs_hd_typerow), by_retained, (void *)h);
	return HS_OK;
}
