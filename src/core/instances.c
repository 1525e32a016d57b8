/* heapscope: a structure built per instance (instances.h). */
#include <math.h>

#include "heapscope/instances.h"

/* Objects site s added from the first profile to the last, when it rose
 * at every step; else 0. */
static int64_t added_rising(const hs_alloc_site *s, size_t nsnap)
{
	for (size_t i = 1; i < nsnap; i++)
		if (s->objects[i] <= s->objects[i - 1])
			return 0;
	return s->objects[nsnap - 1] - s->objects[0];
}

double hs_alloc_scale(int64_t size, int64_t rate)
{
	if (rate <= 1 || size <= 0)
		return 1.0;
	return 1.0 / -expm1(-(double)size / (double)rate);
}

int64_t hs_alloc_samples(int64_t objects, int64_t size, int64_t rate)
{
	return llround((double)objects / hs_alloc_scale(size, rate));
}

/* The sampling error, in objects, of a step that added `added` objects of
 * site s: sqrt(added * scale) (instances.h); 0 when every allocation is
 * recorded. */
static double step_error(const hs_alloc_site *s, double added)
{
	return s->rate <= 1 ? 0.0 : sqrt(fabs(added) * hs_alloc_scale(s->size, s->rate));
}

/* Site s moved in step with base b: at every step it added its ratio
 * (ds / db) times what the base added, within the tolerance: the percent,
 * or the step's sampling error times HS_INSTANCE_SIGMAS when more. */
static bool in_step(const hs_alloc_site *s, int64_t ds, const hs_alloc_site *b, int64_t db,
                    size_t nsnap)
{
	double ratio = (double)ds / (double)db;
	for (size_t i = 1; i < nsnap; i++) {
		double step = (double)(b->objects[i] - b->objects[i - 1]);
		double want = step * ratio;
		double got = (double)(s->objects[i] - s->objects[i - 1]);
		double es = step_error(s, got), eb = ratio * step_error(b, step);
		double tol = fmax(HS_INSTANCE_TOLERANCE * want / 100.0,
		                  HS_INSTANCE_SIGMAS * sqrt(es * es + eb * eb));
		if (fabs(got - want) > tol)
			return false;
	}
	return true;
}

bool hs_instances_find(const hs_alloc_site *s, size_t n, size_t nsnap, int64_t growth,
                       hs_instances *out)
{
	if (nsnap < 3 || growth <= 0)
		return false;
	const hs_alloc_site *b = NULL;
	int64_t db = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t d = added_rising(&s[i], nsnap);
		/* ties: the bigger object, a structure's header before its parts */
		if (d > 0 && (!b || d < db || (d == db && s[i].size > b->size))) {
			b = &s[i];
			db = d;
		}
	}
	if (!b)
		return false;
	const hs_alloc_site *parts = b;
	int64_t dp = db, objects = 0;
	double bytes = 0;
	size_t sites = 0;
	for (size_t i = 0; i < n; i++) {
		int64_t d = added_rising(&s[i], nsnap);
		if (d <= 0 || !in_step(&s[i], d, b, db, nsnap))
			continue;
		sites++;
		objects += d;
		bytes += (double)d * (double)s[i].size;
		if (d > dp) {
			parts = &s[i];
			dp = d;
		}
	}
	if (dp < (int64_t)HS_INSTANCE_MIN_PARTS * db || bytes * 100.0 < HS_INSTANCE_MIN_SHARE * (double)growth)
		return false;
	*out = (hs_instances){.nsnap = nsnap, .series = b->objects, .first = b->objects[0],
	                      .last = b->objects[nsnap - 1], .added = db, .base = *b, .parts = *parts,
	                      .parts_per_instance = (dp + db / 2) / db,
	                      .objects_per_instance = (objects + db / 2) / db,
	                      .bytes_per_instance = llround(bytes / (double)db), .sites = sites,
	                      .bundle_bytes = llround(bytes), .estimated = b->rate > 1,
	                      .rate = b->rate,
	                      .base_samples = hs_alloc_samples(b->objects[nsnap - 1], b->size,
	                                                       b->rate)};
	return true;
}
