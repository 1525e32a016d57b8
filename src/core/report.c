/* Reports: pprof's newTrimmedGraph and node orders; see graph.h. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/graph.h"
#include "sort.h"
#include "tags.h"

static inline int64_t abs64(int64_t x) { return hs_abs(x); }

typedef struct sort_ctx {
	const hs_graph *g;
	const int64_t *score;   /* NULL: flat order */
} sort_ctx;

/* pprof's compareNodes: fmt.Sprint of the NodeInfo struct. */
static int compare_info(const hs_node_info *a, const hs_node_info *b)
{
	char x[128], y[128];
	int c = strcmp(a->func, b->func);
	if (c)
		return c;
	/* "{name  address file startline lineno objfile}" */
	snprintf(x, sizeof x, " %" PRIu64 " ", a->address);
	snprintf(y, sizeof y, " %" PRIu64 " ", b->address);
	if ((c = strcmp(x, y)))
		return c;
	if ((c = strcmp(a->file, b->file)))
		return c;
	snprintf(x, sizeof x, " %" PRId64 " %" PRId64 " ", a->start_line, a->lineno);
	snprintf(y, sizeof y, " %" PRId64 " %" PRId64 " ", b->start_line, b->lineno);
	if ((c = strcmp(x, y)))
		return c;
	return strcmp(a->objfile, b->objfile);
}

static int cmp_nodes(const void *pa, const void *pb, void *sort)
{
	const sort_ctx *ctx = sort;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const hs_graph *g = ctx->g;
	const hs_node_info *ia = hs_view_node(g->v, a);
	const hs_node_info *ib = hs_view_node(g->v, b);
	int64_t ka, kb;
	if (ctx->score) {
		ka = abs64(ctx->score[a]);
		kb = abs64(ctx->score[b]);
	} else {
		ka = abs64(g->flat[a]);
		kb = abs64(g->flat[b]);
	}
	if (ka != kb)
		return ka > kb ? -1 : 1;
	int c = strcmp(ia->name, ib->name);
	if (c)
		return c;
	/* Third key: cum for flat order, flat for score orders. */
	ka = ctx->score ? abs64(g->flat[a]) : abs64(g->cum[a]);
	kb = ctx->score ? abs64(g->flat[b]) : abs64(g->cum[b]);
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return compare_info(ia, ib);
}

/* pprof's entropyScore for every node, from one pass over the live edges
 * (edgeEntropyScore: entropy of the edge weight distribution, in and out,
 * the node's own flat counting as one more outgoing share).  As in Go, an
 * edge total starts at the node's flat (out) or 0 (in), whatever its sign,
 * and adds the positive weights only: with a diff's negative values a
 * share can be 0 or negative and the score NaN, which sorts as pprof's. */
static void entropy_pass(const hs_graph *g, int64_t *tot_in, int64_t *tot_out,
                         double *s_in, double *s_out, uint32_t *nin, uint32_t *nout)
{
	const hs_edge *e = g->edges.data;
	for (size_t k = 0; k < g->npresent; k++)
		tot_out[g->present[k]] = g->flat[g->present[k]];
	for (size_t i = 0; i < g->edges.len; i++) {
		if (e[i].removed)
			continue;
		nin[e[i].to]++;
		nout[e[i].from]++;
		if (e[i].weight > 0) {
			tot_in[e[i].to] = hs_add(tot_in[e[i].to], e[i].weight);
			tot_out[e[i].from] = hs_add(tot_out[e[i].from], e[i].weight);
		}
	}
	for (size_t i = 0; i < g->edges.len; i++) {
		if (e[i].removed)
			continue;
		double w = (double)abs64(e[i].weight), f;
		if (tot_in[e[i].to] != 0) {
			f = w / (double)tot_in[e[i].to];
			s_in[e[i].to] += -f * log2(f);
		}
		if (tot_out[e[i].from] != 0) {
			f = w / (double)tot_out[e[i].from];
			s_out[e[i].from] += -f * log2(f);
		}
	}
}

/* Go's int64(x) on amd64: NaN and out-of-range values give INT64_MIN
 * (in C the conversion would be undefined). */
static int64_t go_int64(double x)
{
	if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)x;
}

static hs_err entropy_scores(const hs_graph *g, int64_t *score, hs_error *err)
{
	size_t nn = g->v->nodes.len + 1;
	double *d = calloc(nn * 2, sizeof *d);
	int64_t *tot = calloc(nn * 2, sizeof *tot);
	uint32_t *cnt = calloc(nn * 2, sizeof *cnt);
	if (!d || !tot || !cnt) {
		free(d);
		free(tot);
		free(cnt);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	int64_t *tot_in = tot, *tot_out = tot + nn;
	double *s_in = d, *s_out = d + nn;
	entropy_pass(g, tot_in, tot_out, s_in, s_out, cnt, cnt + nn);
	for (size_t k = 0; k < g->npresent; k++) {
		uint32_t n = g->present[k];
		double s = cnt[n] ? s_in[n] : 1;
		if (!cnt[nn + n]) {
			s += 1;
		} else {
			s += s_out[n];
			if (g->flat[n] > 0 && tot_out[n] != 0) {
				double f = (double)g->flat[n] / (double)tot_out[n];
				s += -f * log2(f);
			}
		}
		score[n] = hs_add(go_int64(s * (double)g->cum[n]), g->flat[n]);
	}
	free(d);
	free(tot);
	free(cnt);
	return HS_OK;
}

static hs_err sort_nodes(hs_graph *g, bool cum, bool visual, hs_error *err)
{
	sort_ctx c = {.g = g};
	int64_t *score = NULL;
	if (cum || visual) {
		score = malloc((g->v->nodes.len + 1) * sizeof *score);
		if (!score)
			return hs_fail(err, HS_E_NOMEM, NULL);
		if (visual) {
			hs_err rc = entropy_scores(g, score, err);
			if (rc) {
				free(score);
				return rc;
			}
		} else {
			memcpy(score, g->cum, g->v->nodes.len * sizeof *score);
		}
		c.score = score;
	}
	hs_sort(g->present, g->npresent, sizeof *g->present, cmp_nodes, &c);
	free(score);
	return HS_OK;
}

static size_t trim_edges(hs_graph *g, int64_t cutoff)
{
	size_t dropped = 0;
	hs_edge *e = g->edges.data;
	for (size_t i = 0; i < g->edges.len; i++)
		if (!e[i].removed && abs64(e[i].weight) < cutoff) {
			e[i].removed = true;
			dropped++;
		}
	return dropped;
}

/* pprof's isRedundantEdge: can e->from still reach e->to without e? */
static bool redundant(const hs_graph *g, size_t ei, uint32_t *queue, uint8_t *seen)
{
	const hs_edge *e = g->edges.data;
	size_t nn = g->v->nodes.len, head = 0, tail = 0;
	memset(seen, 0, nn);
	queue[tail++] = e[ei].to;
	seen[e[ei].to] = 1;
	while (head < tail) {
		uint32_t n = queue[head++];
		for (size_t i = 0; i < g->edges.len; i++) {
			if (e[i].removed || e[i].to != n || i == ei || seen[e[i].from])
				continue;
			if (e[i].from == e[ei].from)
				return true;
			seen[e[i].from] = 1;
			queue[tail++] = e[i].from;
		}
	}
	return false;
}

/* pprof's edgeList order: heavier first, then caller name, callee name
 * (ctx: the hs_view). */
static int cmp_edge_weight(const void *pa, const void *pb, void *ctx)
{
	const hs_edge *a = *(hs_edge *const *)pa, *b = *(hs_edge *const *)pb;
	if (a->weight != b->weight) {
		int64_t x = abs64(a->weight), y = abs64(b->weight);
		if (x != y)
			return x > y ? -1 : 1;
		return 0;
	}
	const hs_vec *nodes = &((const hs_view *)ctx)->nodes;
	int c = strcmp(HS_VEC_AT(nodes, hs_node_info, a->from).name,
	               HS_VEC_AT(nodes, hs_node_info, b->from).name);
	if (c)
		return c;
	return strcmp(HS_VEC_AT(nodes, hs_node_info, a->to).name,
	              HS_VEC_AT(nodes, hs_node_info, b->to).name);
}

static hs_err remove_redundant_edges(hs_graph *g, hs_error *err)
{
	size_t nn = g->v->nodes.len + 1, ne = g->edges.len;
	uint32_t *queue = malloc(nn * sizeof *queue);
	uint8_t *seen = malloc(nn);
	hs_edge **in = malloc((ne + 1) * sizeof *in);
	if (!queue || !seen || !in) {
		free(queue);
		free(seen);
		free(in);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	hs_edge *e = g->edges.data;
	for (size_t k = g->npresent; k-- > 0;) {
		uint32_t n = g->present[k];
		size_t cnt = 0;
		for (size_t i = 0; i < ne; i++)
			if (!e[i].removed && e[i].to == n)
				in[cnt++] = &e[i];
		hs_sort(in, cnt, sizeof *in, cmp_edge_weight, g->v);
		for (size_t j = cnt; j-- > 0;) {
			if (!in[j]->residual)
				break;
			if (redundant(g, (size_t)(in[j] - e), queue, seen))
				in[j]->removed = true;
		}
	}
	free(queue);
	free(seen);
	free(in);
	return HS_OK;
}

/* TextItems' inline label: from the in-edges that survived trimming. */
static hs_err inline_flags(hs_report *r, hs_error *err)
{
	r->inline_flags = calloc(r->g.v->nodes.len + 1, 1);
	if (!r->inline_flags)
		return hs_fail(err, HS_E_NOMEM, NULL);
	const hs_edge *e = r->g.edges.data;
	for (size_t i = 0; i < r->g.edges.len; i++)
		if (!e[i].removed)
			r->inline_flags[e[i].to] |= e[i].inlined ? 1 : 2;
	return HS_OK;
}

static hs_err rebuild(hs_report *r, const hs_view *v, const uint32_t *ids, size_t n,
                      hs_error *err)
{
	uint8_t *kept = calloc(v->nodes.len + 1, 1);
	if (!kept)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; i < n; i++)
		kept[ids[i]] = 1;
	hs_graph g;
	hs_err rc = hs_graph_build_kept(&g, &r->g, kept, err);
	free(kept);
	hs_graph_release(&r->g);
	if (rc == HS_OK)
		r->g = g;
	return rc;
}

/* selectTopNodes in visual mode: each node counts with its tags that
 * have a flat value (at most maxNodelets of them), and the nodes stop
 * where the count reaches nodecount. */
static size_t visual_node_count(const hs_report *r, size_t nodecount)
{
	enum { MAX_NODELETS = 4 };   /* dotgraph.go's maxNodelets */
	size_t count = 0;
	for (size_t i = 0; i < r->g.npresent; i++) {
		size_t n, tags = 0;
		const hs_tag *t = hs_report_tags(r, r->g.present[i], &n);
		for (size_t k = 0; k < n; k++)
			tags += t[k].flat != 0;
		count += (tags < MAX_NODELETS ? tags : MAX_NODELETS) + 1;
		if (count >= nodecount)
			return i + 1;
	}
	return nodecount;
}

/* The tags of the nodes nodecount could keep: the first ones in report
 * order (a node's tags do not depend on which others are kept). */
static hs_err collect_tags(hs_report *r, const hs_view *v, const hs_report_opts *o,
                           hs_error *err)
{
	size_t n = r->g.npresent;
	if (o->nodecount > 0 && (size_t)o->nodecount < n)
		n = (size_t)o->nodecount;
	hs_tagset *t = NULL;
	hs_err rc = hs_tagset_build(&t, v, r->g.present, n, o->tag_unit, r->node_cutoff, err);
	if (rc)
		hs_tagset_free(t);
	else
		r->tags = t;
	return rc;
}

hs_err hs_report_build(hs_report *r, const hs_view *v, const hs_report_opts *o, hs_error *err)
{
	memset(r, 0, sizeof *r);
	r->total = v->total;
	/* With a node cutoff a second walk adds the edges between the nodes
	 * kept (rebuild), the sums of this one copied. */
	bool final = o->nodefraction <= 0;
	hs_err rc = hs_graph_build_cols(&r->g, v, NULL, final, o->ncols, o->cols, err);
	if (rc)
		return rc;
	int64_t flat_total = 0;
	for (size_t i = 0; i < r->g.npresent; i++)
		flat_total = hs_add(flat_total, r->g.flat[r->g.present[i]]);
	r->node_cutoff = abs64((int64_t)((double)flat_total * o->nodefraction));
	r->edge_cutoff = abs64((int64_t)((double)flat_total * o->edgefraction));
	r->node_cutoff_total = abs64((int64_t)((double)r->total * o->nodefraction));
	r->edge_cutoff_total = abs64((int64_t)((double)r->total * o->edgefraction));
	if (r->node_cutoff > 0) {
		size_t before = r->g.npresent, kept = 0;
		uint32_t *ids = malloc((before + 1) * sizeof *ids);
		if (!ids)
			return hs_fail(err, HS_E_NOMEM, NULL);
		for (size_t i = 0; i < before; i++)
			if (abs64(r->g.cum[r->g.present[i]]) >= r->node_cutoff)
				ids[kept++] = r->g.present[i];
		r->dropped_nodes = before - kept;
		rc = rebuild(r, v, ids, kept, err);
		free(ids);
		if (rc)
			return rc;
	} else if (!r->g.with_edges) {
		hs_graph g;
		rc = hs_graph_build_kept(&g, &r->g, NULL, err);
		hs_graph_release(&r->g);
		if (rc)
			return rc;
		r->g = g;
	}
	r->orig_count = r->g.npresent;
	if ((rc = sort_nodes(&r->g, o->cum_sort, o->visual, err)))
		return rc;
	if (o->tags && (rc = collect_tags(r, v, o, err)))
		return rc;
	if (o->nodecount > 0) {
		trim_edges(&r->g, r->edge_cutoff);
		size_t keep = (size_t)o->nodecount;
		if (o->visual)
			keep = visual_node_count(r, keep);
		if (keep < r->g.npresent) {
			uint32_t *ids = malloc(keep * sizeof *ids);
			if (!ids)
				return hs_fail(err, HS_E_NOMEM, NULL);
			memcpy(ids, r->g.present, keep * sizeof *ids);
			rc = rebuild(r, v, ids, keep, err);
			free(ids);
			if (rc || (rc = sort_nodes(&r->g, o->cum_sort, o->visual, err)))
				return rc;
		}
	}
	r->dropped_edges = trim_edges(&r->g, r->edge_cutoff);
	if (o->visual && (rc = remove_redundant_edges(&r->g, err)))
		return rc;
	return inline_flags(r, err);
}

void hs_report_release(hs_report *r)
{
	hs_graph_release(&r->g);
	free(r->inline_flags);
	hs_tagset_free(r->tags);
	memset(r, 0, sizeof *r);
}

const char *hs_report_inline_label(const hs_report *r, uint32_t node)
{
	uint8_t f = r->inline_flags ? r->inline_flags[node] : 0;
	return (f & 1) ? ((f & 2) ? "(partial-inline)" : "(inline)") : "";
}

const hs_tag *hs_report_tags(const hs_report *r, uint32_t node, size_t *n)
{
	return hs_tagset_node(r->tags, node, n);
}
