/* Growth of retained bytes per root and per allocation site between two
 * heap dumps.  Roots match by key (run-independent: a global's name, a
 * stack function), sites by function and file:line. */
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "heapscope/heapdump.h"

static int by_growth(const void *x, const void *y)
{
	const hs_hd_delta *a = x, *b = y;
	int64_t ga = (int64_t)(a->cur - a->base), gb = (int64_t)(b->cur - b->base);
	if (ga != gb)
		return (ga < gb) - (ga > gb);
	if (a->site != b->site)
		return a->site - b->site;
	return strcmp(a->key, b->key);
}

/* Add one side's value for key to its row, creating the row. */
static bool add(hs_vec *rows, hs_strmap *m, const char *key, bool site, bool cur, uint64_t bytes,
                uint64_t objects)
{
	uint32_t i = hs_strmap_get_or_put(m, key, strlen(key), (uint32_t)rows->len);
	if (i == UINT32_MAX)
		return false;
	if (i == rows->len) {
		hs_hd_delta *d = hs_vec_push(rows, 1);
		if (!d)
			return false;
		d->key = key;
		d->site = site;
	}
	hs_hd_delta *d = &HS_VEC_AT(rows, hs_hd_delta, i);
	*(cur ? &d->cur : &d->base) += bytes;
	*(cur ? &d->cur_objects : &d->base_objects) += objects;
	return true;
}

hs_err hs_hd_diff(hs_vec *rows, const hs_hd_analysis *base, const hs_hd_analysis *cur,
                  hs_error *err)
{
	hs_vec_init(rows, sizeof(hs_hd_delta));
	hs_strmap roots, sites;
	if (!hs_strmap_init(&roots, 64) || !hs_strmap_init(&sites, 64))
		return hs_fail(err, HS_E_NOMEM, NULL);
	bool ok = true;
	for (int side = 0; side < 2 && ok; side++) {
		const hs_hd_analysis *a = side ? cur : base;
		for (size_t i = 0; i < a->nholders && ok; i++)
			ok = add(rows, &roots, a->holders[i].key, false, side, a->holders[i].retained, 0);
		for (size_t i = 0; i < a->sites.len && ok; i++) {
			const hs_hd_site *s = &HS_VEC_AT(&a->sites, hs_hd_site, i);
			ok = add(rows, &sites, s->key, true, side, s->retained, s->objects);
		}
	}
	hs_strmap_release(&roots);
	hs_strmap_release(&sites);
	if (!ok) {
		hs_vec_release(rows);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	if (rows->len)
		qsort(rows->data, rows->len, sizeof(hs_hd_delta), by_growth);
	return HS_OK;
}
