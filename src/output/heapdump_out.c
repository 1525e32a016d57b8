/* Heap dump reports.  Text: the culprit first (leak suspects with their
 * accumulation point, root path, goroutine stack and allocation site),
 * then retainers by root, size classes and allocation sites. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "formats.h"
#include "heapdump_out.h"
#include "heapscope/units.h"
#include "json.h"

HS_VEC_VIEW(hd_frame_vec, hs_hd_frame)
HS_VEC_VIEW(hd_goroutine_vec, hs_hd_goroutine)
HS_VEC_VIEW(hd_site_vec, hs_hd_site)
HS_VEC_VIEW(hd_sizeclass_vec, hs_hd_sizeclass)
HS_VEC_VIEW(hd_suspect_vec, hs_hd_suspect)
HS_VEC_VIEW(hd_delta_vec, hs_hd_delta)
HS_VEC_VIEW(hd_u32_vec, uint32_t)
HS_VEC_VIEW(hd_row_vec, hs_hd_retainer_row)
HS_VEC_VIEW(hd_typerow_vec, hs_hd_typerow)

enum { TOP_ROWS = 20, FOLDED_DEPTH = 12 };

const char *hd_bytes(uint64_t v, char *buf, size_t n)
{
	if (v < 1024) {
		snprintf(buf, n, "%" PRIu64 "B", v);
		return buf;
	}
	hs_scaled_label((int64_t)v, "bytes", "auto", buf, n);
	return buf;
}


/* An allocation origin's keys (heapdump_out.h). */
void out_origin_json(json_w *w, const char *func, const char *file, uint64_t line, bool own,
                     const char *const *chain, size_t nchain)
{
	json_kv_string(w, "function", func);
	json_kv_string(w, "file", file);
	json_kv_int(w, "line", (int64_t)line);
	json_key(w, "own");
	json_bool(w, own);
	json_key(w, "chain");
	json_begin_array(w);
	for (size_t c = 0; c < nchain; c++)
		json_string(w, chain[c]);
	json_end_array(w);
}

static double pct(uint64_t v, uint64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0;
}

static const hs_hd_goroutine *suspect_goroutine(const hs_hd_analysis *a, const hs_hd_suspect *s)
{
	if (s->holder == HS_HD_NONE)
		return NULL;
	uint32_t g = a->holders[s->holder].goroutine;
	return g == HS_HD_NONE ? NULL : hd_goroutine_vec_at(&a->h->goroutines, g);
}

static const hs_hd_site *site_at(const hs_hd_analysis *a, uint32_t i)
{
	return i == HS_HD_NONE ? NULL : hd_site_vec_at(&a->sites, i);
}

const char *hd_owner_rank_name(int rank)
{
	static const char *const kinds[] = {"global", "runtime root", "goroutine frame",
	                                    "goroutine context"};
	return rank >= 0 && rank < 4 ? kinds[rank] : "?";
}

const char *hd_owner_kind(const hs_hd_analysis *a, uint32_t holder)
{
	return hd_owner_rank_name(hs_hd_owner_rank(a->holders[holder].kind));
}

/* "A, B, C (+2 more)": the first names of a suspect's roots. */
static const char *root_list(const hs_hd_analysis *a, const hs_hd_suspect *s, char *buf,
                             size_t size)
{
	size_t o = 0, n = s->roots.len, shown = n > 4 ? 3 : n;
	buf[0] = '\0';
	for (size_t k = 0; k < shown && o < size; k++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", k ? ", " : "",
		                      a->holders[*hd_u32_vec_at(&s->roots, k)].name);
	if (shown < n && o < size)
		snprintf(buf + o, size - o, " (+%zu more)", n - shown);
	return buf;
}

/* How the memory profile sampled the allocations, for the sites' line. */
static const char *rate_note(const hs_heapdump *h, char *buf, size_t n)
{
	char b1[32];
	if (h->memprof_broken)
		snprintf(buf, n, "the core's memory profile buckets could not be read");
	else if (!h->has_memprof_rate)
		snprintf(buf, n, "a heap dump does not record runtime.MemProfileRate");
	else if (h->memprof_rate == 1)
		snprintf(buf, n, "runtime.MemProfileRate 1: every allocation sampled");
	else if (h->memprof_rate <= 0)
		snprintf(buf, n, "runtime.MemProfileRate %lld: no allocation sampled",
		         (long long)h->memprof_rate);
	else
		snprintf(buf, n, "sampled at one allocation per %s on average, the rest have no site",
		         hd_bytes((uint64_t)h->memprof_rate, b1, sizeof b1));
	return buf;
}

enum { ORIGIN_ROWS = 5 };

/* v of total as a share that says 100% and 0% only when exact. */
static const char *share(uint64_t v, uint64_t total, char *buf, size_t n)
{
	double p = pct(v, total);
	if (v == total || v == 0)
		snprintf(buf, n, "%s", v && total ? "100%" : "0%");
	else if (p >= 99.95)
		snprintf(buf, n, ">99.9%%");
	else if (p < 0.05)
		snprintf(buf, n, "<0.1%%");
	else
		snprintf(buf, n, "%.1f%%", p);
	return buf;
}

/* The origins of what suspect s retains: the share of its bytes with a
 * sampled site, then the biggest origins, culprit first. */
static void text_origins(FILE *out, const hs_hd_analysis *a, const hs_hd_suspect *s)
{
	const hs_heapdump *h = a->h;
	char b1[32], b2[32], note[160], sh[16];
	if (!h->nsampled && !h->memprof_broken)
		return;
	fprintf(out, "   allocated by: sites of %s of the %s it retains (%" PRIu64 " of %" PRIu64
	        " objects); %s\n", share(s->sampled_bytes, s->retained, sh, sizeof sh),
	        hd_bytes(s->retained, b1, sizeof b1), s->sampled_objects, s->objects,
	        rate_note(h, note, sizeof note));
	uint64_t more = 0, more_bytes = 0;
	for (size_t k = 0; k < s->origins.len; k++) {
		const hs_hd_origin_row *r = &HS_VEC_AT(&s->origins, hs_hd_origin_row, k);
		if (k >= ORIGIN_ROWS) {
			more++;
			more_bytes += r->bytes;
			continue;
		}
		const hs_hd_origin *o = &HS_VEC_AT(&a->origins, hs_hd_origin, r->origin);
		fprintf(out, "     %s%s %s in %" PRIu64 " object%s (%s:%" PRIu64 ")\n", o->func,
		        o->own ? "" : " (no frame of the program's own)",
		        hd_bytes(r->bytes, b1, sizeof b1), r->objects, r->objects == 1 ? "" : "s",
		        o->file, o->line);
		if (o->nchain > 1) {
			fprintf(out, "       ");
			for (uint32_t c = 0; c < o->nchain; c++)
				fprintf(out, "%s%s", c ? " -> " : "", o->chain[c]);
			fprintf(out, "\n");
		}
	}
	if (more)
		fprintf(out, "     and %" PRIu64 " other site%s: %s\n", more, more == 1 ? "" : "s",
		        hd_bytes(more_bytes, b2, sizeof b2));
}

static void json_origins(json_w *w, const hs_hd_analysis *a, const hs_hd_suspect *s)
{
	const hs_heapdump *h = a->h;
	json_key(w, "allocation");
	json_begin_object(w);
	json_kv_int(w, "objects", (int64_t)s->objects);
	json_kv_int(w, "sampled_objects", (int64_t)s->sampled_objects);
	json_kv_int(w, "sampled_bytes", (int64_t)s->sampled_bytes);
	json_kv_int(w, "unsampled_bytes", (int64_t)(s->retained - s->sampled_bytes));
	json_key(w, "sites");
	json_begin_array(w);
	for (size_t k = 0; k < s->origins.len; k++) {
		const hs_hd_origin_row *r = &HS_VEC_AT(&s->origins, hs_hd_origin_row, k);
		const hs_hd_origin *o = &HS_VEC_AT(&a->origins, hs_hd_origin, r->origin);
		json_begin_object(w);
		out_origin_json(w, o->func, o->file, o->line, o->own, o->chain, o->nchain);
		json_kv_int(w, "objects", (int64_t)r->objects);
		json_kv_int(w, "bytes", (int64_t)r->bytes);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
	(void)h;
}

static void text_suspect(FILE *out, const hs_hd_analysis *a, size_t i)
{
	const hs_hd_suspect *s = hd_suspect_vec_at(&a->suspects, i);
	char b1[32], b2[32], name[600], list[800];
	size_t others = s->roots.len ? s->roots.len - 1 : 0;
	const char *owner = s->owner != HS_HD_NONE ? a->holders[s->owner].name
	                                           : hs_hd_node_name(a, s->node, name, sizeof name);
	bool shared = hs_hd_owned_by_structure(a, s);
	if (shared)
		fprintf(out, "\n%zu. %s, shared by %zu roots, retains %s (%.1f%% of the reachable "
		        "heap)\n", i + 1, hs_hd_node_name(a, s->node, name, sizeof name), s->roots.len,
		        hd_bytes(s->retained, b1, sizeof b1), s->share * 100);
	else if (others)
		fprintf(out, "\n%zu. %s and %zu other root%s together retain %s (%.1f%% of the reachable "
		        "heap)\n", i + 1, owner, others, others == 1 ? "" : "s",
		        hd_bytes(s->retained, b1, sizeof b1), s->share * 100);
	else
		fprintf(out, "\n%zu. %s retains %s (%.1f%% of the reachable heap)\n", i + 1, owner,
		        hd_bytes(s->retained, b1, sizeof b1), s->share * 100);
	if (shared)
		fprintf(out, "   owner: %s, the object its roots share, reached first from %s (%s)\n",
		        hs_hd_node_name(a, s->node, name, sizeof name), owner, hd_owner_kind(a, s->owner));
	else if (s->owner != HS_HD_NONE)
		fprintf(out, "   owner: %s (%s)\n", owner, hd_owner_kind(a, s->owner));
	if (others)
		fprintf(out, "   roots together (%zu): %s\n", s->roots.len,
		        root_list(a, s, list, sizeof list));
	if (s->structure != HS_HD_NONE && s->structure != s->accum && !shared)
		fprintf(out, "   owning structure: %s\n", hs_hd_node_name(a, s->structure, name, sizeof name));
	if (s->accum != s->node)
		fprintf(out, "   accumulation point: %s retains %s\n",
		        hs_hd_node_name(a, s->accum, name, sizeof name),
		        hd_bytes(s->accum_retained, b1, sizeof b1));
	const char *gt = hs_hd_group_type(a, s);
	if (s->group_count)
		fprintf(out, "   holds %" PRIu64 " %s%sobjects of %s retaining %s\n", s->group_count, gt,
		        *gt ? " " : "", hd_bytes(s->group_size, b1, sizeof b1),
		        hd_bytes(s->group_bytes, b2, sizeof b2));
	const hs_hd_site *site = site_at(a, s->site);
	if (site)
		fprintf(out, "   allocated at %s (%s:%" PRIu64 ")\n", site->func, site->file, site->line);
	text_origins(out, a, s);
	fprintf(out, "   path from the %s:\n", shared ? "root that reaches it first" : "owner");
	for (size_t k = 0; k < s->path.len; k++)
		fprintf(out, "     %s%s\n", k ? "-> " : "",
		        hs_hd_node_name(a, *hd_u32_vec_at(&s->path, k), name, sizeof name));
	const hs_hd_goroutine *g = suspect_goroutine(a, s);
	if (g) {
		fprintf(out, "   goroutine %" PRIu64 " [%s] stack:\n", g->goid,
		        *g->waitreason ? g->waitreason : "runnable");
		for (uint32_t k = 0; k < g->nframes; k++)
			fprintf(out, "     %s\n",
			        hd_frame_vec_at(&a->h->frames, g->first_frame + k)->func);
	}
}

/* The name of a retainer row: a holder, or the roots of a suspect together. */
static const char *row_name(const hs_hd_analysis *a, const hs_hd_retainer_row *r, char *buf,
                            size_t size)
{
	if (r->holder != HS_HD_NONE)
		return a->holders[r->holder].name;
	char list[800];
	snprintf(buf, size, "roots together: %s",
	         root_list(a, hd_suspect_vec_at(&a->suspects, r->suspect), list, sizeof list));
	return buf;
}

static void text_holders(FILE *out, const hs_hd_analysis *a)
{
	char b1[32], name[900];
	hs_vec rows;
	hs_error e;
	hs_error_clear(&e);
	if (hs_hd_retainer_rows(a, &rows, &e) != HS_OK)
		return;
	fprintf(out, "\nTop retainers by root:\n%10s %7s %6s  %s\n", "retained", "share", "roots", "root");
	for (size_t i = 0; i < rows.len && i < TOP_ROWS; i++) {
		const hs_hd_retainer_row *r = hd_row_vec_at(&rows, i);
		if (!r->retained)
			break;
		fprintf(out, "%10s %6.2f%% %6" PRIu64 "  %s\n", hd_bytes(r->retained, b1, sizeof b1),
		        pct(r->retained, a->reachable_bytes), r->pointers,
		        row_name(a, r, name, sizeof name));
	}
	hs_vec_release(&rows);
}

/* Objects by Go type (a core's heap: a heap dump has no types): no rows
 * for an untyped heap, and none when memory runs out. */
typedef struct type_hist {
	hs_vec rows;                      /* hs_hd_typerow */
	uint64_t objects, bytes;          /* typed */
} type_hist;

static void type_hist_of(const hs_hd_analysis *a, type_hist *t)
{
	hs_error e;
	hs_error_clear(&e);
	(void)hs_hd_type_histogram(a, &t->rows, &t->objects, &t->bytes, &e);
}

static void text_types(FILE *out, const hs_hd_analysis *a)
{
	const hs_heapdump *h = a->h;
	char b1[32], b2[32], b3[32];
	type_hist t;
	type_hist_of(a, &t);
	if (t.rows.len)
		fprintf(out, "\nTypes: %" PRIu64 " of %zu objects typed (%s of %s); untyped %" PRIu64
		        " objects (%s)\n%9s %10s %10s  %s\n", t.objects, h->nobjects,
		        hd_bytes(t.bytes, b1, sizeof b1), hd_bytes(h->total_bytes, b2, sizeof b2),
		        h->nobjects - t.objects, hd_bytes(h->total_bytes - t.bytes, b3, sizeof b3),
		        "objects", "bytes", "retained", "type");
	for (size_t i = 0; i < t.rows.len && i < TOP_ROWS; i++) {
		const hs_hd_typerow *r = hd_typerow_vec_at(&t.rows, i);
		fprintf(out, "%9" PRIu64 " %10s %10s  %s\n", r->objects, hd_bytes(r->bytes, b1, sizeof b1),
		        hd_bytes(r->retained, b2, sizeof b2), h->type_names[r->type]);
	}
	hs_vec_release(&t.rows);
}

static void json_types(json_w *w, const hs_hd_analysis *a)
{
	type_hist t;
	type_hist_of(a, &t);
	if (t.rows.len) {
		json_kv_int(w, "typed_objects", (int64_t)t.objects);
		json_kv_int(w, "typed_bytes", (int64_t)t.bytes);
		json_key(w, "types");
		json_begin_array(w);
		for (size_t i = 0; i < t.rows.len; i++) {
			const hs_hd_typerow *r = hd_typerow_vec_at(&t.rows, i);
			json_begin_object(w);
			json_kv_string(w, "type", a->h->type_names[r->type]);
			json_kv_int(w, "objects", (int64_t)r->objects);
			json_kv_int(w, "bytes", (int64_t)r->bytes);
			json_kv_int(w, "retained", (int64_t)r->retained);
			json_end_object(w);
		}
		json_end_array(w);
	}
	hs_vec_release(&t.rows);
}

static hs_hd_site *sorted_sites(const hs_hd_analysis *a)
{
	hs_hd_site *s = malloc((a->sites.len ? a->sites.len : 1) * sizeof *s);
	if (!s)
		return NULL;
	if (a->sites.len)
		memcpy(s, a->sites.data, a->sites.len * sizeof *s);
	if (a->sites.len)
		qsort(s, a->sites.len, sizeof *s, hs_hd_site_cmp);
	return s;
}

static void text_tables(FILE *out, const hs_hd_analysis *a)
{
	char b1[32], b2[32], b3[32];
	fprintf(out, "\nSize classes:\n%10s %9s %10s %11s %10s\n", "size", "objects", "bytes",
	        "unreachable", "bytes");
	for (size_t i = 0; i < a->sizeclasses.len && i < TOP_ROWS; i++) {
		const hs_hd_sizeclass *c = hd_sizeclass_vec_at(&a->sizeclasses, i);
		fprintf(out, "%10s %9" PRIu64 " %10s %11" PRIu64 " %10s\n", hd_bytes(c->size, b1, sizeof b1),
		        c->objects, hd_bytes(c->bytes, b2, sizeof b2), c->unreachable_objects,
		        hd_bytes(c->unreachable_bytes, b3, sizeof b3));
	}
	if (!a->sites.len) {
		fprintf(out, "\nAllocation sites: none (no alloc sample in the dump: the runtime keeps them "
		             "when the program links its memory profile, e.g. imports runtime/pprof;\n"
		             "runtime.MemProfileRate = 1 samples every object)\n");
		return;
	}
	hs_hd_site *s = sorted_sites(a);
	if (!s)
		return;
	fprintf(out, "\nAllocation sites (sampled objects only):\n%9s %10s %10s  %s\n", "objects", "bytes",
	        "retained", "site");
	for (size_t i = 0; i < a->sites.len && i < TOP_ROWS; i++) {
		if (!s[i].objects)
			continue;
		fprintf(out, "%9" PRIu64 " %10s %10s  %s (%s:%" PRIu64 ")\n", s[i].objects,
		        hd_bytes(s[i].bytes, b1, sizeof b1), hd_bytes(s[i].retained, b2, sizeof b2),
		        s[i].func, s[i].file, s[i].line);
	}
	free(s);
}

void hd_write_text(FILE *out, const hs_hd_analysis *a, const char *file)
{
	const hs_heapdump *h = a->h;
	char b1[32], b2[32];
	fprintf(out, "Heap dump: %s (%s %s, compression %s, %s)\n", strcmp(file, "-") ? file : "<stdin>",
	        h->go_version ? h->go_version : "?", h->arch ? h->arch : "?", h->compression,
	        hd_bytes(h->input_bytes, b1, sizeof b1));
	fprintf(out, "Objects: %zu (%s); reachable %" PRIu64 " (%s)\n", h->nobjects,
	        hd_bytes(h->total_bytes, b1, sizeof b1), a->reachable_objects,
	        hd_bytes(a->reachable_bytes, b2, sizeof b2));
	fprintf(out, "Unreachable: %" PRIu64 " objects (%s), garbage the dump caught before a GC\n",
	        a->unreachable_objects, hd_bytes(a->unreachable_bytes, b1, sizeof b1));
	fprintf(out, "Roots: %zu pointers held by %zu roots; %zu goroutines\n", h->roots.len,
	        a->nholders, h->goroutines.len);
	size_t ns = a->suspects.len;
	fprintf(out, "\nLeak suspects (retaining >= 10%% of the reachable heap): %zu\n", ns);
	for (size_t i = 0; i < ns; i++)
		text_suspect(out, a, i);
	text_holders(out, a);
	text_types(out, a);
	text_tables(out, a);
}

static void json_node(json_w *w, const hs_hd_analysis *a, const char *key, uint32_t node)
{
	char name[600];
	json_kv_string(w, key, hs_hd_node_name(a, node, name, sizeof name));
}

static void json_suspect(json_w *w, const hs_hd_analysis *a, const hs_hd_suspect *s)
{
	char name[600];
	json_begin_object(w);
	json_node(w, a, "root", s->node);
	json_kv_int(w, "retained", (int64_t)s->retained);
	json_key(w, "share");
	json_double(w, s->share);
	if (hs_hd_owned_by_structure(a, s)) {
		json_node(w, a, "owner", s->node);
		json_kv_string(w, "owner_kind", "shared object");
		json_kv_string(w, "owner_root", a->holders[s->owner].name);
		json_kv_string(w, "owner_root_kind", hd_owner_kind(a, s->owner));
	} else if (s->owner != HS_HD_NONE) {
		json_kv_string(w, "owner", a->holders[s->owner].name);
		json_kv_string(w, "owner_kind", hd_owner_kind(a, s->owner));
	}
	json_key(w, "roots");
	json_begin_array(w);
	for (size_t k = 0; k < s->roots.len; k++)
		json_string(w, a->holders[*hd_u32_vec_at(&s->roots, k)].name);
	json_end_array(w);
	if (s->structure != HS_HD_NONE)
		json_node(w, a, "structure", s->structure);
	json_node(w, a, "accumulation_point", s->accum);
	json_kv_int(w, "accumulation_retained", (int64_t)s->accum_retained);
	if (s->group_count) {
		json_kv_int(w, "group_count", (int64_t)s->group_count);
		json_kv_int(w, "group_size", (int64_t)s->group_size);
		if (*hs_hd_group_type(a, s))
			json_kv_string(w, "group_type", hs_hd_group_type(a, s));
		json_kv_int(w, "group_retained", (int64_t)s->group_bytes);
	}
	const hs_hd_site *site = site_at(a, s->site);
	if (site)
		json_kv_string(w, "site", site->key);
	if (a->h->nsampled || a->h->memprof_broken)
		json_origins(w, a, s);
	json_key(w, "path");
	json_begin_array(w);
	for (size_t k = 0; k < s->path.len; k++)
		json_string(w, hs_hd_node_name(a, *hd_u32_vec_at(&s->path, k), name, sizeof name));
	json_end_array(w);
	const hs_hd_goroutine *g = suspect_goroutine(a, s);
	if (g) {
		json_kv_int(w, "goroutine", (int64_t)g->goid);
		json_key(w, "stack");
		json_begin_array(w);
		for (uint32_t k = 0; k < g->nframes; k++)
			json_string(w, hd_frame_vec_at(&a->h->frames, g->first_frame + k)->func);
		json_end_array(w);
	}
	json_end_object(w);
}

/* The rows of roots together (hs_hd_retainer_rows), beside "roots". */
static void json_root_groups(json_w *w, const hs_hd_analysis *a)
{
	json_key(w, "root_groups");
	json_begin_array(w);
	for (size_t i = 0; i < a->suspects.len; i++) {
		const hs_hd_suspect *s = hd_suspect_vec_at(&a->suspects, i);
		if (s->node < a->h->nobjects) {
			json_begin_object(w);
			json_key(w, "roots");
			json_begin_array(w);
			for (size_t k = 0; k < s->roots.len; k++)
				json_string(w, a->holders[*hd_u32_vec_at(&s->roots, k)].name);
			json_end_array(w);
			json_node(w, a, "structure", s->node);
			json_kv_int(w, "retained", (int64_t)s->retained);
			json_kv_int(w, "pointers", (int64_t)s->root_pointers);
			json_end_object(w);
		}
	}
	json_end_array(w);
}

void hd_write_json(FILE *out, const hs_hd_analysis *a, const char *file)
{
	const hs_heapdump *h = a->h;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_kv_string(&w, "file", file);
	json_kv_string(&w, "go_version", h->go_version ? h->go_version : "");
	json_kv_string(&w, "compression", h->compression);
	json_kv_int(&w, "objects", (int64_t)h->nobjects);
	json_kv_int(&w, "bytes", (int64_t)h->total_bytes);
	json_kv_int(&w, "reachable_objects", (int64_t)a->reachable_objects);
	json_kv_int(&w, "reachable_bytes", (int64_t)a->reachable_bytes);
	json_kv_int(&w, "unreachable_objects", (int64_t)a->unreachable_objects);
	json_kv_int(&w, "unreachable_bytes", (int64_t)a->unreachable_bytes);
	json_kv_int(&w, "goroutines", (int64_t)h->goroutines.len);
	json_kv_int(&w, "root_pointers", (int64_t)h->roots.len);
	json_key(&w, "suspects");
	json_begin_array(&w);
	for (size_t i = 0; i < a->suspects.len; i++)
		json_suspect(&w, a, hd_suspect_vec_at(&a->suspects, i));
	json_end_array(&w);
	json_key(&w, "roots");
	json_begin_array(&w);
	for (size_t i = 0; i < a->nholders; i++) {
		const hs_hd_holder *x = &a->holders[a->holder_order[i]];
		json_begin_object(&w);
		json_kv_string(&w, "name", x->name);
		json_kv_string(&w, "key", x->key);
		json_kv_int(&w, "retained", (int64_t)x->retained);
		json_kv_int(&w, "pointers", x->nroots);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_root_groups(&w, a);
	json_types(&w, a);
	hs_hd_site *s = sorted_sites(a);
	json_key(&w, "sites");
	json_begin_array(&w);
	for (size_t i = 0; s && i < a->sites.len; i++) {
		json_begin_object(&w);
		json_kv_string(&w, "site", s[i].key);
		json_kv_int(&w, "objects", (int64_t)s[i].objects);
		json_kv_int(&w, "bytes", (int64_t)s[i].bytes);
		json_kv_int(&w, "retained", (int64_t)s[i].retained);
		json_end_object(&w);
	}
	json_end_array(&w);
	free(s);
	json_key(&w, "size_classes");
	json_begin_array(&w);
	for (size_t i = 0; i < a->sizeclasses.len; i++) {
		const hs_hd_sizeclass *c = hd_sizeclass_vec_at(&a->sizeclasses, i);
		json_begin_object(&w);
		json_kv_int(&w, "size", (int64_t)c->size);
		json_kv_int(&w, "objects", (int64_t)c->objects);
		json_kv_int(&w, "bytes", (int64_t)c->bytes);
		json_kv_int(&w, "unreachable_objects", (int64_t)c->unreachable_objects);
		json_kv_int(&w, "unreachable_bytes", (int64_t)c->unreachable_bytes);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

/* A folded frame for a node: holders by name, objects by allocating
 * function, else Go type (a core's), and size (addresses would make every
 * line distinct). */
static void folded_label(const hs_hd_analysis *a, uint32_t v, char *buf, size_t n)
{
	const hs_heapdump *h = a->h;
	if (v >= h->nobjects) {
		snprintf(buf, n, "%s", a->holders[v - h->nobjects].name);
	} else {
		const hs_hd_site_frame *f = hs_hd_object_site(h, v);
		const char *t = h->obj_type && h->obj_type[v] < h->ntype_names ? h->type_names[h->obj_type[v]]
		                                                               : "object";
		snprintf(buf, n, "%s (%" PRIu32 " B)", f ? f->func : t, h->size[v]);
	}
	for (char *p = buf; *p; p++)
		if (*p == ';' || *p == '\n')
			*p = ':';
}

/* Lines are written through this: a line equal to the one before it (the
 * 2000 values of one map) adds to it instead. */
typedef struct folded_w {
	FILE *out;
	char last[8192];
	uint64_t value;
} folded_w;

static void folded_emit(folded_w *w, const char *path, uint64_t v)
{
	if (w->value && strcmp(w->last, path) == 0) {
		w->value += v;
		return;
	}
	if (w->value)
		fprintf(w->out, "%s %" PRIu64 "\n", w->last, w->value);
	snprintf(w->last, sizeof w->last, "%s", path);
	w->value = v;
}

/* The retention tree: each node's own bytes on its line; below the depth
 * limit, or below 1/10000 of the heap, a subtree counts as its root's. */
static void folded_node(folded_w *w, const hs_hd_analysis *a, uint32_t v, char *path, size_t len,
                        size_t cap, int depth, uint64_t min)
{
	char label[600];
	folded_label(a, v, label, sizeof label);
	size_t add = strlen(label) + 1;
	if (len + add + 1 >= cap)
		return;
	if (len)
		path[len++] = ';';
	memcpy(path + len, label, add);
	len += add - 1;
	uint64_t self = v < a->h->nobjects ? a->h->size[v] : 0;
	size_t n;
	const uint32_t *kids = hs_hd_children(a, v, &n);
	for (size_t i = 0; i < n; i++) {
		if (depth + 1 >= FOLDED_DEPTH || a->retained[kids[i]] < min)
			self += a->retained[kids[i]];
		else
			folded_node(w, a, kids[i], path, len, cap, depth + 1, min);
	}
	path[len] = '\0';
	if (self)
		folded_emit(w, path, self);
}

void hd_write_folded(FILE *out, const hs_hd_analysis *a)
{
	char path[8192];
	size_t n;
	const uint32_t *top = hs_hd_children(a, a->super, &n);
	uint64_t min = a->reachable_bytes / 10000;
	folded_w *w = calloc(1, sizeof *w);
	if (!w)
		return;
	w->out = out;
	for (size_t i = 0; i < n; i++)
		if (a->retained[top[i]])
			folded_node(w, a, top[i], path, 0, sizeof path, 0, min);
	folded_emit(w, "", 0);
	free(w);
}

/* A node, declared once. */
static void dot_node(FILE *out, const hs_hd_analysis *a, uint8_t *seen, uint32_t x, const char *style)
{
	char name[600], b1[32];
	if (seen[x])
		return;
	seen[x] = 1;
	fprintf(out, "N%" PRIu32 " [label=\"", x);
	const char *nm = hs_hd_node_name(a, x, name, sizeof name);
	esc_dot(out, nm, strlen(nm), false);
	fprintf(out, "\\nretains %s\"%s];\n", hd_bytes(a->retained[x], b1, sizeof b1), style);
}

/* The suspects' shortest root paths (solid: references), then the top
 * dominators with their biggest dominated children (dashed). */
void hd_write_dot(FILE *out, const hs_hd_analysis *a)
{
	fprintf(out, "digraph heapdump {\nnode [shape=box fontname=\"Helvetica\"];\nrankdir=LR;\n");
	uint8_t *seen = calloc((size_t)a->super + 1, 1);
	if (!seen) {
		fprintf(out, "}\n");
		return;
	}
	for (size_t i = 0; i < a->suspects.len; i++) {
		const hs_hd_suspect *s = hd_suspect_vec_at(&a->suspects, i);
		const uint32_t *p = s->path.data;
		for (size_t k = 0; k < s->path.len; k++) {
			dot_node(out, a, seen, p[k], p[k] == s->accum ?
			         " style=\"bold,filled\" fillcolor=\"#f4cccc\"" :
			         p[k] == s->node ? " style=bold" : "");
			if (k)
				fprintf(out, "N%" PRIu32 " -> N%" PRIu32 ";\n", p[k - 1], p[k]);
		}
	}
	size_t n;
	const uint32_t *top = hs_hd_children(a, a->super, &n);
	for (size_t i = 0; i < n && i < 10 && a->retained[top[i]]; i++) {
		uint32_t v = top[i];
		dot_node(out, a, seen, v, " style=bold");
		size_t nk;
		const uint32_t *kids = hs_hd_children(a, v, &nk);
		for (size_t k = 0; k < nk && k < 3; k++) {
			dot_node(out, a, seen, kids[k], "");
			fprintf(out, "N%" PRIu32 " -> N%" PRIu32 " [style=dashed label=\"dominates\"];\n", v,
			        kids[k]);
		}
	}
	free(seen);
	fprintf(out, "}\n");
}

static void diff_rows_text(FILE *out, const hs_vec *rows, bool site)
{
	char b1[32], b2[32], b3[32];
	fprintf(out, "\n%s\n%10s %10s %11s  %s\n", site ? "Retained growth by allocation site:" :
	        "Retained growth by root:", "base", "new", "growth", site ? "site" : "root");
	size_t shown = 0;
	for (size_t i = 0; i < rows->len && shown < TOP_ROWS; i++) {
		const hs_hd_delta *d = hd_delta_vec_at(rows, i);
		if (d->site != site || d->cur == d->base)
			continue;
		uint64_t g = d->cur > d->base ? d->cur - d->base : d->base - d->cur;
		b3[0] = d->cur > d->base ? '+' : '-';
		hd_bytes(g, b3 + 1, sizeof b3 - 1);
		fprintf(out, "%10s %10s %11s  %s\n", hd_bytes(d->base, b1, sizeof b1),
		        hd_bytes(d->cur, b2, sizeof b2), b3, d->key);
		shown++;
	}
	if (!shown)
		fprintf(out, "%10s %10s %11s  (no change)\n", "", "", "");
}

void hd_write_diff(FILE *out, const hs_hd_analysis *base, const hs_hd_analysis *cur,
                   const char *base_file, const char *new_file, bool json)
{
	hs_vec rows;
	hs_error e;
	hs_error_clear(&e);
	if (hs_hd_diff(&rows, base, cur, &e) != HS_OK)
		return;
	if (json) {
		json_w w;
		json_init(&w, out);
		json_begin_object(&w);
		json_kv_string(&w, "base", base_file);
		json_kv_string(&w, "new", new_file);
		json_kv_int(&w, "base_reachable_bytes", (int64_t)base->reachable_bytes);
		json_kv_int(&w, "new_reachable_bytes", (int64_t)cur->reachable_bytes);
		json_key(&w, "rows");
		json_begin_array(&w);
		for (size_t i = 0; i < rows.len; i++) {
			const hs_hd_delta *d = hd_delta_vec_at(&rows, i);
			json_begin_object(&w);
			json_kv_string(&w, "kind", d->site ? "site" : "root");
			json_kv_string(&w, "key", d->key);
			json_kv_int(&w, "base", (int64_t)d->base);
			json_kv_int(&w, "new", (int64_t)d->cur);
			json_kv_int(&w, "growth", (int64_t)(d->cur - d->base));
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
		json_finish(&w);
	} else {
		char b1[32], b2[32];
		fprintf(out, "Heap dumps: %s -> %s\n", base_file, new_file);
		fprintf(out, "Reachable: %s -> %s\n", hd_bytes(base->reachable_bytes, b1, sizeof b1),
		        hd_bytes(cur->reachable_bytes, b2, sizeof b2));
		diff_rows_text(out, &rows, false);
		diff_rows_text(out, &rows, true);
	}
	hs_vec_release(&rows);
}

static void write_folded(FILE *out, const hs_hd_analysis *a, const char *file)
{
	(void)file;
	hd_write_folded(out, a);
}

static void write_dot(FILE *out, const hs_hd_analysis *a, const char *file)
{
	(void)file;
	hd_write_dot(out, a);
}

static const hd_format hd_formats[] = {
	{"text", hd_write_text},
	{"json", hd_write_json},
	{"folded", write_folded},
	{"dot", write_dot},
};

const out_formats heapdump_out_formats = OUT_FORMATS(hd_formats);
const hd_format *hd_format_find(const char *name) { return OUT_FORMAT_FIND(hd_formats, name); }
