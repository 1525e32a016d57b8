/* heapscope: the writers of leak candidates (leaks_out.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/units.h"

#include "culprit_out.h"
#include "heapdump_out.h"
#include "formats.h"
#include "inputs_out.h"
#include "json.h"
#include "pprof_text.h"
#include "leaks_out.h"
#include "wait_hint.h"

/* What to look at next (leaks_out.h). */
const char *out_leak_hint(const hs_leak *k)
{
	if (k->builds)
		return "every call here builds a structure and starts a goroutine that never exits: "
		       "build it once and share it, or give it a Close that stops the goroutine and "
		       "call it when the caller is done";
	switch (k->kind) {
	case HS_LEAK_CREATED_BY:
		return "many live goroutines from one go statement: check that each one can return";
	case HS_LEAK_HEAP_GROWTH:
		if (k->instances)
			return "a structure built on every call here is kept: build it once and share "
			       "it, or keep a bounded number of them and drop the idle ones";
		return "in-use bytes allocated here keep growing: objects kept in a map, cache or "
		       "slice that is never pruned";
	case HS_LEAK_RETAINER:
		return "a root keeps a growing share of the heap: see what it accumulates with "
		       "heapscope heapdump (accumulation point, path, site)";
	case HS_LEAK_RETENTION:
		return "one structure keeps this share of the heap: see what its accumulation point "
		       "collects and why the owner never lets go of it (heapscope heapdump: path, site)";
	default:
		return out_wait_hint(k->wait);
	}
}

/* One evidence line, cut at 599 bytes as the findings always were. */
static void say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *out, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(out, "   - %s\n", line);
}

/* "created by F", and who calls F when an input showed it. */
static void created_text(FILE *out, const hs_leak *k)
{
	char chain[512];
	if (out_chain_text(chain, sizeof chain, &k->creators))
		say(out, "created by %s, called as %s (%s)", k->created_by, chain, k->creators_file);
	else if (*k->created_by)
		say(out, "created by %s", k->created_by);
}

static void group_text(FILE *out, const hs_leak *k)
{
	const char *wait = hs_wait_kind_name(k->wait);
	bool st = *k->state && strcmp(k->state, wait) != 0;
	say(out, "%lld goroutine%s in %s%s%s%s", (long long)k->goroutines,
	        out_plural(k->goroutines), wait, st ? " [" : "", st ? k->state : "", st ? "]" : "");
	if (k->wait_max)
		say(out, "longest wait %lld min", (long long)k->wait_max);
	created_text(out, k);
	if (k->grows) {
		/* the series on one line, cut short of 256 bytes; file by file below */
		char buf[256];
		size_t o = 0;
		for (size_t q = 0; q < k->npoints && o < sizeof buf - 24; q++)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%lld", q ? " -> " : "",
			                      (long long)k->points[q].value);
		say(out, "count grows across %zu snapshots: %s", k->npoints, k->npoints ? buf : "");
	}
}

/* Bytes as every command prints them (pprof's units: 1000kB, 5.86MB),
 * with a sign when asked. */
static const char *bytes_label(int64_t v, bool sign, char *buf, size_t n)
{
	return out_label(v, "bytes", "minimum", sign, buf, n);
}

/* "rooms.go:36": a site's file without its directories, and its line. */
static const char *site_words(char *buf, size_t n, const hs_alloc_site *s)
{
	const char *slash = strrchr(s->file, '/');
	snprintf(buf, n, "%s:%lld", slash ? slash + 1 : s->file, (long long)s->line);
	return buf;
}

/* "about " before the counts of a structure found on sampled heap
 * profiles (estimates, instances.h), else "". */
static const char *about(const hs_instances *in)
{
	return in->estimated ? "about " : "";
}

/* A structure built per instance (instances.h): how many, and of what;
 * on sampled profiles, the samples behind the instance counts, their
 * relative error (1/sqrt(samples)) and the sampling rate. */
static void instances_text(FILE *out, const hs_instances *in)
{
	char series[200], at[160], size[64], each[64], rate[64], est[200] = "";
	size_t o = 0;
	for (size_t i = 0; i < in->nsnap && o < sizeof series; i++)
		o += (size_t)snprintf(series + o, sizeof series - o, "%s%lld", i ? " -> " : "",
		                      (long long)in->series[i]);
	if (in->estimated)
		snprintf(est, sizeof est, "; estimates from %lld samples, +-%.0f%%, at a %s sampling rate",
		         (long long)in->base_samples,
		         in->base_samples > 0 ? 100.0 / sqrt((double)in->base_samples) : 100.0,
		         bytes_label(in->rate, false, rate, sizeof rate));
	say(out, "instances: %s%s (one %s object each at %s%s)", about(in), series,
	    bytes_label(in->base.size, false, size, sizeof size),
	    site_words(at, sizeof at, &in->base), est);
	say(out, "each instance: %s%lld objects, %s, from %zu allocation sites in step; %lld parts of "
	         "%s at %s", about(in), (long long)in->objects_per_instance,
	    bytes_label(in->bytes_per_instance, false, each, sizeof each), in->sites,
	    (long long)in->parts_per_instance, bytes_label(in->parts.size, false, size, sizeof size),
	    site_words(at, sizeof at, &in->parts));
}

/* A goroutine leak's constructor (hs_leak.builds): the heap it builds per
 * instance, profile by profile. */
static void builds_text(FILE *out, const hs_leak *b)
{
	char x[80], y[80], z[80];
	say(out, "heap under %s: inuse_space %s -> %s over %zu heap profiles, %s/min", b->culprit,
	    bytes_label(b->first, false, x, sizeof x), bytes_label(b->last, false, y, sizeof y),
	    b->npoints, bytes_label(llround(b->slope_per_min), true, z, sizeof z));
	instances_text(out, b->instances);
	for (size_t i = 0; i < b->npoints; i++)
		say(out, "%s: %s in use under %s of %s, %s%lld instances", b->points[i].file,
		    bytes_label(b->points[i].value, false, x, sizeof x), b->culprit,
		    bytes_label(b->points[i].total, false, y, sizeof y), about(b->instances),
		    (long long)b->instances->series[i]);
}

/* A heap dump suspect: owner, roots together, structure, what it holds. */
static void suspect_text(FILE *out, const hs_leak *k)
{
	const hs_leak_retention *r = k->retention;
	char a[80], b[80], list[400] = "";
	size_t o = 0;
	for (size_t i = 1; i < r->nroots && i < 4 && o < sizeof list; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i > 1 ? ", " : "", r->roots[i]);
	if (r->nroots > 4 && o < sizeof list)
		snprintf(list + o, sizeof list - o, " (+%zu more)", r->nroots - 4);
	if (*r->owner_root)
		say(out, "%s, shared by %s and %zu other root%s (%s), retains %s, %.1f%% of the "
		    "reachable heap", r->owner, r->owner_root, r->nroots - 1,
		    out_plural((int64_t)r->nroots - 1), list,
		    bytes_label((int64_t)r->retained, false, a, sizeof a), r->share);
	else if (r->nroots > 1)
		say(out, "%s and %zu other root%s (%s) together retain %s, %.1f%% of the reachable heap",
		    r->owner, r->nroots - 1, out_plural((int64_t)r->nroots - 1), list,
		    bytes_label((int64_t)r->retained, false, a, sizeof a), r->share);
	else
		say(out, "%s retains %s, %.1f%% of the reachable heap", r->owner,
		    bytes_label((int64_t)r->retained, false, a, sizeof a), r->share);
	if (*r->owner_root)
		say(out, "owner: %s, the object its roots share, reached first from %s (%s)", r->owner,
		    r->owner_root, hd_owner_rank_name(r->owner_rank));
	else
		say(out, "owner: %s (%s)%s%s", r->owner, hd_owner_rank_name(r->owner_rank),
		    *r->structure ? "; owning structure " : "", r->structure);
	if (r->group_count) {
		char c[32];
		say(out, "accumulation point: %s holds %llu %s%sobjects of %s (%s)", r->accumulation,
		    (unsigned long long)r->group_count, r->group_type, *r->group_type ? " " : "",
		    bytes_label((int64_t)r->group_size, false, c, sizeof c),
		    bytes_label((int64_t)r->group_bytes, false, b, sizeof b));
	} else {
		say(out, "accumulation point: %s retains %s", r->accumulation,
		    bytes_label((int64_t)r->accumulation_retained, false, b, sizeof b));
	}
	if (*r->site_func)
		say(out, "allocated at %s (%s:%llu)", r->site_func, r->site_file,
		    (unsigned long long)r->site_line);
	if (*r->origin_func) {
		char c[32], s[32];
		say(out, "allocated by %s%s (%s:%llu%s%s): %s of the %s with a sampled site, of %s retained",
		    r->origin_func, r->origin_own ? "" : " (no frame of the program's own)",
		    r->origin_file, (unsigned long long)r->origin_line, *r->origin_chain ? ", " : "",
		    r->origin_chain, bytes_label((int64_t)r->origin_bytes, false, b, sizeof b),
		    bytes_label((int64_t)r->sampled_bytes, false, c, sizeof c),
		    bytes_label((int64_t)r->retained, false, s, sizeof s));
	}
	if (k->npoints > 1)
		say(out, "retains %.1f%% -> %.1f%% of the reachable heap over %zu dumps", k->share_first,
		    k->share_last, k->npoints);
	say(out, "in %s", r->file);
}

static void evidence_text(FILE *out, const hs_leak *k)
{
	char a[80], b[80];
	switch (k->kind) {
	case HS_LEAK_CREATED_BY:
		say(out, "%lld live goroutines created by %s", (long long)k->goroutines,
		        k->created_by);
		if (k->creators.n > 1)
			created_text(out, k);
		break;
	case HS_LEAK_HEAP_GROWTH:
		if (k->gcs)
			say(out, "live heap %s -> %s over %lld GCs (%s), no heap profile",
			    bytes_label(k->first, false, a, sizeof a),
			    bytes_label(k->last, false, b, sizeof b), (long long)k->gcs, k->points[0].file);
		else
			say(out, "inuse_space %s -> %s over %zu heap profiles",
			    bytes_label(k->first, false, a, sizeof a),
			        bytes_label(k->last, false, b, sizeof b), k->npoints);
		say(out, "%s/min, %.0f%% of steps grew",
		    bytes_label(llround(k->slope_per_min), true, a, sizeof a),
		        100 * k->rising);
		if (k->instances)
			instances_text(out, k->instances);
		break;
	case HS_LEAK_RETAINER:
		say(out, "retains %.1f%% -> %.1f%% of the reachable heap over %zu dumps",
		        k->share_first, k->share_last, k->npoints);
		say(out, "%s -> %s", bytes_label(k->first, false, a, sizeof a),
		    bytes_label(k->last, false, b, sizeof b));
		break;
	case HS_LEAK_RETENTION:
		suspect_text(out, k);
		break;
	default:
		group_text(out, k);
		if (k->builds)
			builds_text(out, k->builds);
	}
}

/* The evidence file by file: what each snapshot held. */
static void points_text(FILE *out, const hs_leak *k)
{
	char a[80], b[80];
	for (size_t i = 0; i < k->npoints; i++) {
		const hs_leak_point *p = &k->points[i];
		char file[400];
		if (p->dump)
			snprintf(file, sizeof file, "%s (dump %lld)", p->file, (long long)p->dump);
		else
			snprintf(file, sizeof file, "%s", p->file);
		if (k->kind == HS_LEAK_HEAP_GROWTH && k->gcs)
			say(out, "%s: live heap %s at its %s GC", file,
			    bytes_label(p->value, false, a, sizeof a), i ? "last" : "first");
		else if (k->kind == HS_LEAK_HEAP_GROWTH && k->instances)
			say(out, "%s: %s in use here of %s, %s%lld instances", file,
			    bytes_label(p->value, false, a, sizeof a),
			    bytes_label(p->total, false, b, sizeof b), about(k->instances),
			    (long long)k->instances->series[i]);
		else if (k->kind == HS_LEAK_HEAP_GROWTH)
			say(out, "%s: %s in use here of %s", file, bytes_label(p->value, false, a, sizeof a),
			    bytes_label(p->total, false, b, sizeof b));
		else if (k->kind == HS_LEAK_RETAINER || k->kind == HS_LEAK_RETENTION)
			say(out, "%s: retains %s of %s reachable", file,
			    bytes_label(p->value, false, a, sizeof a), bytes_label(p->total, false, b, sizeof b));
		else
			say(out, "%s: %lld goroutine%s", file, (long long)p->value, out_plural(p->value));
	}
}

/* ", growing 800/min" or ", 1200 -> 2000" for a group that grew. */
static size_t growth_words(char *buf, size_t n, const hs_leak *k)
{
	if (k->has_rate && k->per_min > 0)
		return (size_t)snprintf(buf, n, ", growing %.0f/min", k->per_min);
	if (k->grows)
		return (size_t)snprintf(buf, n, ", grew %lld -> %lld", (long long)k->first,
		                        (long long)k->last);
	return (size_t)snprintf(buf, n, "%s", "");
}

/* "one per request, one per call of A -> F" (the mechanism says one per
 * call), else "started at A -> F"; "" when the creator is unknown. */
static void origin_words(char *buf, size_t n, const hs_leak *k)
{
	char chain[512];
	const char *at = out_chain_text(chain, sizeof chain, &k->creators) ? chain : k->created_by;
	/* a loop at its goroutine's entry, grown, from one go statement whose
	 * goroutines never returned: one per call of its creator */
	bool loop = (k->idle == HS_IDLE_WORKER_LOOP || k->idle == HS_IDLE_SLEEP_LOOP) &&
	            k->site_ended <= 0 && strcmp(k->created_by, "main.main") != 0;
	bool per_call = k->per_request || k->mechanism == HS_MECH_PER_INSTANCE || loop;
	size_t o = 0;
	buf[0] = '\0';
	if (k->site_ended > 0 && k->site_created > 0)
		o = (size_t)snprintf(buf, n, "%lld of the %lld its go statement started returned, ",
		                     (long long)k->site_ended, (long long)k->site_created);
	if (o >= n)
		return;
	if (k->per_request)
		o += (size_t)snprintf(buf + o, n - o, "one per request, ");
	if (o >= n)
		return;
	if (!*at)
		buf[o > 1 ? o - 2 : 0] = '\0';   /* drop the last ", " */
	else
		snprintf(buf + o, n - o, "%s %s", per_call ? "one per call of" : "started at", at);
}

/* Retention: a retainer's share, or heap growth beside the goroutines. */
static void retention_text(char *buf, size_t n, const hs_leak *k, const char *mech)
{
	char beside[96], rate[80];
	if (k->kind == HS_LEAK_RETAINER) {
		snprintf(buf, n, "%s: %s keeps %.1f%% -> %.1f%% of the reachable heap", mech,
		         k->culprit, k->share_first, k->share_last);
		return;
	}
	if (k->kind == HS_LEAK_RETENTION && k->retention) {
		const hs_leak_retention *r = k->retention;
		bytes_label((int64_t)r->retained, false, rate, sizeof rate);
		snprintf(buf, n, "%s: %s keeps %s, %.1f%% of the reachable heap, alive%s%s", mech,
		         r->owner, rate, r->share, r->group_count ? " in " : "",
		         r->group_count ? r->accumulation : "");
		return;
	}
	bytes_label(llround(k->slope_per_min), false, rate, sizeof rate);
	if (k->gcs) {   /* a gctrace log, no heap profile: no site to name */
		snprintf(buf, n, "%s: the live heap the GC finds grows %s/min over %lld GCs; a heap "
		         "profile would name what keeps it", mech, rate, (long long)k->gcs);
		return;
	}
	if (k->goroutine_snapshots && k->goroutines_flat && k->goroutines_first == k->goroutines_last)
		snprintf(beside, sizeof beside, " while the goroutine count stays flat at %lld",
		         (long long)k->goroutines_last);
	else if (k->goroutine_snapshots && k->goroutines_flat)
		snprintf(beside, sizeof beside, " while the goroutine count stays flat (%lld -> %lld)",
		         (long long)k->goroutines_first, (long long)k->goroutines_last);
	else if (k->goroutine_snapshots)
		snprintf(beside, sizeof beside, " while goroutines go %lld -> %lld",
		         (long long)k->goroutines_first, (long long)k->goroutines_last);
	else
		beside[0] = '\0';
	snprintf(buf, n, "%s: the heap grows %s/min under %s%s, so a long-lived structure keeps "
	         "what it allocates", mech, rate, k->culprit, beside);
}

/* Triage's retention sentence (leaks_out.h). */
bool out_retention_named(char *buf, size_t n, const hs_leak *k)
{
	const hs_leak_retention *r = k->kind == HS_LEAK_RETENTION ? k->retention : NULL;
	if (!r || (r->named_by != HS_NAMED_SITE && r->named_by != HS_NAMED_TYPE))
		return false;
	char kept[80], what[700], line[32] = "";
	bytes_label((int64_t)r->retained, false, kept, sizeof kept);
	if (r->named_by == HS_NAMED_SITE) {
		if (r->retainer_line)
			snprintf(line, sizeof line, ":%llu", (unsigned long long)r->retainer_line);
		snprintf(what, sizeof what, "%s%s (%s%s) allocated the %s that", r->retainer_func,
		         r->retainer_own ? "" : " (no frame of the program's own)", r->retainer_file, line,
		         *r->retainer_type ? r->retainer_type : "structure");
	} else {
		snprintf(what, sizeof what, "a %s", r->retainer_type);
	}
	snprintf(buf, n, "%s: %s keeps %s, %.1f%% of the reachable heap: %s%s%s%s%s",
	         hs_mechanism_name(k->mechanism), what, kept, r->share, r->owner,
	         *r->owner_root ? " from " : "", r->owner_root, r->group_count ? ", alive in " : "",
	         r->group_count ? r->accumulation : "");
	return true;
}

const char *out_leak_culprit(const hs_leak *k)
{
	return k->kind == HS_LEAK_RETENTION && k->retention ? k->retention->name : k->culprit;
}

bool out_leak_sentence(char *buf, size_t n, const hs_leak *k)
{
	return out_retention_named(buf, n, k) || out_leak_mechanism(buf, n, k);
}

bool out_retention_chain(char *buf, size_t n, const hs_leak *k)
{
	const hs_leak_retention *r = k->kind == HS_LEAK_RETENTION ? k->retention : NULL;
	buf[0] = '\0';
	if (!r || r->named_by != HS_NAMED_SITE || r->nretainer_chain < 2)
		return false;
	size_t o = 0;
	for (size_t i = 0; i < r->nretainer_chain && o < n; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", i ? " -> " : "", r->retainer_chain[i]);
	return true;
}

void out_retention_named_json(json_w *w, const hs_leak *k)
{
	const hs_leak_retention *r = k->kind == HS_LEAK_RETENTION ? k->retention : NULL;
	if (!r)
		return;
	json_key(w, "retainer");
	json_begin_object(w);
	json_kv_string(w, "named_by", hs_retention_named_name(r->named_by));
	if (*r->retainer_func) {
		out_origin_json(w, r->retainer_func, r->retainer_file, r->retainer_line, r->retainer_own,
		                r->retainer_chain, r->nretainer_chain);
		json_kv_int(w, "address", (int64_t)r->retainer_addr);
		json_kv_int(w, "size", (int64_t)r->retainer_size);
	}
	if (*r->retainer_type)
		json_kv_string(w, "type", r->retainer_type);
	json_kv_string(w, "owner", r->owner);
	json_kv_string(w, "owner_root", r->owner_root);
	json_kv_string(w, "accumulation_point", r->accumulation);
	json_end_object(w);
}

/* The library heap sentence (leaks_out.h). */
bool out_leak_library_heap(char *buf, size_t n, const hs_leak *k)
{
	char d[80], a[80], b[80], more[48] = "";
	if (!k->lib_heap_sites)
		return false;
	if (k->lib_heap_sites > 1)
		snprintf(more, sizeof more, " and %zu other site%s", k->lib_heap_sites - 1,
		         k->lib_heap_sites == 2 ? "" : "s");
	snprintf(buf, n, "%s of the goroutines' own memory beside it: in-use heap with no own-code "
	         "frame, %s -> %s at %s%s", bytes_label(k->lib_heap_last - k->lib_heap_first, true, d,
	                                                sizeof d),
	         bytes_label(k->lib_heap_first, false, a, sizeof a),
	         bytes_label(k->lib_heap_last, false, b, sizeof b), k->lib_heap_site, more);
	return true;
}

void out_leak_library_heap_json(json_w *w, const hs_leak *k)
{
	if (!k->lib_heap_sites)
		return;
	json_key(w, "library_heap");
	json_begin_object(w);
	json_kv_int(w, "first", k->lib_heap_first);
	json_kv_int(w, "last", k->lib_heap_last);
	json_kv_int(w, "sites", (int64_t)k->lib_heap_sites);
	json_kv_string(w, "site", k->lib_heap_site);
	json_end_object(w);
}

/* Heap growth built per instance: the structure, its parts, how many. */
static void per_instance_text(char *buf, size_t n, const hs_leak *k, const char *mech)
{
	const hs_instances *in = k->instances;
	char each[64], rate[80], at[160];
	bytes_label(in->bytes_per_instance, false, each, sizeof each);
	bytes_label(llround(k->slope_per_min), false, rate, sizeof rate);
	snprintf(buf, n, "%s: every call of %s builds a structure of %s%lld objects (%s, %lld parts "
	         "at %s) and all are kept: %s%lld -> %lld instances, the heap grows %s/min; a cache "
	         "or pool built per tenant, request or connection instead of once", mech, k->culprit,
	         about(in), (long long)in->objects_per_instance, each,
	         (long long)in->parts_per_instance, site_words(at, sizeof at, &in->parts), about(in),
	         (long long)in->first, (long long)in->last, rate);
}

/* A goroutine leak joined with its constructor's per-instance heap
 * (hs_leak.builds, leaks.h): one sentence for both. */
static void builds_sentence(char *buf, size_t n, const hs_leak *k, const char *mech,
                            const char *where, const char *grow, const char *origin)
{
	const hs_leak *b = k->builds;
	const hs_instances *in = b->instances;
	char each[64], rate[80], at[160], via[300] = "";
	bytes_label(in->bytes_per_instance, false, each, sizeof each);
	bytes_label(llround(b->slope_per_min), false, rate, sizeof rate);
	if (strcmp(k->created_by, b->culprit) != 0)
		snprintf(via, sizeof via, " (through %s)", k->created_by);
	snprintf(buf, n, "%s: every call of %s builds a structure of %s%lld objects (%s, %lld parts "
	         "at %s) and starts a goroutine%s in %s that never exits: %lld goroutines%s%s%s%s; "
	         "%s%lld -> %lld instances kept, the heap grows %s/min", mech, b->culprit, about(in),
	         (long long)in->objects_per_instance, each, (long long)in->parts_per_instance,
	         site_words(at, sizeof at, &in->parts), via, k->culprit, (long long)k->goroutines,
	         where, grow, *origin ? ", " : "", origin, about(in), (long long)in->first,
	         (long long)in->last, rate);
}

/* The mechanism in one sentence (leaks_out.h). */
bool out_leak_mechanism(char *buf, size_t n, const hs_leak *k)
{
	char grow[96], origin[600], where[64];
	growth_words(grow, sizeof grow, k);
	origin_words(origin, sizeof origin, k);
	const char *mech = hs_mechanism_name(k->mechanism);
	/* a creation site's goroutines wait in several ways */
	if (k->kind == HS_LEAK_CREATED_BY)
		snprintf(where, sizeof where, "%s", " live");
	else
		snprintf(where, sizeof where, " in %s", hs_wait_kind_name(k->wait));
	switch (k->mechanism) {
	case HS_MECH_GOROUTINE_LEAK:
		if (k->builds) {
			builds_sentence(buf, n, k, mech, where, grow, origin);
			return true;
		}
		snprintf(buf, n, "%s: %lld goroutines%s%s%s%s", mech, (long long)k->goroutines, where,
		         grow, *origin ? ", " : "", origin);
		return true;
	case HS_MECH_PER_INSTANCE:
		if (k->instances) {
			per_instance_text(buf, n, k, mech);
			return true;
		}
		snprintf(buf, n, "%s: %lld long-lived goroutines%s%s, %s: a cache or pool built per "
		         "instance and never stopped", mech, (long long)k->goroutines,
		         k->kind == HS_LEAK_CREATED_BY ? "" : where, grow, origin);
		return true;
	case HS_MECH_LOCK_CONTENTION:
		snprintf(buf, n, "%s: %lld goroutines wait for a %s at %s", mech,
		         (long long)k->goroutines,
		         k->wait == HS_WAIT_RWMUTEX ? "sync.RWMutex" : "sync.Mutex", k->culprit);
		return true;
	case HS_MECH_RETENTION:
		retention_text(buf, n, k, mech);
		return true;
	default:
		return false;
	}
}

/* No candidate: say so, with the numbers behind it. */
static void healthy_text(FILE *out, const hs_leaks *l)
{
	hs_leak_summary s;
	hs_leaks_summary(l, &s);
	fprintf(out, "No leak signal.\n");
	if (s.goroutine_snapshots) {
		if (s.goroutines_flat)
			fprintf(out, "   goroutines: flat at %lld over %zu snapshot%s",
			        (long long)s.goroutines_first, s.goroutine_snapshots,
			        s.goroutine_snapshots == 1 ? "" : "s");
		else
			fprintf(out, "   goroutines: %lld -> %lld over %zu snapshots (most %lld)",
			        (long long)s.goroutines_first, (long long)s.goroutines_last,
			        s.goroutine_snapshots, (long long)s.goroutines_max);
		if (s.biggest_group)
			fprintf(out, "; biggest wait group %lld in %s at %s%s%s", (long long)s.biggest_group,
			        s.biggest_state && *s.biggest_state ? s.biggest_state : "?",
			        s.biggest_culprit, s.biggest_idle ? ", idle: " : "",
			        hs_idle_class_name(s.biggest_idle));
		fputc('\n', out);
	}
	if (s.heap_snapshots) {
		char a[64], b[64], span[64];
		hs_scaled_label(s.heap_first, "bytes", "minimum", a, sizeof a);
		hs_scaled_label(s.heap_last, "bytes", "minimum", b, sizeof b);
		hs_scaled_label(s.heap_span_ns, "nanoseconds", "minimum", span, sizeof span);
		double pct = s.heap_first ? 100.0 * (double)(s.heap_last - s.heap_first) /
		                                (double)s.heap_first : 0;
		fprintf(out, "   heap in use: %s -> %s (%+.1f%%) over %zu profile%s, %s\n", a, b, pct,
		        s.heap_snapshots, s.heap_snapshots == 1 ? "" : "s", span);
	}
	if (s.gctrace) {
		char a[64], b[64], c[64];
		fprintf(out, "   live heap (gctrace %s): %s -> %s over %lld GCs, %s/min, GC CPU %lld%%\n",
		        s.gctrace, bytes_label(s.gc_live_first, false, a, sizeof a),
		        bytes_label(s.gc_live_last, false, b, sizeof b), (long long)s.gc_count,
		        isnan(s.gc_slope_per_min) ? "?"
		                                  : bytes_label(llround(s.gc_slope_per_min), true, c, sizeof c),
		        (long long)s.gc_cpu_percent);
	}
}

static void write_text(FILE *out, const leaks_report *r)
{
	const hs_leaks *l = r->l;
	size_t n = hs_leaks_n(l);
	fprintf(out, "%zu leak candidate%s\n", n, n == 1 ? "" : "s");
	if (n == 0)
		healthy_text(out, l);
	for (size_t i = 0; i < n; i++) {
		const hs_leak *k = hs_leaks_at(l, i);
		fprintf(out, "\n%-6s %s  (%s, confidence %s)\n", hs_severity_name(k->severity),
		        out_leak_culprit(k), hs_leak_kind_name(k->kind), hs_confidence_name(k->confidence));
		char line[1024];
		if (out_leak_sentence(line, sizeof line, k))
			fprintf(out, "   %s\n", line);
		char chain[512];
		if (out_chain_text(chain, sizeof chain, &k->chain))
			say(out, "at %s", chain);
		evidence_text(out, k);
		if (out_leak_library_heap(line, sizeof line, k))
			say(out, "%s", line);
		if (k->follows)
			say(out, "follows from %s above: the goroutines this function creates keep what "
			         "it allocates", k->follows);
		points_text(out, k);
		fprintf(out, "   hint: %s\n", out_leak_hint(k));
	}
}

/* One record per snapshot: its file, and the numbers the kind has. */
static void points_json(json_w *w, const hs_leak *k)
{
	bool retained = k->kind == HS_LEAK_RETAINER || k->kind == HS_LEAK_RETENTION;
	const char *value = k->kind == HS_LEAK_HEAP_GROWTH ? "inuse_bytes"
	                    : retained                     ? "retained_bytes"
	                                                   : "goroutines";
	const char *total = k->kind == HS_LEAK_HEAP_GROWTH ? "total_bytes" : "reachable_bytes";
	json_key(w, "evidence");
	json_begin_array(w);
	for (size_t i = 0; i < k->npoints; i++) {
		const hs_leak_point *p = &k->points[i];
		json_begin_object(w);
		json_kv_string(w, "file", p->file);
		if (hs_leak_kind_is_group(k->kind))
			json_kv_int(w, "dump", p->dump);
		json_kv_int(w, value, p->value);
		if (!hs_leak_kind_is_group(k->kind))
			json_kv_int(w, total, p->total);
		if (k->instances && i < k->instances->nsnap)
			json_kv_int(w, "instances", k->instances->series[i]);
		json_end_object(w);
	}
	json_end_array(w);
}

static void kv_double(json_w *w, const char *key, double v)
{
	json_key(w, key);
	json_double(w, v);
}

static void site_json(json_w *w, const char *key, const hs_alloc_site *s)
{
	json_key(w, key);
	json_begin_object(w);
	json_kv_string(w, "function", s->func);
	json_kv_string(w, "file", s->file);
	json_kv_int(w, "line", s->line);
	json_kv_int(w, "object_bytes", s->size);
	json_end_object(w);
}

/* "instances": a structure built per instance (instances.h). */
static void instances_json(json_w *w, const hs_instances *in)
{
	json_key(w, "instances");
	json_begin_object(w);
	json_kv_int(w, "first", in->first);
	json_kv_int(w, "last", in->last);
	json_kv_int(w, "objects_per_instance", in->objects_per_instance);
	json_kv_int(w, "bytes_per_instance", in->bytes_per_instance);
	json_kv_int(w, "parts_per_instance", in->parts_per_instance);
	json_kv_int(w, "sites", (int64_t)in->sites);
	if (in->estimated) {   /* sampled profiles (instances.h); absent when exact */
		json_key(w, "estimated");
		json_bool(w, true);
		json_kv_int(w, "sampling_rate", in->rate);
		json_kv_int(w, "base_samples", in->base_samples);
	}
	site_json(w, "base", &in->base);
	site_json(w, "parts", &in->parts);
	json_end_object(w);
}

/* The builds line (leaks_out.h). */
bool out_leak_builds(char *buf, size_t n, const hs_leak *k)
{
	const hs_leak *b = k->builds;
	char x[80], y[80];
	if (!b)
		return false;
	snprintf(buf, n, "heap under %s: %s -> %s over %zu heap profiles, %s%lld -> %lld instances",
	         b->culprit, bytes_label(b->first, false, x, sizeof x),
	         bytes_label(b->last, false, y, sizeof y), b->npoints, about(b->instances),
	         (long long)b->instances->first, (long long)b->instances->last);
	return true;
}

/* "builds" (leaks_out.h). */
void out_leak_builds_json(json_w *w, const hs_leak *k)
{
	const hs_leak *b = k->builds;
	if (!b)
		return;
	json_key(w, "builds");
	json_begin_object(w);
	json_kv_string(w, "culprit", b->culprit);
	json_kv_string(w, "severity", hs_severity_name(b->severity));
	json_kv_string(w, "confidence", hs_confidence_name(b->confidence));
	json_kv_int(w, "first_bytes", b->first);
	json_kv_int(w, "last_bytes", b->last);
	kv_double(w, "slope_bytes_per_min", b->slope_per_min);
	instances_json(w, b->instances);
	points_json(w, b);   /* "evidence": file, inuse_bytes, total_bytes, instances */
	json_end_object(w);
}

static void retention_json(json_w *w, const hs_leak_retention *r)
{
	json_kv_string(w, "owner", r->owner);
	if (*r->owner_root) {
		json_kv_string(w, "owner_kind", "shared object");
		json_kv_string(w, "owner_root", r->owner_root);
		json_kv_string(w, "owner_root_kind", hd_owner_rank_name(r->owner_rank));
	} else {
		json_kv_string(w, "owner_kind", hd_owner_rank_name(r->owner_rank));
	}
	json_key(w, "roots");
	json_begin_array(w);
	for (size_t i = 0; i < r->nroots; i++)
		json_string(w, r->roots[i]);
	json_end_array(w);
	json_kv_string(w, "structure", r->structure);
	json_kv_string(w, "accumulation_point", r->accumulation);
	json_kv_int(w, "accumulation_retained", (int64_t)r->accumulation_retained);
	if (r->group_count) {
		json_kv_int(w, "group_count", (int64_t)r->group_count);
		json_kv_int(w, "group_size", (int64_t)r->group_size);
		json_kv_int(w, "group_retained", (int64_t)r->group_bytes);
		if (*r->group_type)
			json_kv_string(w, "group_type", r->group_type);
	}
	if (*r->site_func) {
		json_kv_string(w, "site_function", r->site_func);
		json_kv_string(w, "site_file", r->site_file);
		json_kv_int(w, "site_line", (int64_t)r->site_line);
	}
	if (*r->origin_func) {
		json_kv_string(w, "origin_function", r->origin_func);
		json_kv_string(w, "origin_file", r->origin_file);
		json_kv_int(w, "origin_line", (int64_t)r->origin_line);
		json_kv_string(w, "origin_chain", r->origin_chain);
		json_kv_int(w, "origin_objects", (int64_t)r->origin_objects);
		json_kv_int(w, "origin_bytes", (int64_t)r->origin_bytes);
		json_kv_int(w, "sampled_bytes", (int64_t)r->sampled_bytes);
		if (r->memprof_rate)
			json_kv_int(w, "memprofilerate", r->memprof_rate);
	}
	json_kv_string(w, "dump", r->file);
	json_kv_int(w, "retained_bytes", (int64_t)r->retained);
	json_kv_int(w, "reachable_bytes", (int64_t)r->reachable);
	kv_double(w, "share_percent", r->share);
}

/* Who calls the creator (outermost first) and whether per request;
 * goroutines per minute when the snapshots are timed. */
static void origin_json(json_w *w, const hs_leak *k)
{
	json_key(w, "created_by_callers");
	json_begin_array(w);
	for (size_t i = k->creators.n; i-- > 0;)
		json_string(w, k->creators.funcs[i]);
	json_end_array(w);
	json_kv_string(w, "created_by_callers_file", k->creators_file);
	json_key(w, "per_request");
	json_bool(w, k->per_request);
	json_key(w, "idle_shape");
	json_string(w, hs_idle_class_name(k->idle));
	if (k->has_rate)
		kv_double(w, "goroutines_per_min", k->per_min);
}

/* The numbers and frames of a candidate, by kind. */
static void numbers_json(json_w *w, const hs_leak *k)
{
	if (hs_leak_kind_is_group(k->kind) || k->kind == HS_LEAK_CREATED_BY) {
		if (k->kind != HS_LEAK_CREATED_BY) {
			json_kv_string(w, "wait", hs_wait_kind_name(k->wait));
			json_kv_string(w, "state", k->state);
		}
		json_kv_string(w, "created_by", k->created_by);
		origin_json(w, k);
		json_kv_int(w, "goroutines", k->goroutines);
	}
	out_leak_library_heap_json(w, k);
	out_leak_builds_json(w, k);
	if (hs_leak_kind_is_group(k->kind)) {
		json_kv_int(w, "wait_minutes_min", k->wait_min);
		json_kv_int(w, "wait_minutes_max", k->wait_max);
		json_key(w, "grows");
		json_bool(w, k->grows);
	}
	if (k->kind == HS_LEAK_HEAP_GROWTH || k->kind == HS_LEAK_RETAINER) {
		json_kv_int(w, "first_bytes", k->first);
		json_kv_int(w, "last_bytes", k->last);
	}
	if (k->kind == HS_LEAK_HEAP_GROWTH) {
		kv_double(w, "slope_bytes_per_min", k->slope_per_min);
		kv_double(w, "rising_fraction", k->rising);
		if (k->gcs)
			json_kv_int(w, "gcs", k->gcs);
		json_kv_int(w, "goroutine_snapshots", (int64_t)k->goroutine_snapshots);
		json_kv_int(w, "goroutines_first", k->goroutines_first);
		json_kv_int(w, "goroutines_last", k->goroutines_last);
		json_key(w, "goroutines_flat");
		json_bool(w, k->goroutines_flat);
		if (k->instances)
			instances_json(w, k->instances);
	}
	if (k->kind == HS_LEAK_RETAINER) {
		kv_double(w, "share_first_percent", k->share_first);
		kv_double(w, "share_last_percent", k->share_last);
	}
	if (k->kind == HS_LEAK_RETENTION)
		retention_json(w, k->retention);
	if (k->kind != HS_LEAK_CREATED_BY)
		json_kv_int(w, "snapshots", (int64_t)k->npoints);
}

static void leak_json(json_w *w, const void *data, size_t i)
{
	const hs_leak *k = hs_leaks_at(data, i);
	json_begin_object(w);
	json_kv_string(w, "severity", hs_severity_name(k->severity));
	json_kv_string(w, "kind", hs_leak_kind_name(k->kind));
	json_kv_string(w, "confidence", hs_confidence_name(k->confidence));
	json_kv_string(w, "mechanism", hs_mechanism_name(k->mechanism));
	char line[1024];
	json_kv_string(w, "mechanism_text", out_leak_sentence(line, sizeof line, k) ? line : "");
	json_kv_string(w, "culprit", out_leak_culprit(k));
	json_kv_string(w, "follows", k->follows ? k->follows : "");
	out_chain_json(w, &k->chain);
	json_kv_int(w, "weight", k->weight);
	points_json(w, k);
	json_kv_string(w, "hint", out_leak_hint(k));
	numbers_json(w, k);
	out_retention_named_json(w, k);
	json_end_object(w);
}

/* "summary": the numbers behind the verdict (hs_leak_summary). */
static void summary_json(json_w *w, const hs_leaks *l)
{
	hs_leak_summary s;
	hs_leaks_summary(l, &s);
	json_key(w, "summary");
	json_begin_object(w);
	json_kv_int(w, "goroutine_snapshots", (int64_t)s.goroutine_snapshots);
	json_kv_int(w, "goroutines_first", s.goroutines_first);
	json_kv_int(w, "goroutines_last", s.goroutines_last);
	json_kv_int(w, "goroutines_max", s.goroutines_max);
	json_kv_int(w, "biggest_group", s.biggest_group);
	json_kv_string(w, "biggest_group_culprit", s.biggest_culprit ? s.biggest_culprit : "");
	json_kv_string(w, "biggest_group_state", s.biggest_state ? s.biggest_state : "");
	json_kv_string(w, "biggest_group_idle", hs_idle_class_name(s.biggest_idle));
	json_key(w, "goroutines_flat");
	json_bool(w, s.goroutines_flat);
	json_kv_int(w, "heap_snapshots", (int64_t)s.heap_snapshots);
	json_kv_int(w, "heap_first_bytes", s.heap_first);
	json_kv_int(w, "heap_last_bytes", s.heap_last);
	json_kv_int(w, "heap_span_ns", s.heap_span_ns);
	if (s.gctrace) {
		json_kv_string(w, "gctrace", s.gctrace);
		json_kv_int(w, "gctrace_gcs", s.gc_count);
		json_kv_int(w, "gctrace_live_first_bytes", s.gc_live_first);
		json_kv_int(w, "gctrace_live_last_bytes", s.gc_live_last);
		kv_double(w, "gctrace_slope_bytes_per_min", s.gc_slope_per_min);
		json_kv_int(w, "gctrace_cpu_percent", s.gc_cpu_percent);
	}
	json_end_object(w);
}

static void write_json(FILE *out, const leaks_report *r)
{
	const hs_leaks *l = r->l;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	json_kv_string(&w, "verdict", hs_leaks_n(l) ? "candidates" : "no leak signal");
	json_key(&w, "candidates");
	json_begin_array(&w);
	for (size_t i = 0; i < hs_leaks_n(l); i++)
		leak_json(&w, l, i);
	json_end_array(&w);
	summary_json(&w, l);
	out_inputs_json(&w, r->inv, "leaks");
	json_end_object(&w);
	json_finish(&w);
}

static const leaks_format formats[] = {{"text", write_text}, {"json", write_json}};

OUT_FORMAT_EXPORTS(leaks_format, leaks, formats);
