/* Sample tags of report nodes, as pprof's graph builder collects them
 * (graph.go: joinLabels, addSample, TrimLowFrequencyTags) after report.go's
 * newGraph has kept only the "bytes" numeric label; see hs_report_tags in
 * graph.h.  Only the nodes asked for get tags, each in its own slice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "heapscope/units.h"
#include "tags.h"

#define LABEL_TAG UINT32_MAX   /* the group of a label tag */

/* What one label set gives the tags of its samples, worked out once. */
typedef struct lset {
	bool done;
	uint32_t labels;        /* name id of the joined string labels, 0 for none */
	uint32_t nnum;
	uint32_t *num;          /* name ids of its "bytes" values ... */
	int64_t *val;           /* ... and the values */
} lset;

typedef struct entry {
	uint32_t node, seq;
	hs_tag t;
} entry;

struct hs_tagset {
	hs_arena arena;
	hs_strmap names;        /* tag name -> id; id 0 is "" */
	hs_vec name_str;        /* const char *, by id */
	hs_strmap keys;         /* (node, group, name id) -> entry */
	hs_vec entries;         /* entry; sorted by node once built */
	hs_idmap nodes;         /* node id -> slot */
	uint32_t *start, *len;  /* per slot: its run of entries */
	hs_tag *tags;           /* the entries' tags, same order */
	const char *unit;       /* of "bytes" */
	const char *out_unit;
};

static uint32_t intern(hs_tagset *t, const char *s, size_t n)
{
	uint32_t id = hs_strmap_get(&t->names, s, n);
	if (id != UINT32_MAX)
		return id;
	char *copy = hs_arena_strndup(&t->arena, s, n);
	const char **slot = hs_vec_push(&t->name_str, 1);
	if (!copy || !slot)
		return UINT32_MAX;
	*slot = copy;
	return hs_strmap_get_or_put(&t->names, copy, n, (uint32_t)(t->name_str.len - 1));
}

static const char *name_of(const hs_tagset *t, uint32_t id)
{
	return HS_VEC_AT(&t->name_str, const char *, id);
}

static bool is_numeric(const hs_label *l)
{
	/* profile.proto's decoder keeps a label without a string only if it
	 * has a number or a unit. */
	return l->str == 0 && (l->num != 0 || l->num_unit != 0);
}

/* profile.NumLabelUnits for "bytes": the first unit given, in sample
 * order, over every sample; else the key itself. */
static const char *bytes_unit(const hs_profile *p)
{
	uint8_t *seen = calloc(p->nlabelsets + 1, 1);
	const char *unit = NULL;
	const uint32_t *set = p->sample_labels.data;
	for (size_t s = 0; s < p->nsamples && seen && !unit; s++) {
		if (seen[set[s]])
			continue;
		seen[set[s]] = 1;
		uint32_t n;
		const hs_label *l = hs_sample_labels(p, s, &n);
		for (uint32_t k = 0; k < n && !unit; k++)
			if (is_numeric(&l[k]) && l[k].num_unit && *hs_s(p, l[k].num_unit) &&
			    strcmp(hs_s(p, l[k].key), "bytes") == 0)
				unit = hs_s(p, l[k].num_unit);
	}
	free(seen);
	return unit ? unit : "bytes";
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* joinLabels: "key:value" for each string label, sorted, joined with a
 * literal backslash-n; then the "bytes" values. */
static hs_err describe(hs_tagset *t, const hs_profile *p, size_t s, lset *ls)
{
	uint32_t n, nstr = 0, nnum = 0;
	const hs_label *l = hs_sample_labels(p, s, &n);
	char **parts = malloc((n + 1) * sizeof *parts);
	ls->num = hs_arena_alloc(&t->arena, (n + 1) * sizeof *ls->num);
	ls->val = hs_arena_alloc(&t->arena, (n + 1) * sizeof *ls->val);
	hs_err rc = parts && ls->num && ls->val ? HS_OK : HS_E_NOMEM;
	size_t total = 1;
	for (uint32_t k = 0; k < n && rc == HS_OK; k++) {
		const char *key = hs_s(p, l[k].key);
		if (l[k].str && strcmp(key, "pprof::base") != 0) {
			const char *val = hs_s(p, l[k].str);
			size_t len = strlen(key) + strlen(val) + 2;
			if (!(parts[nstr] = malloc(len))) {
				rc = HS_E_NOMEM;
				break;
			}
			snprintf(parts[nstr++], len, "%s:%s", key, val);
			total += len + 1;
		} else if (is_numeric(&l[k]) && strcmp(key, "bytes") == 0) {
			char name[96];
			hs_scaled_label(l[k].num, t->unit, t->out_unit, name, sizeof name);
			ls->val[nnum] = l[k].num;
			if ((ls->num[nnum++] = intern(t, name, strlen(name))) == UINT32_MAX)
				rc = HS_E_NOMEM;
		}
	}
	char *joined = rc == HS_OK ? malloc(total) : NULL;
	if (joined) {
		qsort(parts, nstr, sizeof *parts, cmp_str);
		size_t w = 0;
		for (uint32_t k = 0; k < nstr; k++)
			w += (size_t)sprintf(joined + w, "%s%s", k ? "\\n" : "", parts[k]);
		joined[w] = '\0';
		if ((ls->labels = intern(t, joined, w)) == UINT32_MAX)
			rc = HS_E_NOMEM;
	} else {
		rc = HS_E_NOMEM;
	}
	for (uint32_t k = 0; parts && k < nstr; k++)
		free(parts[k]);
	free(parts);
	free(joined);
	ls->nnum = nnum;
	ls->done = true;
	return rc;
}

static hs_err add(hs_tagset *t, uint32_t node, uint32_t group, uint32_t name, int64_t value,
                  int64_t w, bool flat)
{
	uint32_t key[3] = {node, group, name};
	uint32_t e = hs_strmap_get(&t->keys, (const char *)key, sizeof key);
	if (e == UINT32_MAX) {
		char *k = hs_arena_alloc(&t->arena, sizeof key);
		entry *ne = hs_vec_push(&t->entries, 1);
		if (!k || !ne)
			return HS_E_NOMEM;
		memcpy(k, key, sizeof key);
		e = (uint32_t)(t->entries.len - 1);
		if (hs_strmap_get_or_put(&t->keys, k, sizeof key, e) == UINT32_MAX)
			return HS_E_NOMEM;
		ne->node = node;
		ne->t.name = name_of(t, name);
		if (group != LABEL_TAG) {
			ne->t.labels = name_of(t, group);
			ne->t.unit = t->unit;
			ne->t.value = value;
		}
	}
	entry *en = &HS_VEC_AT(&t->entries, entry, e);
	if (flat)
		en->t.flat = hs_add(en->t.flat, w);
	else
		en->t.cum = hs_add(en->t.cum, w);
	return HS_OK;
}

/* addSample's tags: the label tag, then each "bytes" value. */
static hs_err add_sample(hs_tagset *t, uint32_t node, const lset *ls, int64_t w, bool flat)
{
	hs_err rc = HS_OK;
	if (ls->labels)
		rc = add(t, node, LABEL_TAG, ls->labels, 0, w, flat);
	for (uint32_t i = 0; i < ls->nnum && rc == HS_OK; i++)
		rc = add(t, node, ls->labels, ls->num[i], ls->val[i], w, flat);
	return rc;
}

typedef struct walker {
	uint8_t *want;
	size_t *stamp;
	uint32_t *frames;
	lset *sets;
} walker;

/* newGraph's walk over the samples, in profile order (the first sample
 * to give a numeric tag its name gives it its value). */
static hs_err walk(hs_tagset *t, const hs_view *v, walker *wk)
{
	const hs_profile *p = v->p;
	const uint32_t *set = p->sample_labels.data;
	for (size_t s = 0; s < p->nsamples; s++) {
		uint32_t id = hs_sample_stack_id(p, s);
		int64_t w = hs_sample_values(p, s)[v->sample_index];
		if (!v->stack_live[id] || w == 0)
			continue;
		lset *ls = &wk->sets[set[s]];
		hs_err rc;
		if (!ls->done && (rc = describe(t, p, s, ls)))
			return rc;
		if (!ls->labels && !ls->nnum)
			continue;
		size_t n = hs_view_stack_frames(v, id, wk->frames, NULL);
		for (size_t k = 0; k < n; k++) {
			uint32_t node = wk->frames[k];
			if (!wk->want[node] || wk->stamp[node] == s + 1)
				continue;
			wk->stamp[node] = s + 1;
			if ((rc = add_sample(t, node, ls, w, false)))
				return rc;
		}
		if (n && wk->want[wk->frames[n - 1]] &&
		    (rc = add_sample(t, wk->frames[n - 1], ls, w, true)))
			return rc;
	}
	return HS_OK;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const entry *a = pa, *b = pb;
	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* TrimLowFrequencyTags, then one run of tags per node. */
static hs_err finish(hs_tagset *t, int64_t cutoff)
{
	entry *e = t->entries.data;
	size_t kept = 0;
	for (size_t i = 0; i < t->entries.len; i++)
		if (hs_abs(e[i].t.flat) >= cutoff || hs_abs(e[i].t.cum) >= cutoff) {
			e[kept] = e[i];
			e[kept].seq = (uint32_t)kept;
			kept++;
		}
	t->entries.len = kept;
	if (kept)
		qsort(e, kept, sizeof *e, cmp_entry);
	t->tags = malloc((kept + 1) * sizeof *t->tags);
	t->start = malloc((kept + 1) * sizeof *t->start);
	t->len = calloc(kept + 1, sizeof *t->len);
	if (!t->tags || !t->start || !t->len || !hs_idmap_init(&t->nodes, kept + 16))
		return HS_E_NOMEM;
	uint32_t slots = 0;
	for (size_t i = 0; i < kept; i++) {
		t->tags[i] = e[i].t;
		if (i == 0 || e[i].node != e[i - 1].node) {
			t->start[slots] = (uint32_t)i;
			if (!hs_idmap_put(&t->nodes, e[i].node, slots++, NULL))
				return HS_E_NOMEM;
		}
		t->len[slots - 1]++;
	}
	return HS_OK;
}

hs_err hs_tagset_build(hs_tagset **out, const hs_view *v, const uint32_t *nodes, size_t n,
                       const char *unit, int64_t cutoff, hs_error *err)
{
	const hs_profile *p = v->p;
	size_t nn = v->nodes.len + 1;
	hs_tagset *t = calloc(1, sizeof *t);
	*out = t;
	if (!t)
		return hs_fail(err, HS_E_NOMEM, NULL);
	hs_arena_init(&t->arena);
	hs_vec_init(&t->name_str, sizeof(const char *));
	hs_vec_init(&t->entries, sizeof(entry));
	t->out_unit = unit ? unit : "minimum";
	walker wk = {0};
	hs_err rc = HS_E_NOMEM;
	if (!hs_strmap_init(&t->names, 64) || !hs_strmap_init(&t->keys, 256) ||
	    intern(t, "", 0) != 0)
		goto out;
	rc = HS_OK;
	if (p->labels.len == 0 || n == 0)
		goto done;
	t->unit = bytes_unit(p);
	wk.want = calloc(nn, 1);
	wk.stamp = calloc(nn, sizeof *wk.stamp);
	wk.frames = malloc((hs_view_max_frames(v) + 1) * sizeof *wk.frames);
	wk.sets = calloc(p->nlabelsets + 1, sizeof *wk.sets);
	if (!wk.want || !wk.stamp || !wk.frames || !wk.sets) {
		rc = HS_E_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		wk.want[nodes[i]] = 1;
	if ((rc = walk(t, v, &wk)))
		goto out;
done:
	rc = finish(t, cutoff);
out:
	free(wk.want);
	free(wk.stamp);
	free(wk.frames);
	free(wk.sets);
	return rc ? hs_fail(err, rc, NULL) : HS_OK;
}

void hs_tagset_free(hs_tagset *t)
{
	if (!t)
		return;
	hs_arena_release(&t->arena);
	hs_strmap_release(&t->names);
	hs_strmap_release(&t->keys);
	hs_vec_release(&t->name_str);
	hs_vec_release(&t->entries);
	if (t->nodes.keys)
		hs_idmap_release(&t->nodes);
	free(t->start);
	free(t->len);
	free(t->tags);
	free(t);
}

const hs_tag *hs_tagset_node(const hs_tagset *t, uint32_t node, size_t *n)
{
	uint32_t slot = t ? hs_idmap_get(&t->nodes, node) : UINT32_MAX;
	if (slot == UINT32_MAX) {
		*n = 0;
		return NULL;
	}
	*n = t->len[slot];
	return t->tags + t->start[slot];
}
