/* Output of `heapscope goroutines`: text, folded, JSON and DOT writers
 * over the groups of include/heapscope/goroutines.h, as an ops table. */
#include <stdlib.h>
#include <string.h>

#include "../core/hashmap.h"
#include "escape.h"
#include "folded_name.h"
#include "formats.h"
#include "goroutines_out.h"
#include "inputs_out.h"
#include "json.h"

/* The text names this many label sets of a group; "and N more" the rest. */
#define TEXT_LABEL_SETS 4

/* DOT draws this many groups; the rest are summed in the title. */
#define DOT_GROUPS 10

/* ---- text --------------------------------------------------------------- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/'), *b = strrchr(path, '\\');
	if (b && (!s || b > s))
		s = b;
	return s ? s + 1 : path;
}

/* "main.f (file.go:12)", or "" when the goroutine's creator is unknown. */
static void creator_text(const hs_gfine *f, char *buf, size_t size)
{
	if (!*f->created_by)
		snprintf(buf, size, "%s", "");
	else if (*f->created_loc)
		snprintf(buf, size, "%s (%s)", f->created_by, base_name(f->created_loc));
	else
		snprintf(buf, size, "%s", f->created_by);
}

/* The state of a group's biggest stack, "+N" when it holds N other states. */
static void state_text(const hs_ggroup *gp, char *buf, size_t size)
{
	if (gp->nstates > 1)
		snprintf(buf, size, "%s +%zu", gp->rep->state, gp->nstates - 1);
	else
		snprintf(buf, size, "%s", gp->rep->state);
}

static void wait_text(const hs_ggroup *gp, char *buf, size_t size)
{
	if (!gp->from_dump)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%lld/%lld/%lld", (long long)gp->wait[0], (long long)gp->wait[1],
		         (long long)gp->wait[2]);
}

static int width_of(const char *s, int min)
{
	/* Columns count characters, not bytes: UTF-8 continuation bytes are
	 * not one. */
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		w += (*p & 0xc0) != 0x80;
	return w > min ? w : min;
}

static void pad(FILE *out, const char *s, int width)
{
	fputs(s, out);
	for (int k = width_of(s, 0); k < width; k++)
		putc(' ', out);
}

static void print_stack(FILE *out, const hs_gfine *f)
{
	for (uint32_t i = 0; i < f->nframes; i++) {
		fprintf(out, "  %s\n", f->frames[i].func);
		if (*f->frames[i].file || f->frames[i].line)
			fprintf(out, "        %s:%lld\n", f->frames[i].file, (long long)f->frames[i].line);
	}
	if (*f->created_by)
		fprintf(out, "  created by %s\n", f->created_by);
	if (*f->created_loc)
		fprintf(out, "        %s\n", f->created_loc);
}

typedef struct text_widths {
	int count, state, wait, top;
} text_widths;

static void table_header(FILE *out, const hs_goroutines *g, const text_widths *w)
{
	char buf[32];
	fprintf(out, "\n%*s  %6s  ", w->count, "COUNT", "SHARE");
	for (int k = 0; hs_goroutines_nfiles(g) > 1 && k < hs_goroutines_nfiles(g); k++) {
		snprintf(buf, sizeof buf, "#%d", k + 1);
		fprintf(out, "%*s  ", w->count, buf);
	}
	if (hs_goroutines_by(g) != HS_BY_STACK)
		fprintf(out, "%6s  ", "STACKS");
	pad(out, "STATE", w->state + 2);
	pad(out, "MINUTES min/med/max", w->wait + 2);
	pad(out, "TOP FRAME", w->top + 2);
	fprintf(out, "CREATED BY\n");
}

static void table_row(FILE *out, const hs_goroutines *g, const text_widths *w, const hs_ggroup *gp)
{
	char buf[300];
	double share = hs_goroutines_abs_total(g) ? 100.0 * (double)gp->count / (double)hs_goroutines_abs_total(g) : 0;
	fprintf(out, "%*lld  %5.1f%%  ", w->count, (long long)gp->count, share);
	for (int k = 0; hs_goroutines_nfiles(g) > 1 && k < hs_goroutines_nfiles(g); k++)
		fprintf(out, "%*lld  ", w->count, (long long)gp->per_file[k]);
	if (hs_goroutines_by(g) != HS_BY_STACK)
		fprintf(out, "%6zu  ", gp->nfine);
	state_text(gp, buf, sizeof buf);
	pad(out, buf, w->state + 2);
	wait_text(gp, buf, sizeof buf);
	pad(out, buf, w->wait + 2);
	char created[512];
	creator_text(gp->rep, created, sizeof created);
	const char *top = *gp->rep->top ? gp->rep->top : "-";
	if (*created)
		pad(out, top, w->top + 2);   /* no trailing blanks on a line */
	else
		fputs(top, out);
	fprintf(out, "%s\n", created);
}

/* "labels: {k=v, k=v} 3, {} 1, and 2 more" under a row whose goroutines
 * carry pprof labels ({}: the ones without); nothing for the others. */
static void labels_line(FILE *out, const text_widths *w, const hs_ggroup *gp)
{
	if (!gp->nlabels)
		return;
	fprintf(out, "%*s  labels: ", w->count, "");
	for (size_t i = 0; i < gp->nlabels && i < TEXT_LABEL_SETS; i++) {
		const hs_glabels *l = &gp->labels[i];
		fputs(i ? ", {" : "{", out);
		for (uint32_t k = 0; k < l->n; k++) {
			fputs(k ? ", " : "", out);
			esc_term(out, l->kv[2 * k]);
			fputc('=', out);
			esc_term(out, l->kv[2 * k + 1]);
		}
		fprintf(out, "} %lld", (long long)l->count);
	}
	if (gp->nlabels > TEXT_LABEL_SETS)
		fprintf(out, ", and %zu more", gp->nlabels - TEXT_LABEL_SETS);
	fputc('\n', out);
}

static void biggest(FILE *out, const hs_ggroup *top)
{
	char buf[64];
	wait_text(top, buf, sizeof buf);
	fprintf(out, "\nBiggest group: %lld goroutine%s, %s", (long long)top->count,
	        top->count == 1 ? "" : "s", top->rep->state);
	if (top->nstates > 1)
		fprintf(out, " and %zu other state%s", top->nstates - 1, top->nstates > 2 ? "s" : "");
	if (top->from_dump)
		fprintf(out, ", waiting %s minutes (min/median/max)", buf);
	if (top->nfine > 1)
		fprintf(out, "; its biggest of %zu stacks", top->nfine);
	fprintf(out, ":\n");
	print_stack(out, top->rep);
}

static void write_text(FILE *out, const hs_goroutines *g, char **files)
{
	size_t ng = hs_goroutines_ngroups(g);
	const hs_ggroup *gs = hs_goroutines_groups(g);
	text_widths w = {5, 5, 21, 9};
	char buf[300];
	for (size_t i = 0; i < ng; i++) {
		snprintf(buf, sizeof buf, "%lld", (long long)gs[i].count);
		w.count = width_of(buf, w.count);
		state_text(&gs[i], buf, sizeof buf);
		w.state = width_of(buf, w.state);
		wait_text(&gs[i], buf, sizeof buf);
		w.wait = width_of(buf, w.wait);
		w.top = width_of(gs[i].rep->top, w.top);
	}
	fprintf(out, "%lld goroutine%s in %zu group%s (by %s)\n", (long long)hs_goroutines_total(g),
	        hs_goroutines_total(g) == 1 ? "" : "s", ng, ng == 1 ? "" : "s", hs_group_by_name(hs_goroutines_by(g)));
	if (hs_goroutines_negative(g))
		fprintf(out, "(a delta profile: negative counts are goroutines that went away)\n");
	for (int k = 0; hs_goroutines_nfiles(g) > 1 && k < hs_goroutines_nfiles(g); k++)
		fprintf(out, "  #%d %s: %lld\n", k + 1, files[k], (long long)hs_goroutines_file_total(g, k));
	table_header(out, g, &w);
	for (size_t i = 0; i < ng; i++) {
		table_row(out, g, &w, &gs[i]);
		labels_line(out, &w, &gs[i]);
	}
	if (ng)
		biggest(out, &gs[0]);
}

/* ---- folded ------------------------------------------------------------- */

typedef struct folded_line {
	const hs_gfine *f;
	int64_t count;
} folded_line;

static const char *fold_key(hs_vec *k, const hs_gfine *f, size_t *len)
{
	k->len = 0;
	for (uint32_t i = f->nframes; i-- > 0;)
		if (!hs_gkey_add(k, f->frames[i].func, strlen(f->frames[i].func)))
			return NULL;
	if (!hs_gkey_add(k, f->state, strlen(f->state)))
		return NULL;
	*len = k->len;
	return k->data;
}

static int cmp_folded(const void *pa, const void *pb)
{
	const folded_line *a = pa, *b = pb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return hs_gkey_cmp(a->f->key, a->f->keylen, b->f->key, b->f->keylen);
}

static void folded_print(FILE *out, const folded_line *fl)
{
	for (uint32_t k = fl->f->nframes; k-- > 0;) {
		folded_name_put(out, fl->f->frames[k].func, false);
		putc(';', out);
	}
	char state[300];
	snprintf(state, sizeof state, "[%s]", fl->f->state);
	folded_name_put(out, state, true);
	fprintf(out, " %lld\n", (long long)fl->count);
}

/* One line per distinct (function names, state): fine groups that differ
 * only in lines or creators fold into one. */
HS_VEC_TYPED(folded_vec, folded_line)

static bool write_folded(FILE *out, const hs_goroutines *g, char **files,
                         const hs_inventory *inv)
{
	(void)inv;
	(void)files;
	hs_strmap index;
	hs_arena keys;       /* the index's keys */
	hs_vec key;          /* char scratch */
	folded_vec lines;
	hs_arena_init(&keys);
	hs_vec_init(&key, 1);
	folded_vec_init(&lines);
	size_t nf = hs_goroutines_nfines(g);
	const hs_gfine *fines = hs_goroutines_fines(g);
	bool ok = hs_strmap_init(&index, nf + 16);
	for (size_t i = 0; ok && i < nf; i++) {
		const hs_gfine *f = &fines[i];
		size_t len;
		const char *k = fold_key(&key, f, &len);
		char *copy = k ? hs_arena_strndup(&keys, k, len) : NULL;
		if (!(ok = copy != NULL))
			break;
		size_t n = folded_vec_len(&lines);
		uint32_t li = hs_strmap_get_or_put(&index, copy, len, (uint32_t)n);
		if (li == n) {
			folded_line *fl = folded_vec_push(&lines);
			if (!(ok = fl != NULL))
				break;
			fl->f = f;
		}
		ok = li != UINT32_MAX;
		if (ok) {
			folded_line *fl = folded_vec_at(&lines, li);
			fl->count = hs_add(fl->count, f->count);
		}
	}
	if (ok && folded_vec_len(&lines))
		qsort(folded_vec_data(&lines), folded_vec_len(&lines), sizeof(folded_line), cmp_folded);
	for (size_t i = 0; ok && i < folded_vec_len(&lines); i++)
		folded_print(out, folded_vec_at(&lines, i));
	hs_strmap_release(&index);
	folded_vec_release(&lines);
	hs_vec_release(&key);
	hs_arena_release(&keys);
	return ok;
}

/* ---- json --------------------------------------------------------------- */

static void write_json(FILE *out, const hs_goroutines *g, char **files, const hs_inventory *inv)
{
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_key(&w, "total");
	json_int(&w, hs_goroutines_total(g));
	if (hs_goroutines_nfiles(g) > 1) {
		json_key(&w, "files");
		json_begin_array(&w);
		for (int k = 0; k < hs_goroutines_nfiles(g); k++)
			json_string(&w, files[k]);
		json_end_array(&w);
		json_key(&w, "per_file");
		json_begin_array(&w);
		for (int k = 0; k < hs_goroutines_nfiles(g); k++)
			json_int(&w, hs_goroutines_file_total(g, k));
		json_end_array(&w);
	}
	json_key(&w, "groups");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_goroutines_ngroups(g); i++) {
		const hs_ggroup *gp = &hs_goroutines_groups(g)[i];
		json_begin_object(&w);
		json_key(&w, "count");
		json_int(&w, gp->count);
		if (hs_goroutines_nfiles(g) > 1) {
			json_key(&w, "per_file");
			json_begin_array(&w);
			for (int k = 0; k < hs_goroutines_nfiles(g); k++)
				json_int(&w, gp->per_file[k]);
			json_end_array(&w);
		}
		json_key(&w, "state");
		json_string(&w, gp->rep->state);
		json_key(&w, "wait_minutes");
		json_begin_array(&w);
		for (int k = 0; k < 3; k++)
			json_int(&w, gp->wait[k]);
		json_end_array(&w);
		json_key(&w, "created_by");
		json_string(&w, gp->rep->created_by);
		if (gp->nlabels) {
			json_key(&w, "labels");
			json_begin_array(&w);
			for (size_t k = 0; k < gp->nlabels; k++) {
				const hs_glabels *l = &gp->labels[k];
				json_begin_object(&w);
				json_key(&w, "labels");
				json_begin_object(&w);
				for (uint32_t j = 0; j < l->n; j++) {
					json_key(&w, l->kv[2 * j]);
					json_string(&w, l->kv[2 * j + 1]);
				}
				json_end_object(&w);
				json_key(&w, "count");
				json_int(&w, l->count);
				json_end_object(&w);
			}
			json_end_array(&w);
		}
		json_key(&w, "stack");
		json_begin_array(&w);
		for (uint32_t k = 0; k < gp->rep->nframes; k++)
			json_string(&w, gp->rep->frames[k].func);
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	out_inputs_json(&w, inv, "goroutines");
	json_end_object(&w);
	json_finish(&w);
}

/* ---- dot ---------------------------------------------------------------- */

static void dot_str(FILE *out, const char *s)
{
	putc('"', out);
	esc_dot(out, s, strlen(s), true);
	putc('"', out);
}

typedef struct dot_edge {
	uint32_t from, to;
	int64_t weight;
	bool created;
} dot_edge;

HS_VEC_VIEW(dot_edge_vec, dot_edge)
HS_VEC_VIEW(hs_cstr_vec, const char *)

/* Node ids: frames by function name, from 1; group boxes are G<i>. */
static bool dot_node(hs_strmap *names, hs_vec *order, const char *name, uint32_t *id)
{
	uint32_t n = (uint32_t)order->len;
	*id = hs_strmap_get_or_put(names, name, strlen(name), n);
	if (*id == UINT32_MAX)
		return false;
	if (*id == n) {
		const char **slot = hs_vec_push(order, 1);
		if (!slot)
			return false;
		*slot = name;
	}
	return true;
}

static bool dot_link(hs_idmap *index, hs_vec *edges, uint32_t from, uint32_t to, int64_t w,
                     bool created)
{
	uint64_t k = (uint64_t)from << 32 | to;
	uint32_t e = hs_idmap_get(index, k);
	if (e == UINT32_MAX) {
		dot_edge *de = hs_vec_push(edges, 1);
		if (!de || !hs_idmap_put(index, k, (uint32_t)(edges->len - 1), NULL))
			return false;
		*de = (dot_edge){from, to, 0, created};
		e = (uint32_t)(edges->len - 1);
	}
	dot_edge *de = dot_edge_vec_at(edges, e);
	de->weight = hs_add(de->weight, w);
	return true;
}

typedef struct dot_graph {
	hs_strmap names;          /* function name -> node index */
	hs_idmap index;           /* (from, to) -> edge */
	hs_vec order;             /* const char *: node names by index */
	hs_vec edges;             /* dot_edge */
} dot_graph;

#define DOT_GROUP_ID 0x80000000u   /* edge targets from here on are group boxes */

/* Edges run caller -> callee, from the creator to the root (dashed), and
 * from the leaf into its group's box. */
static bool dot_collect(dot_graph *d, const hs_ggroup *gs, size_t ng)
{
	bool ok = true;
	for (size_t i = 0; ok && i < ng; i++) {
		const hs_gfine *f = gs[i].rep;
		uint32_t prev = UINT32_MAX, id;
		if (*f->created_by && f->nframes)
			ok = dot_node(&d->names, &d->order, f->created_by, &prev);
		for (uint32_t k = f->nframes; ok && k-- > 0;) {
			ok = dot_node(&d->names, &d->order, f->frames[k].func, &id);
			if (ok && prev != UINT32_MAX)
				ok = dot_link(&d->index, &d->edges, prev, id, gs[i].count,
				              k == f->nframes - 1 && *f->created_by);
			prev = id;
		}
		if (ok && prev != UINT32_MAX)
			ok = dot_link(&d->index, &d->edges, prev, DOT_GROUP_ID + (uint32_t)i, gs[i].count,
			              false);
	}
	return ok;
}

static void dot_print(FILE *out, const hs_goroutines *g, const dot_graph *d, size_t ng)
{
	const hs_ggroup *gs = hs_goroutines_groups(g);
	int64_t shown = 0;
	for (size_t i = 0; i < ng; i++)
		shown = hs_add(shown, gs[i].count);
	fprintf(out, "digraph \"goroutines\" {\n");
	fprintf(out, "label=\"%lld goroutines in %zu groups (by %s); the %zu biggest, %lld "
	             "goroutines, are drawn\" labelloc=t fontsize=16\n",
	        (long long)hs_goroutines_total(g), hs_goroutines_ngroups(g), hs_group_by_name(hs_goroutines_by(g)), ng, (long long)shown);
	fprintf(out, "node [shape=box style=filled fillcolor=\"#f8f8f8\" fontsize=10]\n");
	for (size_t i = 0; i < d->order.len; i++) {
		fprintf(out, "F%zu [label=", i + 1);
		dot_str(out, *hs_cstr_vec_at(&d->order, i));
		fprintf(out, "]\n");
	}
	for (size_t i = 0; i < ng; i++) {
		char label[600], wait[64];
		wait_text(&gs[i], wait, sizeof wait);
		snprintf(label, sizeof label, "%lld goroutine%s\n[%s]%s%s", (long long)gs[i].count,
		         gs[i].count == 1 ? "" : "s", gs[i].rep->state,
		         gs[i].from_dump ? "\nwait " : "", gs[i].from_dump ? wait : "");
		fprintf(out, "G%zu [label=", i + 1);
		dot_str(out, label);
		fprintf(out, " shape=box3d fillcolor=\"%s\" fontsize=%d]\n",
		        i == 0 ? "#edd8d5" : "#f0e6d2", i == 0 ? 16 : 12);
	}
	int64_t max = ng ? hs_abs(gs[0].count) : 1;
	for (size_t i = 0; i < d->edges.len; i++) {
		const dot_edge *e = dot_edge_vec_at(&d->edges, i);
		int pen = max > 0 ? 1 + (int)(5 * (double)hs_abs(e->weight) / (double)max) : 1;
		if (pen > 6)
			pen = 6;
		if (e->to >= DOT_GROUP_ID)
			fprintf(out, "F%u -> G%u", e->from + 1, e->to - DOT_GROUP_ID + 1);
		else
			fprintf(out, "F%u -> F%u", e->from + 1, e->to + 1);
		fprintf(out, " [label=\" %lld\" penwidth=%d%s]\n", (long long)e->weight, pen,
		        e->created ? " style=dashed" : "");
	}
	fprintf(out, "}\n");
}

static bool write_dot(FILE *out, const hs_goroutines *g, char **files,
                      const hs_inventory *inv)
{
	(void)inv;
	size_t ng = hs_goroutines_ngroups(g) < DOT_GROUPS ? hs_goroutines_ngroups(g) : DOT_GROUPS;
	dot_graph d;
	memset(&d, 0, sizeof d);
	hs_vec_init(&d.order, sizeof(const char *));
	hs_vec_init(&d.edges, sizeof(dot_edge));
	bool ok = hs_strmap_init(&d.names, 64) && hs_idmap_init(&d.index, 64) &&
	          dot_collect(&d, hs_goroutines_groups(g), ng);
	if (ok)
		dot_print(out, g, &d, ng);
	hs_strmap_release(&d.names);
	hs_idmap_release(&d.index);
	hs_vec_release(&d.order);
	hs_vec_release(&d.edges);
	return ok;
}


static bool write_text_ok(FILE *out, const hs_goroutines *g, char **files,
                          const hs_inventory *inv)
{
	(void)inv;
	write_text(out, g, files);
	return true;
}

static bool write_json_ok(FILE *out, const hs_goroutines *g, char **files,
                          const hs_inventory *inv)
{
	write_json(out, g, files, inv);
	return true;
}

static const goroutines_format formats[] = {
	{"text", write_text_ok},
	{"folded", write_folded},
	{"json", write_json_ok},
	{"dot", write_dot},
};

OUT_FORMAT_EXPORTS(goroutines_format, goroutines, formats);
