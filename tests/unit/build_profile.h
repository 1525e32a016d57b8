/* Test helper: build a one-sample-type profile in memory through the same
 * model API the loaders use, so tests state their stacks directly. */
#ifndef HS_TEST_BUILD_PROFILE_H
#define HS_TEST_BUILD_PROFILE_H

#include <string.h>

#include "heapscope/model.h"

static inline void tp_init(hs_profile *p, const char *type, const char *unit)
{
	hs_profile_init(p);
	hs_profile_add_string(p, "", 0);
	hs_value_type *vt = hs_vec_push(&p->sample_types, 1);
	vt->type = hs_profile_intern(p, type, strlen(type));
	vt->unit = hs_profile_intern(p, unit, strlen(unit));
}

static inline uint32_t add_function(hs_profile *p, const char *name)
{
	hs_function *f = hs_vec_push(&p->functions, 1);
	f->id = p->functions.len;
	f->name = f->system_name = hs_profile_intern(p, name, strlen(name));
	return (uint32_t)f->id;
}

/* Location with the given function ids as lines, innermost first. */
static inline uint32_t add_location(hs_profile *p, const uint32_t *fns, size_t n)
{
	hs_location *l = hs_vec_push(&p->locations, 1);
	l->id = p->locations.len;
	l->line_start = (uint32_t)p->lines.len;
	l->nlines = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		hs_line *ln = hs_vec_push(&p->lines, 1);
		ln->function = fns[i];
	}
	return (uint32_t)l->id;
}

/* A sample of value v over location ids, leaf first. */
static inline void add_sample(hs_profile *p, const uint32_t *locs, size_t n, int64_t v)
{
	int64_t *vals = hs_profile_begin_sample(p);
	vals[0] = v;
	for (size_t i = 0; i < n; i++)
		hs_profile_push_location(p, locs[i]);
	hs_profile_end_sample(p);
}

#endif
