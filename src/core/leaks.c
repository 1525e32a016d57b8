/* heapscope: leak candidates (leaks.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "heapscope/graph.h"
#include "heapscope/growth.h"
#include "heapscope/leaks.h"

typedef struct lgroup {
	const char *culprit, *created_by, *state;
	hs_wait_kind kind;
	int64_t max, wait;
	bool benign;
	bool named;        /* a candidate names it */
} lgroup;

typedef struct lrec {
	uint32_t group;
	uint32_t snap;
	int64_t count;
} lrec;

typedef struct hrec {
	uint32_t snap;
	const char *name;
	int64_t value;
} hrec;

const char *hs_severity_name(hs_severity s)
{
	return s == HS_SEV_HIGH ? "high" : s == HS_SEV_MEDIUM ? "medium" : "low";
}

void hs_leak_opts_default(hs_leak_opts *o)
{
	o->min_high = 100;
	o->min_medium = 10;
	o->min_wait_minutes = 10;
}

hs_err hs_leaks_init(hs_leaks *l, const hs_leak_opts *o, hs_error *err)
{
	memset(l, 0, sizeof *l);
	if (o)
		l->o = *o;
	else
		hs_leak_opts_default(&l->o);
	hs_arena_init(&l->arena);
	hs_vec_init(&l->groups, sizeof(lgroup));
	hs_vec_init(&l->recs, sizeof(lrec));
	hs_vec_init(&l->heap, sizeof(hrec));
	hs_vec_init(&l->heap_times, sizeof(int64_t));
	hs_vec_init(&l->heap_totals, sizeof(int64_t));
	hs_vec_init(&l->retainers, sizeof(hrec));
	hs_vec_init(&l->dump_reachable, sizeof(int64_t));
	hs_vec_init(&l->leaks, sizeof(hs_leak));
	hs_strmap *m = malloc(sizeof *m);
	if (!m || !hs_strmap_init(m, 64)) {
		free(m);
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	}
	l->index = m;
	return HS_OK;
}

void hs_leaks_release(hs_leaks *l)
{
	for (size_t i = 0; i < l->leaks.len; i++)
		hs_vec_release(&HS_VEC_AT(&l->leaks, hs_leak, i).evidence);
	hs_vec_release(&l->leaks);
	hs_vec_release(&l->retainers);
	hs_vec_release(&l->dump_reachable);
	hs_vec_release(&l->groups);
	hs_vec_release(&l->recs);
	hs_vec_release(&l->heap);
	hs_vec_release(&l->heap_times);
	hs_vec_release(&l->heap_totals);
	if (l->index) {
		hs_strmap_release(l->index);
		free(l->index);
	}
	hs_arena_release(&l->arena);
	memset(l, 0, sizeof *l);
}

static const char *dup(hs_leaks *l, const char *s)
{
	return hs_arena_strndup(&l->arena, s, strlen(s));
}

static lgroup *group(hs_leaks *l, const hs_wait_info *wi, uint32_t *gi)
{
	char key[1024];
	int n = snprintf(key, sizeof key, "%d\x1f%s", (int)wi->kind, wi->culprit);
	size_t kl = n < 0 ? 0 : (size_t)n < sizeof key ? (size_t)n : sizeof key - 1;
	*gi = hs_strmap_get(l->index, key, kl);
	if (*gi != UINT32_MAX) {
		lgroup *g = &HS_VEC_AT(&l->groups, lgroup, *gi);
		if (!*g->created_by && *wi->created_by)
			g->created_by = dup(l, wi->created_by);
		if (!*g->state && *wi->state)
			g->state = dup(l, wi->state);
		return g->created_by && g->state ? g : NULL;
	}
	char *kc = hs_arena_strndup(&l->arena, key, kl);
	lgroup *g = kc ? hs_vec_push(&l->groups, 1) : NULL;
	*gi = (uint32_t)(l->groups.len - 1);
	if (!g || hs_strmap_get_or_put(l->index, kc, kl, *gi) == UINT32_MAX)
		return NULL;
	memset(g, 0, sizeof *g);
	g->culprit = dup(l, wi->culprit);
	g->created_by = dup(l, wi->created_by);
	g->state = dup(l, wi->state);
	g->kind = wi->kind;
	g->benign = wi->runtime_only;
	return g->culprit && g->created_by && g->state ? g : NULL;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static hs_err add_goroutines(hs_leaks *l, const hs_profile *p, hs_error *err)
{
	int vi = hs_profile_default_index(p);
	/* the file's "dump" labels, in order, one snapshot each */
	hs_vec dumps;
	hs_vec_init(&dumps, sizeof(int64_t));
	bool ok = true;
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		hs_wait_info wi;
		hs_wait_info_of(p, s, &wi);
		int64_t *d = hs_vec_push(&dumps, 1);
		if ((ok = d != NULL))
			*d = wi.dump;
	}
	if (ok && dumps.len)
		qsort(dumps.data, dumps.len, sizeof(int64_t), cmp_i64);
	size_t nd = 0;
	for (size_t i = 0; i < dumps.len; i++)
		if (i == 0 || HS_VEC_AT(&dumps, int64_t, i) != HS_VEC_AT(&dumps, int64_t, nd - 1))
			HS_VEC_AT(&dumps, int64_t, nd++) = HS_VEC_AT(&dumps, int64_t, i);
	for (size_t s = 0; ok && s < p->nsamples; s++) {
		int64_t v = vi >= 0 ? hs_sample_values(p, s)[vi] : 1;
		hs_wait_info wi;
		hs_wait_info_of(p, s, &wi);
		if (v <= 0 || wi.kind == HS_WAIT_NONE)
			continue;
		size_t di = 0;
		while (di < nd && HS_VEC_AT(&dumps, int64_t, di) != wi.dump)
			di++;
		uint32_t gi;
		lgroup *g = group(l, &wi, &gi);
		lrec *r = g ? hs_vec_push(&l->recs, 1) : NULL;
		if (!(ok = r != NULL))
			break;
		if (wi.wait_minutes > g->wait)
			g->wait = wi.wait_minutes;
		*r = (lrec){gi, (uint32_t)(l->nsnap + di), v};
	}
	l->nsnap += nd ? nd : 1;
	hs_vec_release(&dumps);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

static int type_index(const hs_profile *p, const char *type)
{
	for (size_t i = 0; i < hs_ntypes(p); i++)
		if (strcmp(hs_s(p, HS_VEC_AT(&p->sample_types, hs_value_type, i).type), type) == 0)
			return (int)i;
	return -1;
}

static hs_err add_heap(hs_leaks *l, const hs_profile *p, int si, hs_error *err)
{
	hs_view v;
	hs_view_opts vo = {.sample_index = si, .granularity = HS_GRAN_FUNCTIONS};
	hs_err rc = hs_view_build(&v, p, &vo, err);
	if (rc)
		return rc;
	hs_graph gr;
	rc = hs_graph_build(&gr, &v, NULL, false, err);
	if (rc) {
		hs_view_release(&v);
		return rc;
	}
	uint32_t snap = (uint32_t)l->heap_times.len;
	int64_t *t = hs_vec_push(&l->heap_times, 1), *tot = hs_vec_push(&l->heap_totals, 1);
	bool ok = t && tot;
	if (ok) {
		*t = p->time_nanos;
		*tot = v.total;
	}
	for (size_t i = 0; ok && i < gr.npresent; i++) {
		uint32_t id = gr.present[i];
		if (!gr.flat[id])
			continue;
		const char *nm = dup(l, HS_VEC_AT(&v.nodes, hs_node_info, id).name);
		hrec *h = nm ? hs_vec_push(&l->heap, 1) : NULL;
		if ((ok = h != NULL))
			*h = (hrec){snap, nm, gr.flat[id]};
	}
	hs_graph_release(&gr);
	hs_view_release(&v);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

hs_err hs_leaks_add(hs_leaks *l, const hs_profile *p, const char *name, hs_error *err)
{
	(void)name;
	hs_wait_source src = hs_wait_source_of(p);
	if (src == HS_SRC_DUMP || src == HS_SRC_GOROUTINE)
		return add_goroutines(l, p, err);
	int si = type_index(p, "inuse_space");
	if (si >= 0)
		return add_heap(l, p, si, err);
	return hs_fail(err, HS_E_USAGE, "not a goroutine dump, goroutine or heap profile");
}

/* ---- finish -------------------------------------------------------------- */

static hs_leak *new_leak(hs_leaks *l, hs_severity sev, const char *kind, const char *culprit,
                         const char *hint, int64_t weight)
{
	hs_leak *k = hs_vec_push(&l->leaks, 1);
	if (!k)
		return NULL;
	*k = (hs_leak){sev, kind, culprit, hint, weight, {0}};
	hs_vec_init(&k->evidence, sizeof(const char *));
	return k;
}

static bool say(hs_leaks *l, hs_leak *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#include <stdarg.h>
static bool say(hs_leaks *l, hs_leak *k, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	const char *c = dup(l, line);
	const char **slot = c ? hs_vec_push(&k->evidence, 1) : NULL;
	if (slot)
		*slot = c;
	return slot != NULL;
}

static bool chan_like(hs_wait_kind k)
{
	return k == HS_WAIT_SELECT || k == HS_WAIT_CHAN_SEND || k == HS_WAIT_CHAN_RECV ||
	       k == HS_WAIT_NIL_CHAN || k == HS_WAIT_COND;
}

static bool benign(const hs_leaks *l, const lgroup *g)
{
	static const char *const pre[] = {"net/http.", "net/rpc.", "crypto/tls.", "net/"};
	if (g->benign || g->kind == HS_WAIT_NONE)
		return true;
	if (strcmp(g->culprit, "main.main") == 0 && g->kind == HS_WAIT_SELECT)
		return true;   /* select {} keeping main alive */
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (strncmp(g->culprit, pre[i], strlen(pre[i])) == 0)
			return true;
	return g->kind == HS_WAIT_SELECT && g->max < l->o.min_medium;
}

static int cmp_leak(const void *pa, const void *pb)
{
	const hs_leak *a = pa, *b = pb;
	if (a->severity != b->severity)
		return a->severity < b->severity ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	int c = strcmp(a->culprit, b->culprit);
	return c ? c : strcmp(a->kind, b->kind);
}

static hs_err finish_goroutines(hs_leaks *l, hs_error *err)
{
	size_t ng = l->groups.len, ns = l->nsnap ? l->nsnap : 1;
	int64_t *series = calloc(ng * ns + 1, sizeof *series);
	if (!series)
		return hs_fail(err, HS_E_NOMEM, "out of memory");
	for (size_t i = 0; i < l->recs.len; i++) {
		const lrec *r = &HS_VEC_AT(&l->recs, lrec, i);
		int64_t *c = &series[(size_t)r->group * ns + r->snap];
		*c = hs_add(*c, r->count);
	}
	bool ok = true;
	for (size_t gi = 0; ok && gi < ng; gi++) {
		lgroup *g = &HS_VEC_AT(&l->groups, lgroup, gi);
		const int64_t *s = series + gi * ns;
		for (size_t k = 0; k < ns; k++)
			if (s[k] > g->max)
				g->max = s[k];
		/* growth: over the snapshots where the group could be seen */
		bool grows = ns >= 2 && s[ns - 1] - s[0] >= l->o.min_medium;
		for (size_t k = 1; grows && k < ns; k++)
			grows = s[k] >= s[k - 1];
		if (benign(l, g))
			continue;
		const char *kind = NULL;
		hs_severity sev = HS_SEV_LOW;
		if (chan_like(g->kind)) {
			if (g->max >= l->o.min_high)
				sev = HS_SEV_HIGH, kind = "blocked goroutines";
			else if (g->max >= l->o.min_medium)
				sev = HS_SEV_MEDIUM, kind = "blocked goroutines";
			else if (g->wait >= l->o.min_wait_minutes && l->o.min_wait_minutes > 0)
				sev = HS_SEV_LOW, kind = "blocked goroutines";
			if (kind && grows && sev != HS_SEV_HIGH)
				sev = (hs_severity)(sev - 1);
		} else if (g->max >= l->o.min_high && g->kind != HS_WAIT_NETWORK) {
			sev = HS_SEV_MEDIUM, kind = "goroutine pile-up";
		} else if (grows) {
			sev = HS_SEV_MEDIUM, kind = "growing goroutines";
		}
		if (!kind)
			continue;
		g->named = true;
		hs_leak *k = new_leak(l, sev, kind, g->culprit, hs_wait_kind_hint(g->kind), g->max);
		bool st = *g->state && strcmp(g->state, hs_wait_kind_name(g->kind)) != 0;
		ok = k && say(l, k, "%lld goroutine%s in %s%s%s%s", (long long)g->max,
		                 g->max == 1 ? "" : "s", hs_wait_kind_name(g->kind), st ? " [" : "",
		                 st ? g->state : "", st ? "]" : "");
		if (ok && g->wait)
			ok = say(l, k, "longest wait %lld min", (long long)g->wait);
		if (ok && *g->created_by)
			ok = say(l, k, "created by %s", g->created_by);
		if (ok && grows) {
			char buf[256];
			size_t o = 0;
			for (size_t q = 0; q < ns && o < sizeof buf - 24; q++)
				o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%lld", q ? " -> " : "",
				                      (long long)s[q]);
			ok = say(l, k, "count grows across %zu snapshots: %s", ns, buf);
		}
	}
	/* creation sites */
	for (size_t gi = 0; ok && gi < ng; gi++) {
		lgroup *g = &HS_VEC_AT(&l->groups, lgroup, gi);
		if (!*g->created_by || g->named)
			continue;
		bool seen = false, covered = false;
		int64_t sum = 0;
		for (size_t j = 0; j < ng; j++) {
			lgroup *h = &HS_VEC_AT(&l->groups, lgroup, j);
			if (strcmp(h->created_by, g->created_by) != 0)
				continue;
			if (j < gi)
				seen = true;
			covered |= h->named;
			if (!benign(l, h))
				sum = hs_add(sum, h->max);
		}
		if (seen || covered || sum < l->o.min_high)
			continue;
		hs_leak *k = new_leak(l, HS_SEV_MEDIUM, "created-by site", g->created_by,
		                      "many live goroutines from one go statement: check that each "
		                      "one can return", sum);
		ok = k && say(l, k, "%lld live goroutines created by %s", (long long)sum, g->created_by);
	}
	free(series);
	return ok ? HS_OK : hs_fail(err, HS_E_NOMEM, "out of memory");
}

static hs_err finish_heap(hs_leaks *l, hs_error *err)
{
	size_t n = l->heap_times.len;
	if (n < HS_GROWTH_MIN_SNAPSHOTS)
		return HS_OK;
	hs_growth g;
	hs_err rc = hs_growth_init(&g, n, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		hs_growth_set_time(&g, i, HS_VEC_AT(&l->heap_times, int64_t, i));
		hs_growth_set_total(&g, i, HS_VEC_AT(&l->heap_totals, int64_t, i));
	}
	for (size_t i = 0; rc == HS_OK && i < l->heap.len; i++) {
		const hrec *h = &HS_VEC_AT(&l->heap, hrec, i);
		rc = hs_growth_add(&g, h->snap, h->name, h->value, err);
	}
	hs_growth_opts go = {0};
	if (rc == HS_OK)
		rc = hs_growth_finish(&g, &go, err);
	if (rc == HS_E_USAGE) {   /* no times: keep the given order, a minute apart */
		hs_growth_release(&g);
		rc = hs_growth_init(&g, n, err);
		for (size_t i = 0; rc == HS_OK && i < n; i++) {
			hs_growth_set_time(&g, i, (int64_t)i * 60000000000LL);
			hs_growth_set_total(&g, i, HS_VEC_AT(&l->heap_totals, int64_t, i));
		}
		for (size_t i = 0; rc == HS_OK && i < l->heap.len; i++) {
			const hrec *h = &HS_VEC_AT(&l->heap, hrec, i);
			rc = hs_growth_add(&g, h->snap, h->name, h->value, err);
		}
		if (rc == HS_OK)
			rc = hs_growth_finish(&g, &go, err);
	}
	for (size_t i = 0; rc == HS_OK && i < hs_growth_nrows(&g); i++) {
		const hs_growth_row *r = hs_growth_row_at(&g, i);
		if (!r->candidate)
			continue;
		int64_t last_total = g.total.values[n - 1];
		hs_severity sev = (double)r->growth >= 0.1 * (double)last_total ? HS_SEV_HIGH
		                                                                 : HS_SEV_MEDIUM;
		const char *nm = dup(l, r->name);
		hs_leak *k = nm ? new_leak(l, sev, "heap growth", nm,
		                           "in-use bytes allocated here keep growing: objects kept in "
		                           "a map, cache or slice that is never pruned", r->growth)
		                : NULL;
		bool ok = k && say(l, k, "inuse_space %lld -> %lld bytes over %zu heap profiles",
		                   (long long)r->values[0], (long long)r->values[n - 1], n) &&
		          say(l, k, "%.0f bytes/min, %.0f%% of steps grew", r->slope_per_min,
		              100 * r->rising);
		if (!ok)
			rc = hs_fail(err, HS_E_NOMEM, "out of memory");
	}
	hs_growth_release(&g);
	return rc;
}

hs_err hs_leaks_add_retainers(hs_leaks *l, const char *const *keys, const uint64_t *retained,
                              size_t n, uint64_t reachable, hs_error *err)
{
	uint32_t snap = (uint32_t)l->dump_reachable.len;
	int64_t *r = hs_vec_push(&l->dump_reachable, 1);
	if (!r)
		return hs_fail(err, HS_E_NOMEM, NULL);
	*r = (int64_t)reachable;
	for (size_t i = 0; i < n; i++) {
		hrec *h = hs_vec_push(&l->retainers, 1);
		if (!h || !(h->name = dup(l, keys[i])))
			return hs_fail(err, HS_E_NOMEM, NULL);
		h->snap = snap;
		h->value = (int64_t)retained[i];
	}
	return HS_OK;
}

static int cmp_hrec(const void *pa, const void *pb)
{
	const hrec *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	return c ? c : (a->snap > b->snap) - (a->snap < b->snap);
}

/* A root whose share of the reachable heap rises in every dump. */
static hs_err finish_retainers(hs_leaks *l, hs_error *err)
{
	size_t nd = l->dump_reachable.len, n = l->retainers.len;
	if (nd < 2 || n == 0)
		return HS_OK;
	hrec *r = l->retainers.data;
	qsort(r, n, sizeof *r, cmp_hrec);
	const int64_t *tot = l->dump_reachable.data;
	for (size_t i = 0, j; i < n; i = j) {
		double first = 0, prev = -1, share = 0;
		bool rising = true;
		for (j = i; j < n && strcmp(r[j].name, r[i].name) == 0; j++) {
			share = tot[r[j].snap] ? 100.0 * (double)r[j].value / (double)tot[r[j].snap] : 0;
			rising &= share >= prev && (j == i || r[j].snap == r[j - 1].snap + 1);
			first = j == i ? share : first;
			prev = share;
		}
		if (j - i != nd || !rising || share < 10 || share - first < 2)
			continue;
		hs_leak *k = new_leak(l, share - first >= 10 ? HS_SEV_HIGH : HS_SEV_MEDIUM,
		                      "growing retainer", r[i].name,
		                      "a root keeps a growing share of the heap: see what it accumulates "
		                      "with heapscope heapdump (accumulation point, path, site)",
		                      r[j - 1].value - r[i].value);
		if (!k || !say(l, k, "retains %.1f%% -> %.1f%% of the reachable heap over %zu dumps",
		               first, share, nd) ||
		    !say(l, k, "%lld -> %lld bytes", (long long)r[i].value, (long long)r[j - 1].value))
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	return HS_OK;
}

hs_err hs_leaks_finish(hs_leaks *l, hs_error *err)
{
	hs_err rc = finish_goroutines(l, err);
	if (rc == HS_OK)
		rc = finish_heap(l, err);
	if (rc == HS_OK)
		rc = finish_retainers(l, err);
	if (rc == HS_OK && l->leaks.len)
		qsort(l->leaks.data, l->leaks.len, sizeof(hs_leak), cmp_leak);
	return rc;
}
