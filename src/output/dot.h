/* Call-graph output: a report's nodes and edges laid out the way go tool
 * pprof -dot lays them out (node ids, edge order, legend lines), handed to
 * a format's ops table.  DOT is the one format today; another graph format
 * (GraphML, a JSON graph...) plugs in with its own graph_ops and reuses
 * the layout.
 *
 * Nothing here owns the report: a graph_layout borrows the report_fmt, and
 * graph_write builds and frees its layout around the ops calls. */
#ifndef HS_OUTPUT_DOT_H
#define HS_OUTPUT_DOT_H

#include <stdbool.h>
#include <stdio.h>

#include "heapscope/error.h"
#include "heapscope/graph.h"
#include "pprof_text.h"

#define GRAPH_MAX_LABELS 32

typedef struct graph_layout {
	const report_fmt *f;
	const char *title;        /* base name of the first mapping's file, "" if none */
	char (*labels)[320];      /* legend lines: report_labels with full headers */
	int nlabels;
	const uint32_t *nodes;    /* view node ids; nodes[i] is drawn as i + 1 */
	size_t nnodes;
	const uint32_t *draw_id;  /* per view node id: 1-based drawn id, 0 if not drawn */
	const hs_edge *const *edges;  /* kept edges in pprof's order: |weight|, names */
	size_t nedges;
	int64_t max_flat;         /* largest |flat| among the drawn nodes */
	/* Per drawn id: GRAPH_HAS_OUT if an edge leaves the node; the node op
	 * adds GRAPH_NODELETS when it drew tag nodelets under it, which
	 * lengthens the node's out-edges (minlen=2). */
	uint8_t *node_flags;
	const void *ctx;          /* the ops' ctx, for its callbacks */
} graph_layout;

enum { GRAPH_HAS_OUT = 1, GRAPH_NODELETS = 2 };

typedef struct graph_ops {
	const char *name;
	void (*begin)(FILE *out, const graph_layout *l);
	void (*node)(FILE *out, const graph_layout *l, size_t i);   /* i into l->nodes */
	void (*edge)(FILE *out, const graph_layout *l, const hs_edge *e);
	void (*end)(FILE *out, const graph_layout *l);
	const void *ctx;   /* the caller's data, handed to the callbacks as l->ctx */
} graph_ops;

/* Graphviz DOT, as pprof's ComposeDot writes it: each node followed by
 * its nodelets (dotgraph.go's addNodelets) when the report has tags. */
extern const graph_ops graph_dot_ops;

/* The ops for a format name ("dot"), or NULL. */
const graph_ops *graph_format_find(const char *name);

/* Lay out f's report (built with visual=true for pprof's node choice) and
 * write it with ops.  Fails only on memory; write errors are left to the
 * caller's ferror(). */
hs_err graph_write(FILE *out, const report_fmt *f, const graph_ops *ops, hs_error *err);

/* pprof's ShortenFunctionName: "(anonymous namespace)::" and module major
 * versions ("/v2") dropped, then the Go, Java or C++ short form.  Writes at
 * most strlen(name) + 1 bytes to out (the result never grows). */
void dot_shorten_function_name(const char *name, char *out);

/* pprof's dotColor: score -1 (green) .. 0 (grey) .. 1 (red) as "#rrggbb". */
void dot_color(double score, bool background, char out[8]);

#endif
