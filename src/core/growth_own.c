/* heapscope: the own-code culprit of a growth row (heapscope/growth.h). */
#include <stdlib.h>
#include <string.h>

#include "heapscope/growth.h"
#include "stacks.h"

struct hs_growth_own {
	hs_stacks stacks;      /* interned across both snapshots */
	int64_t *value[2];     /* per interned stack: first, last */
	size_t cap;
	bool finished;         /* the owner has seen both snapshots' frames */
};

hs_growth_own *hs_growth_own_new(hs_error *err)
{
	hs_growth_own *o = calloc(1, sizeof *o);
	if (!o || !hs_stacks_init(&o->stacks)) {
		free(o);
		hs_fail(err, HS_E_NOMEM, "out of memory");
		return NULL;
	}
	return o;
}

void hs_growth_own_free(hs_growth_own *o)
{
	if (!o)
		return;
	hs_stacks_release(&o->stacks);
	free(o->value[0]);
	free(o->value[1]);
	free(o);
}

hs_err hs_growth_own_set_regex(hs_growth_own *o, const char *re, hs_error *err)
{
	return hs_owner_set_regex(o->stacks.owner, re, err);
}

/* Room for stack id `id` in both value arrays. */
static bool reserve(hs_growth_own *o, uint32_t id)
{
	if (id < o->cap)
		return true;
	size_t cap = o->cap ? o->cap : 256;
	while (cap <= id)
		cap *= 2;
	for (int k = 0; k < 2; k++) {
		int64_t *v = realloc(o->value[k], cap * sizeof *v);
		if (!v)
			return false;
		memset(v + o->cap, 0, (cap - o->cap) * sizeof *v);
		o->value[k] = v;
	}
	o->cap = cap;
	return true;
}

hs_err hs_growth_own_add(hs_growth_own *o, const hs_view *v, bool last, hs_error *err)
{
	const hs_profile *p = v->p;
	if (hs_stacks_add_functions(&o->stacks, p, err) != HS_OK)
		return HS_E_NOMEM;
	for (size_t s = 0; s < p->nsamples; s++) {
		if (!v->stack_live[hs_sample_stack_id(p, s)])
			continue;
		int64_t val = hs_sample_values(p, s)[v->sample_index];
		if (val == 0)
			continue;
		uint32_t id = hs_stacks_of_sample(&o->stacks, p, s);
		if (id == UINT32_MAX || !reserve(o, id))
			return hs_fail(err, HS_E_NOMEM, "out of memory");
		o->value[last][id] += val;
	}
	o->finished = false;
	return HS_OK;
}

const char *hs_growth_own_culprit(hs_growth_own *o, const char *func, int64_t *growth)
{
	*growth = 0;
	if (!o->finished) {
		if (hs_owner_finish(o->stacks.owner) != HS_OK)
			return NULL;
		o->finished = true;
	}
	if (hs_owner_classify(o->stacks.owner, func, NULL) == HS_FRAME_OWN)
		return NULL;
	/* per culprit, the growth of the stacks it heads: few distinct
	 * culprits sit above one function, so a short list does */
	enum { MAX_CULPRITS = 64 };
	const char *name[MAX_CULPRITS];
	int64_t sum[MAX_CULPRITS];
	size_t n = 0;
	size_t nstacks = hs_stack_vec_len(&o->stacks.stacks);
	for (size_t id = 0; id < nstacks && id < o->cap; id++) {
		const hs_stack *st = hs_stacks_at(&o->stacks, (uint32_t)id);
		if (st->n == 0 || strcmp(st->funcs[0], func) != 0)
			continue;
		hs_chain chain;
		const char *c = hs_stacks_culprit(&o->stacks, (uint32_t)id, &chain);
		if (!c)
			continue;
		size_t k = 0;
		while (k < n && name[k] != c)   /* interned: one pointer per name */
			k++;
		if (k == n) {
			if (n == MAX_CULPRITS)
				continue;
			name[n] = c, sum[n++] = 0;
		}
		sum[k] += o->value[1][id] - o->value[0][id];
	}
	const char *best = NULL;
	for (size_t k = 0; k < n; k++)
		if (sum[k] > 0 && (!best || sum[k] > *growth ||
		                   (sum[k] == *growth && strcmp(name[k], best) < 0)))
			best = name[k], *growth = sum[k];
	return best;
}
