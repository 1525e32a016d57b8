/* Heap dumps in `leaks` (leaks.h: growing retainer, retention): the roots'
 * retained bytes go to leaks.c's growing-retainer series; each suspect of
 * the dump's analysis, with its owner (heapdump.h, "Ownership of a
 * suspect"), becomes a retention candidate here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/heapdump.h"
#include "leaks_hd.h"

typedef struct hd_rec {
	const char *key;           /* the owner's run-independent key */
	uint32_t dump;             /* the dump's place in the order given */
	hs_leak_retention r;       /* strings in the arena */
} hd_rec;

struct leaks_hd {
	hs_arena arena;
	hs_vec recs;               /* hd_rec */
	hs_vec leaks;              /* hs_leak, at finish */
	uint32_t ndumps;
};

void leaks_hd_free(leaks_hd *hd)
{
	if (!hd)
		return;
	hs_vec_release(&hd->recs);
	hs_vec_release(&hd->leaks);
	hs_arena_release(&hd->arena);
	free(hd);
}

static const char *dup(leaks_hd *hd, const char *s)
{
	return hs_arena_strndup(&hd->arena, s ? s : "", s ? strlen(s) : 0);
}

static const char *node_name(leaks_hd *hd, const hs_hd_analysis *a, uint32_t node)
{
	char buf[600];
	return node == HS_HD_NONE ? dup(hd, "") : dup(hd, hs_hd_node_name(a, node, buf, sizeof buf));
}

/* The roots' names, the owner first; false on no memory. */
static bool root_names(leaks_hd *hd, const hs_hd_analysis *a, const hs_hd_suspect *s,
                       hs_leak_retention *r)
{
	const char **names = hs_arena_alloc(&hd->arena, (s->roots.len + 1) * sizeof *names);
	if (!names)
		return false;
	for (size_t k = 0; k < s->roots.len; k++)
		if (!(names[k] = dup(hd, a->holders[HS_VEC_AT(&s->roots, uint32_t, k)].name)))
			return false;
	r->roots = names;
	r->nroots = s->roots.len;
	return true;
}

/* The suspect's biggest allocation origin; false on no memory. */
static bool origin(leaks_hd *hd, const hs_hd_analysis *a, const hs_hd_suspect *s,
                   hs_leak_retention *r)
{
	const hs_heapdump *h = a->h;
	r->sampled_bytes = s->sampled_bytes;
	r->memprof_rate = h->has_memprof_rate ? h->memprof_rate : 0;
	const hs_hd_origin_row *row = s->origins.len ? s->origins.data : NULL;
	const hs_hd_origin *o = row ? &HS_VEC_AT(&a->origins, hs_hd_origin, row->origin) : NULL;
	char chain[1024];
	size_t n = 0;
	chain[0] = '\0';
	for (uint32_t i = 0; o && o->nchain > 1 && i < o->nchain && n < sizeof chain; i++)
		n += (size_t)snprintf(chain + n, sizeof chain - n, "%s%s", i ? " -> " : "", o->chain[i]);
	r->origin_func = dup(hd, o ? o->func : "");
	r->origin_file = dup(hd, o ? o->file : "");
	r->origin_chain = dup(hd, chain);
	r->origin_line = o ? o->line : 0;
	r->origin_objects = row ? row->objects : 0;
	r->origin_bytes = row ? row->bytes : 0;
	r->origin_own = o && o->own;
	return r->origin_func && r->origin_file && r->origin_chain;
}

const char *hs_retention_named_name(hs_retention_named n)
{
	static const char *const names[] = {"address", "root", "type", "site"};
	return (unsigned)n < sizeof names / sizeof *names ? names[n] : "";
}

/* The retaining structure's site and type, and the name they give the
 * suspect (leaks.h, hs_retention_named); after r->owner and owner_root
 * are set.  False on no memory. */
static bool retainer(leaks_hd *hd, const hs_hd_analysis *a, const hs_hd_suspect *s,
                     hs_leak_retention *r)
{
	hs_hd_retainer rt;
	hs_hd_retainer_of(a, s, &rt);
	const hs_hd_origin *o =
		rt.origin != HS_HD_NONE ? &HS_VEC_AT(&a->origins, hs_hd_origin, rt.origin) : NULL;
	char buf[600];
	r->retainer_func = dup(hd, o ? o->func : "");
	r->retainer_file = dup(hd, o ? o->file : "");
	r->retainer_line = o ? o->line : 0;
	r->retainer_own = o && o->own;
	const char **chain = o ? hs_arena_alloc(&hd->arena, o->nchain * sizeof *chain) : NULL;
	if (o && !chain)
		return false;
	for (uint32_t i = 0; o && i < o->nchain; i++)
		if (!(chain[i] = dup(hd, o->chain[i])))
			return false;
	r->retainer_chain = chain;
	r->nretainer_chain = o ? o->nchain : 0;
	r->retainer_addr = rt.site_obj != HS_HD_NONE ? hs_heapdump_addr(a->h, rt.site_obj) : 0;
	r->retainer_size = rt.site_obj != HS_HD_NONE ? a->h->size[rt.site_obj] : 0;
	/* the type of the object the site names, else of the outermost typed */
	uint32_t typed = o ? rt.site_obj : rt.typed_obj;
	const char *type = typed != HS_HD_NONE ? hs_hd_object_type(a->h, typed, buf, sizeof buf) : NULL;
	r->retainer_type = dup(hd, type ? type : "");
	if (!r->retainer_func || !r->retainer_file || !r->retainer_type)
		return false;
	if (o) {
		r->named_by = HS_NAMED_SITE;
		r->name = r->retainer_func;
	} else if (!*r->owner_root) {
		r->named_by = HS_NAMED_ROOT;
		r->name = r->owner;
	} else if (*r->retainer_type) {
		r->named_by = HS_NAMED_TYPE;
		r->name = r->retainer_type;
	} else {
		snprintf(buf, sizeof buf, "%s from %s", r->owner, r->owner_root);
		r->named_by = HS_NAMED_ADDRESS;
		r->name = dup(hd, buf);
	}
	return r->name != NULL;
}

/* Suspect s of dump `file` as a record; false on no memory. */
static bool add_suspect(leaks_hd *hd, const hs_hd_analysis *a, const hs_hd_suspect *s,
                        const char *file)
{
	hd_rec *x = hs_vec_push(&hd->recs, 1);
	if (!x)
		return false;
	memset(x, 0, sizeof *x);
	const hs_hd_holder *o = s->owner != HS_HD_NONE ? &a->holders[s->owner] : NULL;
	hs_leak_retention *r = &x->r;
	x->dump = hd->ndumps;
	x->key = o ? dup(hd, o->key) : node_name(hd, a, s->node);
	bool shared = hs_hd_owned_by_structure(a, s);
	r->owner = o && !shared ? dup(hd, o->name) : node_name(hd, a, s->node);
	r->owner_root = dup(hd, shared ? o->name : "");
	r->owner_rank = o ? hs_hd_owner_rank(o->kind) : 0;
	r->structure = node_name(hd, a, s->structure);
	r->accumulation = node_name(hd, a, s->accum);
	r->accumulation_retained = s->accum_retained;
	r->group_count = s->group_count;
	r->group_size = s->group_size;
	r->group_bytes = s->group_bytes;
	r->group_type = dup(hd, hs_hd_group_type(a, s));
	const hs_hd_site *site = s->site != HS_HD_NONE ? &HS_VEC_AT(&a->sites, hs_hd_site, s->site)
	                                               : NULL;
	r->site_func = dup(hd, site ? site->func : "");
	r->site_file = dup(hd, site ? site->file : "");
	r->site_line = site ? site->line : 0;
	if (!origin(hd, a, s, r) || !r->owner || !r->owner_root || !retainer(hd, a, s, r))
		return false;
	r->retained = s->retained;
	r->reachable = a->reachable_bytes;
	r->share = 100.0 * s->share;
	r->file = dup(hd, file);
	return x->key && r->owner && r->owner_root && r->structure && r->accumulation && r->group_type &&
	       r->site_func && r->site_file && r->file && root_names(hd, a, s, r);
}

hs_err hs_leaks_add_heapdump(hs_leaks *l, const char *name, const hs_hd_analysis *a,
                             hs_error *err)
{
	size_t n = a->nholders;
	const char **keys = malloc((n ? n : 1) * sizeof *keys);
	uint64_t *ret = malloc((n ? n : 1) * sizeof *ret);
	hs_err rc = keys && ret ? HS_OK : hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; rc == HS_OK && i < n; i++) {
		keys[i] = a->holders[i].key;
		ret[i] = a->holders[i].retained;
	}
	if (rc == HS_OK)
		rc = hs_leaks_add_retainers(l, name, keys, ret, n, a->reachable_bytes, err);
	free(keys);
	free(ret);
	leaks_hd **slot = hs_leaks_hd_slot(l);
	if (rc == HS_OK && !*slot) {
		if (!(*slot = calloc(1, sizeof **slot)))
			return hs_fail(err, HS_E_NOMEM, NULL);
		hs_arena_init(&(*slot)->arena);
		hs_vec_init(&(*slot)->recs, sizeof(hd_rec));
		hs_vec_init(&(*slot)->leaks, sizeof(hs_leak));
	}
	for (size_t i = 0; rc == HS_OK && i < a->suspects.len; i++)
		if (!add_suspect(*slot, a, &HS_VEC_AT(&a->suspects, hs_hd_suspect, i), name))
			rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (rc == HS_OK)
		(*slot)->ndumps++;
	return rc;
}

static int by_key(const void *x, const void *y)
{
	const hd_rec *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->dump > b->dump) - (a->dump < b->dump);
}

static hs_severity severity_of(double share)
{
	return share >= HS_LEAK_RETENTION_HIGH     ? HS_SEV_HIGH
	       : share >= HS_LEAK_RETENTION_MEDIUM ? HS_SEV_MEDIUM
	                                           : HS_SEV_LOW;
}

/* One candidate for records r[0..n) of one key, in dump order. */
static bool key_leak(leaks_hd *hd, const hd_rec *r, size_t n)
{
	const hs_leak_retention *last = &r[n - 1].r;
	hs_leak *k = hs_vec_push(&hd->leaks, 1);
	hs_leak_point *pt = k ? hs_arena_alloc(&hd->arena, n * sizeof *pt) : NULL;
	if (!pt)
		return false;
	/* a shared object no global holds: named with the root reaching it first */
	char named[1024];
	snprintf(named, sizeof named, "%s from %s", last->owner, last->owner_root);
	const char *culprit = *last->owner_root ? hs_arena_strndup(&hd->arena, named, strlen(named))
	                                        : last->owner;
	if (!culprit)
		return false;
	*k = (hs_leak){.severity = severity_of(last->share), .kind = HS_LEAK_RETENTION,
	               .culprit = culprit, .weight = (int64_t)last->retained, .state = "",
	               .created_by = "", .first = (int64_t)r[0].r.retained,
	               .last = (int64_t)last->retained, .share_first = r[0].r.share,
	               .share_last = last->share, .retention = last, .points = pt, .npoints = n};
	int64_t *series = hs_arena_alloc(&hd->arena, n * sizeof *series);
	if (!series)
		return false;
	for (size_t i = 0; i < n; i++) {
		pt[i] = (hs_leak_point){r[i].r.file, 0, (int64_t)r[i].r.retained,
		                        (int64_t)r[i].r.reachable};
		series[i] = (int64_t)r[i].r.retained;
	}
	/* one dump shows a size, not a growth: medium at most, low confidence
	 * (leaks.h); a retained size that grows over dumps keeps its share's
	 * severity */
	k->confidence = hs_leak_confidence(series, n, 1, false);
	if (k->confidence == HS_CONF_LOW && k->severity == HS_SEV_HIGH)
		k->severity = HS_SEV_MEDIUM;
	return true;
}

hs_err leaks_hd_finish(leaks_hd *hd, const hs_leak **out, size_t *n, hs_error *err)
{
	*out = NULL;
	*n = 0;
	if (!hd)
		return HS_OK;
	hd->leaks.len = 0;
	size_t nr = hd->recs.len;
	hd_rec *r = hd->recs.data;
	if (nr)
		qsort(r, nr, sizeof *r, by_key);
	for (size_t i = 0, j; i < nr; i = j) {
		for (j = i + 1; j < nr && strcmp(r[j].key, r[i].key) == 0; j++)
			;
		if (!key_leak(hd, r + i, j - i))
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	*out = hd->leaks.data;
	*n = hd->leaks.len;
	return HS_OK;
}
