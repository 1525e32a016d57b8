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
 *     HS_INSTANCE_TOLERANCE percent at each step;
 *   - per instance when a site of the bundle added HS_INSTANCE_MIN_PARTS
 *     or more objects per base object (the parts), and the bundle's bytes
 *     added are HS_INSTANCE_MIN_SHARE percent or more of the candidate's
 *     growth.
 * A map of records (fan-out about 1), a slice of reports (1), a site that
 * grows by doublings (not in lockstep), or profiles sampled too coarsely
 * for counts to move in step (the rule then stays silent) are not per
 * instance.  The core never prints. */
#ifndef HEAPSCOPE_INSTANCES_H
#define HEAPSCOPE_INSTANCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HS_INSTANCE_MIN_PARTS 8
#define HS_INSTANCE_TOLERANCE 10
#define HS_INSTANCE_MIN_SHARE 50

/* One allocation site: the innermost frame of its stack and the object
 * size; objects[i] in use in heap profile i (time order). */
typedef struct hs_alloc_site {
	const char *func, *file;
	int64_t line;
	int64_t size;              /* bytes per object */
	const int64_t *objects;
} hs_alloc_site;

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
} hs_instances;

/* The rule above over sites s[0..n), nsnap profiles each; growth: the
 * candidate's in-use bytes added.  True and *out filled (series points
 * into the base's objects) when the candidate is built per instance. */
bool hs_instances_find(const hs_alloc_site *s, size_t n, size_t nsnap, int64_t growth,
                       hs_instances *out);

#endif
