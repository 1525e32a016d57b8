/* heapscope: the call graph of a profile, as pprof builds it.
 *
 * A view maps every (location, inlined line) of a profile to a node at the
 * requested granularity, after the --focus/--ignore/--hide/--show filters.
 * A graph sums one sample index over the view: flat on the leaf node, cum
 * once per node per sample (recursion counts once), edge weights once per
 * caller/callee pair per sample.  A report trims the graph exactly as
 * pprof's newTrimmedGraph does (nodefraction, nodecount, edgefraction), so
 * `top` prints the numbers `go tool pprof -top` prints. */
#ifndef HEAPSCOPE_GRAPH_H
#define HEAPSCOPE_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "heapscope/model.h"

typedef enum hs_granularity {
	HS_GRAN_FUNCTIONS = 0,
	HS_GRAN_FILEFUNCTIONS,
	HS_GRAN_FILES,
	HS_GRAN_LINES,
	HS_GRAN_ADDRESSES,
} hs_granularity;

/* Parse "functions", "lines"...; returns -1 for an unknown name. */
int hs_granularity_parse(const char *s);
const char *hs_granularity_name(hs_granularity g);

typedef struct hs_view_opts {
	int sample_index;
	hs_granularity granularity;
	const char *focus, *ignore, *hide, *show;   /* NULL: not set */
} hs_view_opts;

typedef struct hs_node_info {
	const char *name;       /* printable name, as pprof's PrintableName */
	const char *func;       /* function name ("" if none) */
	const char *file;       /* cleaned file name ("" if none) */
	int64_t lineno;
	uint64_t address;
	const char *objfile;
	int64_t start_line;
} hs_node_info;

typedef struct hs_view {
	const hs_profile *p;
	int sample_index;
	hs_granularity granularity;
	hs_arena arena;
	hs_vec nodes;           /* hs_node_info, indexed by node id */
	uint32_t *loc_off;      /* per location: range into loc_nodes */
	uint32_t *loc_nodes;    /* node ids, innermost inlined frame first */
	uint8_t *loc_flags;     /* private: focus/ignore/hidden marks */
	uint8_t *stack_live;    /* per stack: passes the filters, has values */
	int64_t *stack_value;   /* per stack: sum of its samples' values */
	int64_t total;          /* pprof's report total: sum |v| of all samples */
	bool focus_matched, ignore_matched, hide_matched, show_matched;
} hs_view;

HS_VEC_VIEW(hs_node_info_vec, hs_node_info)
/* Node `id` of the view. */
static inline hs_node_info *hs_view_node(const hs_view *v, uint32_t id)
{ return hs_node_info_vec_at(&v->nodes, id); }

hs_err hs_view_build(hs_view *v, const hs_profile *p, const hs_view_opts *o, hs_error *err);
void hs_view_release(hs_view *v);

/* The view `v` over another set of values: `p` must share v->p's tables
 * and stacks (a diff's side, say) and only its samples' values differ.
 * `out` borrows v's nodes and filters, which must outlive it, and gets its
 * own per-stack sums: release it with hs_view_revalue_release only. */
hs_err hs_view_revalue(const hs_view *v, const hs_profile *p, hs_view *out, hs_error *err);
void hs_view_revalue_release(hs_view *v);

/* Node ids of a sample's frames after hiding, root first.  Returns the
 * count; `out` must hold hs_view_max_frames(v) entries. */
size_t hs_view_max_frames(const hs_view *v);
size_t hs_view_sample_frames(const hs_view *v, size_t s, uint32_t *out, bool *inl);
size_t hs_view_stack_frames(const hs_view *v, uint32_t stack, uint32_t *out, bool *inl);

typedef struct hs_edge {
	uint32_t from, to;      /* node ids: caller -> callee */
	int64_t weight;
	bool residual;          /* skips nodes that were not kept */
	bool inlined;           /* every contribution was an inlined call */
	bool removed;           /* dropped by edgefraction */
} hs_edge;

enum { HS_GRAPH_MAXCOLS = 2 };

typedef struct hs_graph {
	const hs_view *v;
	int64_t *flat, *cum;    /* per node id */
	/* hs_graph_build_cols: flat and cum of other per-stack values over the
	 * same nodes (present and edges come from the view's values alone). */
	size_t ncols;
	int64_t *col_flat[HS_GRAPH_MAXCOLS], *col_cum[HS_GRAPH_MAXCOLS];
	uint32_t *present;      /* ids of nodes with flat or cum != 0 ... */
	size_t npresent;        /* ... in report order once sorted */
	hs_vec edges;           /* hs_edge */
	bool with_edges;        /* edges were computed */
} hs_graph;

/* kept: per node id, nonzero to keep; NULL keeps all.  with_edges: also
 * compute edges (costs a hash lookup per frame). */
hs_err hs_graph_build(hs_graph *g, const hs_view *v, const uint8_t *kept,
                      bool with_edges, hs_error *err);
/* The same, also summing ncols (<= HS_GRAPH_MAXCOLS) more value arrays,
 * one value per stack id of v->p, in the same walk: stacks the view drops
 * for a zero value still count for the columns (not for edges), stacks
 * it filters out are 0 in them as the caller gives them. */
hs_err hs_graph_build_cols(hs_graph *g, const hs_view *v, const uint8_t *kept, bool with_edges,
                           size_t ncols, const int64_t *const *cols, hs_error *err);
/* hs_graph_build(_cols) with edges over the kept nodes of `sums` (a graph
 * of the same view, keeping these nodes or more), their flat and cum and
 * sums' columns copied from it: filtering nodes out changes none of them,
 * so only the edges are summed again. */
hs_err hs_graph_build_kept(hs_graph *g, const hs_graph *sums, const uint8_t *kept,
                           hs_error *err);
void hs_graph_release(hs_graph *g);

typedef struct hs_report_opts {
	int nodecount;          /* 0: all */
	double nodefraction;    /* pprof default 0.005 */
	double edgefraction;    /* pprof default 0.001 */
	bool cum_sort;
	bool visual;            /* DOT: entropy order, redundant edges removed */
	/* Keep the sample tags of the kept nodes (pprof's nodelets); with
	 * visual they count towards nodecount as pprof's selectTopNodes
	 * counts them.  tag_unit: --unit, for the numeric tags' names
	 * ("minimum" if NULL). */
	bool tags;
	const char *tag_unit;
	/* Columns summed with the report's graph (hs_graph_build_cols): in
	 * r->g.col_flat/col_cum for the kept nodes. */
	size_t ncols;
	const int64_t *const *cols;
} hs_report_opts;

typedef struct hs_report {
	hs_graph g;
	int64_t total;
	int64_t node_cutoff, edge_cutoff;   /* from the graph's flat sum */
	int64_t node_cutoff_total, edge_cutoff_total;  /* from total, for labels */
	size_t orig_count, dropped_nodes, dropped_edges;
	uint8_t *inline_flags;  /* private */
	void *tags;             /* private: hs_report_tags */
} hs_report;

hs_err hs_report_build(hs_report *r, const hs_view *v, const hs_report_opts *o,
                       hs_error *err);
void hs_report_release(hs_report *r);

/* Inline label of a node in a report: "", "(inline)", "(partial-inline)". */
const char *hs_report_inline_label(const hs_report *r, uint32_t node);

/* A sample tag of a report node, as pprof's graph builder (graph.go,
 * addSample) collects it from every sample through the node: cum once per
 * sample, flat when the node is the sample's leaf.  A label tag stands for
 * a sample's string labels, "key:value" sorted and joined with a literal
 * backslash-n ("pprof::base" left out).  A numeric tag is one value of the
 * "bytes" numeric label (pprof keeps no other), named by that value scaled
 * to tag_unit and merged by name; it belongs to the label tag of its
 * samples ("" for samples without string labels).  Tags whose |flat| and
 * |cum| are both under the report's node cutoff are dropped, as pprof's
 * TrimLowFrequencyTags does. */
typedef struct hs_tag {
	const char *name;
	const char *labels;     /* numeric tags: their label tag's name; NULL for label tags */
	const char *unit;       /* numeric tags: the unit of "bytes" (NumLabelUnits) */
	int64_t value;          /* numeric tags: the first value given this name */
	int64_t flat, cum;
} hs_tag;

/* The tags of a node of a report built with opts.tags, label and numeric
 * ones in the order first met; *n = 0 (and NULL) if none. */
const hs_tag *hs_report_tags(const hs_report *r, uint32_t node, size_t *n);

#endif
