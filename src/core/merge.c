/* Merging profiles as pprof's profile.Merge does, after ScaleProfiles'
 * unit conversion.  See include/heapscope/merge.h and merger.h. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/merge.h"
#include "heapscope/units.h"
#include "merger.h"

/* ---- units and compatibility (measurement.ScaleProfiles) --------------- */

static double unit_ratio(const char *from, const char *to)
{
	char u[16];
	return hs_scale(1, from, to, u);
}

/* Does unit u belong to the same family (bytes, time...) as unit w?  The
 * unit that hs_scale lands on names the family's unit it converted to. */
static bool same_family(const char *u, const char *w)
{
	if (!hs_unit_known(u) || !hs_unit_known(w))
		return false;
	char a[16], b[16];
	hs_scale(1, u, w, a);
	hs_scale(1, w, w, b);
	return strcmp(a, b) == 0;
}

/* compatibleValueTypes: types equal but for a trailing 's', units equal
 * or of one family. */
static bool loose_compatible(const char *t1, const char *u1, const char *t2, const char *u2)
{
	size_t n1 = strlen(t1), n2 = strlen(t2);
	if (n1 && t1[n1 - 1] == 's')
		n1--;
	if (n2 && t2[n2 - 1] == 's')
		n2--;
	if (n1 != n2 || memcmp(t1, t2, n1) != 0)
		return false;
	return strcmp(u1, u2) == 0 || same_family(u1, u2);
}

static const hs_value_type *stype(const hs_profile *p, size_t i)
{
	return hs_sample_type(p, i);
}

static bool has_period_type(const hs_profile *p)
{
	return p->period_type.type || p->period_type.unit;
}

static void type_list(const hs_profile *p, char *buf, size_t n)
{
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < hs_ntypes(p) && w + 1 < n; i++) {
		int k = snprintf(buf + w, n - w, "%s%s/%s", i ? " " : "", hs_s(p, stype(p, i)->type),
		                 hs_s(p, stype(p, i)->unit));
		if (k < 0)
			break;
		w += (size_t)k;
	}
}

hs_err hs_merge_compatible(const hs_profile *a, const hs_profile *b, hs_error *err)
{
	const char *at = hs_s(a, a->period_type.type), *au = hs_s(a, a->period_type.unit);
	const char *bt = hs_s(b, b->period_type.type), *bu = hs_s(b, b->period_type.unit);
	/* pprof would crash comparing a missing period type with a present one. */
	if (has_period_type(a) != has_period_type(b) ||
	    (has_period_type(a) && (!loose_compatible(at, au, bt, bu) || strcmp(at, bt) != 0)))
		return hs_fail(err, HS_E_INVALID, "incompatible period types %s/%s and %s/%s", at, au,
		               bt, bu);
	bool ok = hs_ntypes(a) == hs_ntypes(b);
	for (size_t i = 0; ok && i < hs_ntypes(a); i++) {
		const char *t1 = hs_s(a, stype(a, i)->type), *t2 = hs_s(b, stype(b, i)->type);
		ok = loose_compatible(t1, hs_s(a, stype(a, i)->unit), t2, hs_s(b, stype(b, i)->unit)) &&
		     strcmp(t1, t2) == 0;
	}
	if (!ok) {
		char la[96], lb[96];
		type_list(a, la, sizeof la);
		type_list(b, lb, sizeof lb);
		return hs_fail(err, HS_E_INVALID, "incompatible sample types [%s] and [%s]", la, lb);
	}
	return HS_OK;
}

void hs_merge_unit_ratios(const hs_profile *const *srcs, size_t n, double *ratios,
                          double *period_ratios, size_t *unit_from, size_t *period_from)
{
	size_t nt = hs_ntypes(srcs[0]);
	for (size_t k = 0; k < n * nt; k++)
		ratios[k] = 1;
	for (size_t j = 0; j < n; j++)
		period_ratios[j] = 1;
	/* CommonValueType: the first profile's unit, replaced by any finer
	 * one; nothing to do for a single profile. */
	for (size_t i = 0; i < nt; i++) {
		size_t min = 0;
		for (size_t j = 1; j < n; j++)
			if (unit_ratio(hs_s(srcs[j], stype(srcs[j], i)->unit),
			               hs_s(srcs[min], stype(srcs[min], i)->unit)) < 1)
				min = j;
		unit_from[i] = min;
		if (n < 2)
			continue;
		const char *to = hs_s(srcs[min], stype(srcs[min], i)->unit);
		for (size_t j = 0; j < n; j++)
			ratios[j * nt + i] = unit_ratio(hs_s(srcs[j], stype(srcs[j], i)->unit), to);
	}
	/* Periods: only among the profiles that have a period type. */
	size_t have = 0, min = SIZE_MAX;
	for (size_t j = 0; j < n; j++) {
		if (!has_period_type(srcs[j]))
			continue;
		have++;
		if (min == SIZE_MAX || unit_ratio(hs_s(srcs[j], srcs[j]->period_type.unit),
		                                  hs_s(srcs[min], srcs[min]->period_type.unit)) < 1)
			min = j;
	}
	*period_from = min == SIZE_MAX ? 0 : min;
	if (have < 2)
		return;
	for (size_t j = 0; j < n; j++)
		if (has_period_type(srcs[j]))
			period_ratios[j] = unit_ratio(hs_s(srcs[j], srcs[j]->period_type.unit),
			                              hs_s(srcs[min], srcs[min]->period_type.unit));
}

/* Go's int64(math.Round(x)); out of range gives what amd64 gives. */
static int64_t round_i64(double x)
{
	double r = round(x);
	if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)r;
}

bool hs_scale_values(int64_t *v, size_t n, const double *ratios)
{
	bool ones = true, keep = false;
	for (size_t k = 0; k < n; k++)
		ones &= ratios[k] == 1;
	if (ones)
		return true;
	for (size_t k = 0; k < n; k++) {
		if (ratios[k] == 1)
			continue;
		/* BASE's -1: below 2^53 in size the double product is exact,
		 * so rounding it gives the negation. */
		if (ratios[k] == -1 && v[k] >= -(INT64_C(1) << 53) && v[k] <= INT64_C(1) << 53)
			v[k] = -v[k];
		else
			v[k] = round_i64((double)v[k] * ratios[k]);
		keep |= v[k] != 0;
	}
	return keep;
}

/* ---- the merger ------------------------------------------------------- */

hs_err merger_init(merger *m, hs_profile *out, hs_error *err)
{
	memset(m, 0, sizeof *m);
	m->out = out;
	m->err = err;
	hs_arena_init(&m->keys);
	hs_vec_init(&m->keybuf, 1);
	hs_vec_init(&m->labels, sizeof(hs_label));
	if (hs_profile_add_string(out, "", 0) == HS_NONE || !hs_strmap_init(&m->mappings, 64) ||
	    !hs_strmap_init(&m->functions, 1024) || !hs_strmap_init(&m->locations, 1024) ||
	    !hs_idmap_init(&m->samples, 1024))
		return hs_fail(err, HS_E_NOMEM, NULL);
	return HS_OK;
}

static void drop_source(merger *m)
{
	free(m->map_id);
	free(m->fn_id);
	free(m->loc_id);
	free(m->map_offset);
	free(m->stack_id);
	free(m->labelset_id);
	free(m->str_id);
	m->map_id = m->fn_id = m->loc_id = m->stack_id = m->labelset_id = m->str_id = NULL;
	m->map_offset = NULL;
	m->src = NULL;
}

void merger_release(merger *m)
{
	drop_source(m);
	hs_strmap_release(&m->mappings);
	hs_strmap_release(&m->functions);
	hs_strmap_release(&m->locations);
	hs_idmap_release(&m->samples);
	hs_vec_release(&m->keybuf);
	hs_vec_release(&m->labels);
	hs_arena_release(&m->keys);
}

/* A string of the current source, interned in out once per source
 * string (a function's name is usually its system name too, and files
 * repeat). */
static hs_str str_of(merger *m, hs_str s)
{
	const hs_profile *src = m->src;
	if (s == 0 || s >= src->strings.len)
		return 0;
	if (m->str_id[s])
		return m->str_id[s] - 1;
	const hs_string *st = &HS_VEC_AT(&src->strings, hs_string, s);
	hs_str o = hs_profile_intern(m->out, st->s, st->len);
	if (o != HS_NONE)
		m->str_id[s] = o + 1;
	return o;
}

static hs_str intern_cstr(hs_profile *p, const char *s)
{
	return hs_profile_intern(p, s, strlen(s));
}

hs_err merger_headers(merger *m, const hs_profile *const *srcs, size_t n,
                      const size_t *unit_from, const double *period_ratios, size_t period_from)
{
	hs_profile *out = m->out;
	const hs_profile *first = srcs[0];
	for (size_t i = 0; i < hs_ntypes(first); i++) {
		const hs_profile *u = srcs[unit_from[i]];
		hs_value_type vt = {intern_cstr(out, hs_s(first, stype(first, i)->type)),
		                    intern_cstr(out, hs_s(u, stype(u, i)->unit))};
		hs_value_type *slot = hs_vec_push(&out->sample_types, 1);
		if (!slot || vt.type == HS_NONE || vt.unit == HS_NONE)
			return hs_fail(m->err, HS_E_NOMEM, NULL);
		*slot = vt;
	}
	if (has_period_type(first)) {
		out->period_type.type = intern_cstr(out, hs_s(first, first->period_type.type));
		out->period_type.unit =
			intern_cstr(out, hs_s(srcs[period_from], srcs[period_from]->period_type.unit));
	}
	out->default_sample_type = -1;
	for (size_t j = 0; j < n; j++) {
		const hs_profile *s = srcs[j];
		/* combineHeaders, including its quirk: a zero time replaces an
		 * earlier non-zero one. */
		if (out->time_nanos == 0 || s->time_nanos < out->time_nanos)
			out->time_nanos = s->time_nanos;
		out->duration_nanos = hs_add(out->duration_nanos, s->duration_nanos);
		int64_t period = s->period;
		if (period_ratios[j] != 1)
			period = (int64_t)((double)s->period * period_ratios[j]);
		if (out->period == 0 || out->period < period)
			out->period = period;
		if (out->default_sample_type < 0 && s->default_sample_type >= 0)
			out->default_sample_type = s->default_sample_type;
		for (size_t c = 0; c < s->comments.len; c++) {
			const char *text = hs_s(s, HS_VEC_AT(&s->comments, hs_str, c));
			bool seen = false;
			for (size_t k = 0; k < out->comments.len && !seen; k++)
				seen = strcmp(hs_s(out, HS_VEC_AT(&out->comments, hs_str, k)), text) == 0;
			hs_str *slot = seen ? NULL : hs_vec_push(&out->comments, 1);
			if (!seen && (!slot || (*slot = intern_cstr(out, text)) == HS_NONE))
				return hs_fail(m->err, HS_E_NOMEM, NULL);
		}
	}
	m->drop_frames = first->drop_frames ? intern_cstr(out, hs_s(first, first->drop_frames)) : 0;
	m->keep_frames = first->keep_frames ? intern_cstr(out, hs_s(first, first->keep_frames)) : 0;
	m->base_key = intern_cstr(out, "pprof::base");
	m->base_true = intern_cstr(out, "true");
	out->format = first->format;
	if (m->drop_frames == HS_NONE || m->keep_frames == HS_NONE || m->base_key == HS_NONE ||
	    m->base_true == HS_NONE)
		return hs_fail(m->err, HS_E_NOMEM, NULL);
	return HS_OK;
}

/* The scratch key, n bytes long (written by the caller); NULL on no
 * memory. */
static char *key_room(merger *m, size_t n)
{
	m->keybuf.len = 0;
	if (!hs_vec_reserve(&m->keybuf, n + 1))
		return NULL;
	m->keybuf.len = n;
	return m->keybuf.data;
}

/* Find or add the scratch key in map with value val; returns the value
 * stored, UINT32_MAX on allocation failure. */
static uint32_t key_lookup(merger *m, hs_strmap *map, uint32_t val, bool *found)
{
	uint64_t h = hs_hash_bytes(m->keybuf.data, m->keybuf.len);
	uint32_t v = hs_strmap_get_hashed(map, m->keybuf.data, m->keybuf.len, h);
	*found = v != UINT32_MAX;
	if (*found)
		return v;
	char *copy = hs_arena_alloc(&m->keys, m->keybuf.len ? m->keybuf.len : 1);
	if (!copy)
		return UINT32_MAX;
	memcpy(copy, m->keybuf.data, m->keybuf.len);
	return hs_strmap_put_absent(map, copy, m->keybuf.len, h, val) ? val : UINT32_MAX;
}

/* pprof's mapMapping: equal by rounded size, offset and build id (else
 * file); a match at another start address shifts this source's
 * addresses.  Returns the out id, 0 on allocation failure. */
static uint32_t map_mapping(merger *m, uint32_t mi)
{
	if (m->map_id[mi])
		return m->map_id[mi];
	const hs_mapping *sm = hs_mapping_at(m->src, mi);
	uint64_t size = sm->limit - sm->start;
	size = size + 0x1000 - 1;
	size -= size % 0x1000;
	const char *name = hs_s(m->src, sm->build_id);
	if (!*name)
		name = hs_s(m->src, sm->file);
	size_t nlen = strlen(name);
	char *key = key_room(m, 16 + nlen);
	if (!key)
		return 0;
	memcpy(key, &size, 8);
	memcpy(key + 8, &sm->offset, 8);
	memcpy(key + 16, name, nlen);
	hs_profile *out = m->out;
	bool found;
	uint32_t id = key_lookup(m, &m->mappings, (uint32_t)out->mappings.len + 1, &found);
	if (id == UINT32_MAX)
		return 0;
	if (found) {
		const hs_mapping *om = hs_mapping_at(out, id - 1);
		m->map_offset[mi] = (int64_t)(om->start - sm->start);
	} else {
		hs_str file = str_of(m, sm->file), build = str_of(m, sm->build_id);
		hs_mapping *nm = file == HS_NONE || build == HS_NONE ? NULL
		                                                    : hs_vec_push(&out->mappings, 1);
		if (!nm)
			return 0;
		*nm = *sm;
		nm->id = id;
		nm->file = file;
		nm->build_id = build;
		m->map_offset[mi] = 0;
	}
	return m->map_id[mi] = id;
}

/* pprof's mapFunction: equal by start line, name, system name, file. */
static uint32_t map_function(merger *m, uint32_t fi)
{
	if (m->fn_id[fi])
		return m->fn_id[fi];
	const hs_function *sf = hs_function_at(m->src, fi);
	hs_str name = str_of(m, sf->name), sys = str_of(m, sf->system_name);
	hs_str file = str_of(m, sf->filename);
	if (name == HS_NONE || sys == HS_NONE || file == HS_NONE)
		return 0;
	char *key = key_room(m, 20);
	if (!key)
		return 0;
	memcpy(key, &sf->start_line, 8);
	memcpy(key + 8, &name, 4);
	memcpy(key + 12, &sys, 4);
	memcpy(key + 16, &file, 4);
	hs_profile *out = m->out;
	bool found;
	uint32_t id = key_lookup(m, &m->functions, (uint32_t)out->functions.len + 1, &found);
	if (id == UINT32_MAX)
		return 0;
	if (!found) {
		hs_function *nf = hs_vec_push(&out->functions, 1);
		if (!nf)
			return 0;
		nf->id = id;
		nf->name = name;
		nf->system_name = sys;
		nf->filename = file;
		nf->start_line = sf->start_line;
	}
	return m->fn_id[fi] = id;
}

/* pprof's mapLocation: equal by address within the mapping, mapping,
 * lines (function and line number) and is_folded. */
static uint32_t map_location(merger *m, uint32_t li)
{
	if (m->loc_id[li])
		return m->loc_id[li];
	const hs_location *sl = hs_location_at(m->src, li);
	uint32_t mid = 0;
	uint64_t addr = sl->address, key_addr;
	if (sl->mapping != HS_NONE) {
		if (!(mid = map_mapping(m, sl->mapping)))
			return 0;
		addr = (uint64_t)((int64_t)addr + m->map_offset[sl->mapping]);
	}
	key_addr = mid ? addr - hs_mapping_at(m->out, mid - 1)->start : addr;
	uint32_t fns[64], *fn = sl->nlines <= 64 ? fns : malloc(sl->nlines * sizeof *fn);
	if (!fn)
		return 0;
	uint32_t id = 0;
	for (uint32_t k = 0; k < sl->nlines; k++)
		if (!(fn[k] = map_function(m, hs_line_at(m->src, sl->line_start + k)->function)))
			goto out;
	uint8_t folded = sl->is_folded;
	char *key = key_room(m, 13 + (size_t)sl->nlines * 12);
	if (!key)
		goto out;
	memcpy(key, &key_addr, 8);
	memcpy(key + 8, &mid, 4);
	memcpy(key + 12, &folded, 1);
	for (uint32_t k = 0; k < sl->nlines; k++) {
		memcpy(key + 13 + (size_t)k * 12, &fn[k], 4);
		memcpy(key + 17 + (size_t)k * 12, &hs_line_at(m->src, sl->line_start + k)->line, 8);
	}
	hs_profile *out = m->out;
	bool found;
	id = key_lookup(m, &m->locations, (uint32_t)out->locations.len + 1, &found);
	if (id == UINT32_MAX) {
		id = 0;
		goto out;
	}
	if (!found) {
		hs_line *lines = sl->nlines ? hs_vec_push(&out->lines, sl->nlines) : NULL;
		hs_location *nl = lines || !sl->nlines ? hs_vec_push(&out->locations, 1) : NULL;
		if (!nl) {
			id = 0;
			goto out;
		}
		/* Ids until hs_profile_finish resolves them to indices. */
		nl->id = id;
		nl->address = addr;
		nl->mapping = mid;
		nl->is_folded = sl->is_folded;
		nl->nlines = sl->nlines;
		nl->line_start = (uint32_t)(out->lines.len - sl->nlines);
		for (uint32_t k = 0; k < sl->nlines; k++) {
			lines[k].function = fn[k];
			lines[k].line = hs_line_at(m->src, sl->line_start + k)->line;
		}
	}
	m->loc_id[li] = id;
out:
	if (fn != fns)
		free(fn);
	return id;
}

/* Room in the sample map for every sample of the next source (all new at
 * worst), made once rather than by doubling on the way. */
static bool samples_room(merger *m, size_t more)
{
	hs_idmap *old = &m->samples, n;
	size_t want = old->len + more;
	if (want * 4 <= old->cap * 3)
		return true;
	if (!hs_idmap_init(&n, want))
		return false;
	for (size_t i = 0; i < old->cap; i++)
		if (old->vals[i] != UINT32_MAX && !hs_idmap_put(&n, old->keys[i], old->vals[i], NULL)) {
			hs_idmap_release(&n);
			return false;
		}
	hs_idmap_release(old);
	*old = n;
	return true;
}

/* Room in out for all of src (all new at worst), so that its tables grow
 * once a source rather than by doubling: each doubling copied a table
 * and touched new pages. */
static bool out_room(hs_profile *out, const hs_profile *src)
{
	size_t ns = src->nsamples;
	return hs_vec_reserve(&out->strings, src->strings.len) &&
	       hs_vec_reserve(&out->mappings, src->mappings.len) &&
	       hs_vec_reserve(&out->functions, src->functions.len) &&
	       hs_vec_reserve(&out->locations, src->locations.len) &&
	       hs_vec_reserve(&out->lines, src->lines.len) &&
	       hs_vec_reserve(&out->stack, src->stack.len) &&
	       hs_vec_reserve(&out->stack_off, src->nstacks + 1) &&
	       hs_vec_reserve(&out->values, ns * hs_ntypes(out)) &&
	       hs_vec_reserve(&out->sample_stack, ns) && hs_vec_reserve(&out->sample_labels, ns);
}

hs_err merger_source(merger *m, const hs_profile *src)
{
	drop_source(m);
	if (!samples_room(m, src->nsamples) || !out_room(m->out, src))
		return hs_fail(m->err, HS_E_NOMEM, NULL);
	m->src = src;
	m->map_id = calloc(src->mappings.len + 1, sizeof *m->map_id);
	m->map_offset = calloc(src->mappings.len + 1, sizeof *m->map_offset);
	m->fn_id = calloc(src->functions.len + 1, sizeof *m->fn_id);
	m->loc_id = calloc(src->locations.len + 1, sizeof *m->loc_id);
	m->stack_id = calloc(src->nstacks + 1, sizeof *m->stack_id);
	m->labelset_id = calloc(2 * (size_t)src->nlabelsets + 2, sizeof *m->labelset_id);
	m->str_id = calloc(src->strings.len + 1, sizeof *m->str_id);
	if (!m->map_id || !m->map_offset || !m->fn_id || !m->loc_id || !m->stack_id ||
	    !m->labelset_id || !m->str_id)
		return hs_fail(m->err, HS_E_NOMEM, NULL);
	/* The first mapping seen is the main binary's: map it first. */
	if (m->out->mappings.len == 0 && src->mappings.len > 0 && !map_mapping(m, 0))
		return hs_fail(m->err, HS_E_NOMEM, NULL);
	return HS_OK;
}

/* String labels before numeric ones, each by key; stable, so values of
 * one key keep their order (pprof's sample key sorts by key only). */
static void sort_labels(hs_label *l, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		hs_label x = l[i];
		size_t j = i;
		for (; j > 0; j--) {
			bool xs = x.str != 0, ys = l[j - 1].str != 0;
			if (xs == ys ? l[j - 1].key <= x.key : ys)
				break;
			l[j] = l[j - 1];
		}
		l[j] = x;
	}
}

static hs_err sample_labels(merger *m, size_t s, bool base_label)
{
	uint32_t n;
	const hs_label *src = hs_sample_labels(m->src, s, &n);
	m->labels.len = 0;
	for (uint32_t k = 0; k < n + base_label; k++) {
		hs_label l;
		if (k == n) {
			l = (hs_label){.key = m->base_key, .str = m->base_true};
		} else {
			/* pprof drops a label with neither a string nor a number. */
			if (!src[k].str && !src[k].num && !src[k].num_unit)
				continue;
			l = (hs_label){.key = str_of(m, src[k].key), .str = str_of(m, src[k].str),
			               .num = src[k].num, .num_unit = str_of(m, src[k].num_unit)};
			if (l.key == HS_NONE || l.str == HS_NONE || l.num_unit == HS_NONE)
				return hs_fail(m->err, HS_E_NOMEM, NULL);
			if (l.str)
				l.num = 0, l.num_unit = 0;
		}
		hs_label *slot = hs_vec_push(&m->labels, 1);
		if (!slot)
			return hs_fail(m->err, HS_E_NOMEM, NULL);
		*slot = l;
	}
	sort_labels(m->labels.data, m->labels.len);
	for (size_t k = 0; k < m->labels.len; k++)
		if (hs_profile_push_label(m->out, &HS_VEC_AT(&m->labels, hs_label, k)))
			return hs_fail(m->err, HS_E_NOMEM, NULL);
	return HS_OK;
}

hs_err merger_sample(merger *m, size_t s, const int64_t *vals, bool base_label, size_t *index)
{
	hs_profile *out = m->out;
	size_t nt = hs_ntypes(out);
	bool zero = true;
	for (size_t k = 0; k < nt; k++)
		zero &= vals[k] == 0;
	*index = SIZE_MAX;
	if (zero)   /* pprof's Merge skips all-zero samples */
		return HS_OK;
	int64_t *dst = hs_profile_begin_sample(out);
	if (!dst)
		return hs_fail(m->err, HS_E_NOMEM, NULL);
	memcpy(dst, vals, nt * sizeof *vals);
	/* A source's stacks and label sets are interned: map each once. */
	uint32_t src_stack = hs_sample_stack_id(m->src, s);
	uint32_t src_ls = HS_VEC_AT(&m->src->sample_labels, uint32_t, s) * 2 + base_label;
	uint32_t known_stack = m->stack_id[src_stack] ? m->stack_id[src_stack] - 1 : HS_NONE;
	uint32_t known_ls = m->labelset_id[src_ls] ? m->labelset_id[src_ls] - 1 : HS_NONE;
	/* A stack holding a location that no earlier stack holds (made for
	 * it just now) is new: no lookup. */
	bool new_stack = false;
	if (known_stack == HS_NONE) {
		uint32_t n;
		const uint32_t *st = hs_sample_stack(m->src, s, &n);
		size_t nloc = out->locations.len;
		for (uint32_t k = 0; k < n; k++) {
			uint32_t id = m->loc_id[st[k]];
			if (!id && !(id = map_location(m, st[k])))
				return hs_fail(m->err, HS_E_NOMEM, NULL);
			if (hs_profile_push_location(out, id))
				return hs_fail(m->err, HS_E_NOMEM, NULL);
		}
		new_stack = out->locations.len > nloc;
	}
	hs_err rc = known_ls == HS_NONE ? sample_labels(m, s, base_label) : HS_OK;
	if (rc || (new_stack ? hs_profile_end_sample_new(out, known_ls)
	                     : hs_profile_end_sample_known(out, known_stack, known_ls)))
		return rc ? rc : hs_fail(m->err, HS_E_NOMEM, NULL);
	size_t last = out->nsamples - 1;
	m->stack_id[src_stack] = HS_VEC_AT(&out->sample_stack, uint32_t, last) + 1;
	m->labelset_id[src_ls] = HS_VEC_AT(&out->sample_labels, uint32_t, last) + 1;
	uint64_t key = (uint64_t)HS_VEC_AT(&out->sample_stack, uint32_t, last) << 32 |
	               HS_VEC_AT(&out->sample_labels, uint32_t, last);
	/* A new stack has no sample yet. */
	uint32_t prev = new_stack ? UINT32_MAX : hs_idmap_get(&m->samples, key);
	if (prev == UINT32_MAX) {
		if (!hs_idmap_put(&m->samples, key, (uint32_t)last, NULL))
			return hs_fail(m->err, HS_E_NOMEM, NULL);
		*index = last;
		return HS_OK;
	}
	/* Same locations and labels as an earlier sample: sum into it and
	 * take the new one back (its stack and label set are interned). */
	int64_t *into = (int64_t *)out->values.data + (size_t)prev * nt;
	for (size_t k = 0; k < nt; k++)
		into[k] = hs_add(into[k], vals[k]);
	out->values.len -= nt;
	out->sample_stack.len--;
	out->sample_labels.len--;
	out->nsamples--;
	*index = prev;
	return HS_OK;
}

hs_err merger_finish(merger *m)
{
	drop_source(m);
	hs_profile *out = m->out;
	/* Every input was pruned when loaded: no second pass now, but the
	 * result keeps the first profile's rules as pprof's does. */
	out->drop_frames = out->keep_frames = 0;
	hs_err rc = hs_profile_finish(out, m->err);
	out->drop_frames = m->drop_frames;
	out->keep_frames = m->keep_frames;
	return rc;
}

/* ---- public ----------------------------------------------------------- */

hs_err hs_merge(hs_profile *out, const hs_profile *const *srcs, size_t n, hs_error *err)
{
	if (n == 0)
		return hs_fail(err, HS_E_USAGE, "no profiles to merge");
	for (size_t j = 1; j < n; j++) {
		hs_err rc = hs_merge_compatible(srcs[0], srcs[j], err);
		if (rc)
			return rc;
	}
	size_t nt = hs_ntypes(srcs[0]), period_from;
	double *ratios = malloc((n * nt + 1) * sizeof *ratios);
	double *pratios = malloc(n * sizeof *pratios);
	size_t *unit_from = malloc((nt + 1) * sizeof *unit_from);
	int64_t *vals = malloc((nt + 1) * sizeof *vals);
	merger m;
	hs_err rc = merger_init(&m, out, err);
	if (rc == HS_OK && (!ratios || !pratios || !unit_from || !vals))
		rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (rc == HS_OK) {
		hs_merge_unit_ratios(srcs, n, ratios, pratios, unit_from, &period_from);
		rc = merger_headers(&m, srcs, n, unit_from, pratios, period_from);
	}
	for (size_t j = 0; j < n && rc == HS_OK; j++) {
		rc = merger_source(&m, srcs[j]);
		for (size_t s = 0; s < srcs[j]->nsamples && rc == HS_OK; s++) {
			memcpy(vals, hs_sample_values(srcs[j], s), nt * sizeof *vals);
			size_t at;
			if (hs_scale_values(vals, nt, ratios + j * nt))
				rc = merger_sample(&m, s, vals, false, &at);
		}
	}
	if (rc == HS_OK)
		rc = merger_finish(&m);
	merger_release(&m);
	free(ratios);
	free(pratios);
	free(unit_from);
	free(vals);
	return rc;
}

void hs_merge_drop_zero(hs_profile *p)
{
	size_t nt = hs_ntypes(p), w = 0;
	int64_t *v = p->values.data;
	uint32_t *ss = p->sample_stack.data, *sl = p->sample_labels.data;
	for (size_t s = 0; s < p->nsamples; s++) {
		bool zero = true;
		for (size_t k = 0; k < nt; k++)
			zero &= v[s * nt + k] == 0;
		if (zero)
			continue;
		if (w != s) {
			memmove(v + w * nt, v + s * nt, nt * sizeof *v);
			ss[w] = ss[s];
			sl[w] = sl[s];
		}
		w++;
	}
	p->nsamples = w;
	p->values.len = w * nt;
	p->sample_stack.len = w;
	p->sample_labels.len = w;
}
