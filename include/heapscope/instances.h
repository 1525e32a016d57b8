/* heapscope: a structure built per instance, told from a structure that
 * keeps what it is given, by the allocation sites of a heap growth
 * candidate (leaks.h, mechanism "per instance").
 *
 * A heap profile's sample is one allocation site (a stack and an object
 * size).  A constructor that builds a cache or pool (a sharded cache, a
 * set of slots) makes a fixed bundle of objects on each call: one of
 * each kind of header object, and F of its parts from the statement in
 * its loop.  When such a constructor is called per tenant, room, request
 * or connection instead of once, every site of the bundle grows in
 * lockstep, and the biggest site has F objects for each object of the
 * smallest.  A map or slice that is only added to grows otherwise: the
 * stored values one (or a few) objects per entry, the map's buckets or the
 * slice's array a few, by doubling, never F times the values.
 *
 * The rule, on a candidate's sites (objects in use per heap profile, time
 * order), with three or more profiles:
 *   - the base is the site that rose at every step with the fewest
 *     objects added (first to last): one object per instance;
 *   - a site is in the bundle when it rose at every step by the base's
 *     step times its own ratio (its objects added over the base's), within
 *     the step's tolerance: HS_INSTANCE_TOLERANCE percent of that, or
 *     HS_INSTANCE_SIGMAS times the step's sampling error when that is
 *     more (below);
 *   - per instance when a site of the bundle added HS_INSTANCE_MIN_PARTS
 *     or more objects per base object (the parts), and the bundle's bytes
 *     added are HS_INSTANCE_MIN_SHARE percent or more of the candidate's
 *     growth.
 * A map of records (fan-out about 1), a slice of reports (1), a site that
 * grows by doublings (not in lockstep), or profiles sampled too coarsely
 * for counts to move in step (the rule then stays silent) are not per
 * instance.
 *
 * Sampling error.  A heap profile taken at MemProfileRate R (its period;
 * Go's default 512 KiB) records an allocation of s bytes with probability
 * 1 - exp(-s/R), and pprof scales each sample's counts by the inverse, so
 * a site's objects are estimates: n raw samples stand for n / (1 -
 * exp(-s/R)) objects, with a relative error of about 1/sqrt(n).  The raw
 * samples of a step are its objects added times 1 - exp(-s/R), so the
 * step's error in objects is sqrt(added * scale), scale = 1 / (1 -
 * exp(-s/R)).  The error of a site's step against the base's step times
 * the ratio is the two combined (sqrt(e_site^2 + (ratio e_base)^2)).  At
 * R <= 1 every allocation is recorded (Go does not scale): no error, the
 * percent tolerance alone.  Counts found on sampled profiles are
 * estimates (hs_instances.estimated). */
#ifndef HEAPSCOPE_INSTANCES_H
#define HEAPSCOPE_INSTANCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HS_INSTANCE_MIN_PARTS 8
#define HS_INSTANCE_TOLERANCE 10
#define HS_INSTANCE_MIN_SHARE 50
#define HS_INSTANCE_SIGMAS 3

/* One allocation site: the innermost frame of its stack and the object
 * size; objects[i] in use in heap profile i (time order). */
typedef struct hs_alloc_site {
	const char *func, *file;
	int64_t line;
	int64_t size;              /* bytes per object */
	const int64_t *objects;
	int64_t rate;              /* its profiles' sampling period in bytes (the
	                              largest); <= 1: every allocation recorded */
} hs_alloc_site;

/* pprof's scale of a sample of objects of size bytes at sampling period
 * rate: 1 / (1 - exp(-size / rate)); 1 when rate <= 1 or size <= 0. */
double hs_alloc_scale(int64_t size, int64_t rate);

/* The raw samples behind objects (scaled) of that size at that rate:
 * objects / hs_alloc_scale(), rounded. */
int64_t hs_alloc_samples(int64_t objects, int64_t size, int64_t rate);

/* What the rule found: numbers and sites only. */
typedef struct hs_instances {
	size_t nsnap;
	const int64_t *series;     /* instances (the base's objects) per profile */
	int64_t first, last;       /* series[0], series[nsnap - 1] */
	int64_t added;             /* last - first */
	hs_alloc_site base;        /* the one-per-instance object */
	hs_alloc_site parts;       /* the biggest site of the bundle */
	int64_t parts_per_instance;    /* its objects added per instance, rounded */
	int64_t objects_per_instance;  /* the bundle's objects added per instance */
	int64_t bytes_per_instance;    /* the bundle's bytes added per instance */
	size_t sites;              /* sites in the bundle */
	int64_t bundle_bytes;      /* the bundle's bytes added */
	bool estimated;            /* sampled profiles: the counts are estimates */
	int64_t rate;              /* the base's sampling period (<= 1: exact) */
	int64_t base_samples;      /* raw samples behind last (the base's) */
} hs_instances;

/* The rule above over sites s[0..n), nsnap profiles each; growth: the
 * candidate's in-use bytes added.  True and *out filled (series points
 * into the base's objects) when the candidate is built per instance. */
bool hs_instances_find(const hs_alloc_site *s, size_t n, size_t nsnap, int64_t growth,
                       hs_instances *out);

#endif
