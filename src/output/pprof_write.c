/* profile.proto output through protobuf-c; see pprof_write.h.
 *
 * The message tree borrows what it can from the model (the string table,
 * sample values) and builds the rest in one arena: samples that share an
 * interned stack or label set share one array of ids or labels. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "pprof_write.h"
#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile pb_profile;
typedef Perftools__Profiles__ValueType pb_value_type;
typedef Perftools__Profiles__Sample pb_sample;
typedef Perftools__Profiles__Label pb_label;
typedef Perftools__Profiles__Mapping pb_mapping;
typedef Perftools__Profiles__Location pb_location;
typedef Perftools__Profiles__Line pb_line;
typedef Perftools__Profiles__Function pb_function;

/* n objects of `size` bytes and an array of n pointers to them. */
static void **objects(hs_arena *a, size_t n, size_t size)
{
	void **ptrs = hs_arena_alloc(a, (n ? n : 1) * sizeof *ptrs);
	char *objs = hs_arena_alloc(a, (n ? n : 1) * size);
	if (!ptrs || !objs)
		return NULL;
	for (size_t i = 0; i < n; i++)
		ptrs[i] = objs + i * size;
	return ptrs;
}

static bool build_samples(hs_arena *a, const hs_profile *p, pb_profile *m)
{
	size_t nt = hs_ntypes(p);
	uint64_t **stacks = hs_arena_alloc(a, (p->nstacks + 1) * sizeof *stacks);
	pb_label ***sets = hs_arena_alloc(a, (p->nlabelsets + 1) * sizeof *sets);
	pb_sample **s = (pb_sample **)objects(a, p->nsamples, sizeof(pb_sample));
	if (!stacks || !sets || !s)
		return false;
	for (uint32_t id = 0; id < p->nstacks; id++) {
		uint32_t n;
		const uint32_t *st = hs_stack_at(p, id, &n);
		if (!(stacks[id] = hs_arena_alloc(a, (n + 1) * sizeof **stacks)))
			return false;
		for (uint32_t k = 0; k < n; k++)
			stacks[id][k] = (uint64_t)st[k] + 1;
	}
	const uint32_t *loff = p->label_off.data;
	for (uint32_t id = 0; id < p->nlabelsets; id++) {
		uint32_t n = loff[id + 1] - loff[id];
		if (!(sets[id] = (pb_label **)objects(a, n, sizeof(pb_label))))
			return false;
		for (uint32_t k = 0; k < n; k++) {
			const hs_label *l = &HS_VEC_AT(&p->labels, hs_label, loff[id] + k);
			perftools__profiles__label__init(sets[id][k]);
			sets[id][k]->key = l->key;
			sets[id][k]->str = l->str;
			sets[id][k]->num = l->num;
			sets[id][k]->num_unit = l->num_unit;
		}
	}
	for (size_t i = 0; i < p->nsamples; i++) {
		perftools__profiles__sample__init(s[i]);
		uint32_t n, ls = HS_VEC_AT(&p->sample_labels, uint32_t, i);
		uint32_t stack = hs_sample_stack_id(p, i);
		hs_stack_at(p, stack, &n);
		s[i]->n_location_id = n;
		s[i]->location_id = stacks[stack];
		s[i]->n_value = nt;
		s[i]->value = (int64_t *)hs_sample_values(p, i);
		s[i]->n_label = loff[ls + 1] - loff[ls];
		s[i]->label = sets[ls];
	}
	m->n_sample = p->nsamples;
	m->sample = s;
	return true;
}

static bool build_tables(hs_arena *a, const hs_profile *p, pb_profile *m)
{
	size_t nm = p->mappings.len, nl = p->locations.len, nf = p->functions.len;
	pb_mapping **maps = (pb_mapping **)objects(a, nm, sizeof(pb_mapping));
	pb_location **locs = (pb_location **)objects(a, nl, sizeof(pb_location));
	pb_function **fns = (pb_function **)objects(a, nf, sizeof(pb_function));
	if (!maps || !locs || !fns)
		return false;
	for (size_t i = 0; i < nm; i++) {
		const hs_mapping *s = hs_mapping_at(p, (uint32_t)i);
		pb_mapping *d = maps[i];
		perftools__profiles__mapping__init(d);
		d->id = i + 1;
		d->memory_start = s->start;
		d->memory_limit = s->limit;
		d->file_offset = s->offset;
		d->filename = s->file;
		d->build_id = s->build_id;
		d->has_functions = s->has_functions;
		d->has_filenames = s->has_filenames;
		d->has_line_numbers = s->has_line_numbers;
		d->has_inline_frames = s->has_inline_frames;
	}
	for (size_t i = 0; i < nl; i++) {
		const hs_location *s = hs_location_at(p, (uint32_t)i);
		pb_location *d = locs[i];
		perftools__profiles__location__init(d);
		d->id = i + 1;
		d->mapping_id = s->mapping == HS_NONE ? 0 : (uint64_t)s->mapping + 1;
		d->address = s->address;
		d->is_folded = s->is_folded;
		d->n_line = s->nlines;
		if (!(d->line = (pb_line **)objects(a, s->nlines, sizeof(pb_line))))
			return false;
		for (uint32_t k = 0; k < s->nlines; k++) {
			const hs_line *ln = hs_line_at(p, s->line_start + k);
			perftools__profiles__line__init(d->line[k]);
			d->line[k]->function_id = (uint64_t)ln->function + 1;
			d->line[k]->line = ln->line;
		}
	}
	for (size_t i = 0; i < nf; i++) {
		const hs_function *s = hs_function_at(p, (uint32_t)i);
		pb_function *d = fns[i];
		perftools__profiles__function__init(d);
		d->id = i + 1;
		d->name = s->name;
		d->system_name = s->system_name;
		d->filename = s->filename;
		d->start_line = s->start_line;
	}
	m->n_mapping = nm;
	m->mapping = maps;
	m->n_location = nl;
	m->location = locs;
	m->n_function = nf;
	m->function = fns;
	return true;
}

static bool build_header(hs_arena *a, const hs_profile *p, pb_profile *m)
{
	size_t nt = hs_ntypes(p), ns = p->strings.len;
	pb_value_type **types = (pb_value_type **)objects(a, nt + 1, sizeof(pb_value_type));
	char **strings = hs_arena_alloc(a, (ns + 1) * sizeof *strings);
	int64_t *comments = hs_arena_alloc(a, (p->comments.len + 1) * sizeof *comments);
	if (!types || !strings || !comments)
		return false;
	for (size_t i = 0; i < nt; i++) {
		const hs_value_type *vt = hs_sample_type(p, i);
		perftools__profiles__value_type__init(types[i]);
		types[i]->type = vt->type;
		types[i]->unit = vt->unit;
	}
	pb_value_type *pt = types[nt];
	perftools__profiles__value_type__init(pt);
	pt->type = p->period_type.type;
	pt->unit = p->period_type.unit;
	for (size_t i = 0; i < ns; i++)
		strings[i] = (char *)HS_VEC_AT(&p->strings, hs_string, i).s;
	for (size_t i = 0; i < p->comments.len; i++)
		comments[i] = HS_VEC_AT(&p->comments, hs_str, i);
	m->n_sample_type = nt;
	m->sample_type = types;
	m->n_string_table = ns;
	m->string_table = strings;
	m->drop_frames = p->drop_frames;
	m->keep_frames = p->keep_frames;
	m->time_nanos = p->time_nanos;
	m->duration_nanos = p->duration_nanos;
	m->period_type = (pt->type || pt->unit) ? pt : NULL;
	m->period = p->period;
	m->n_comment = p->comments.len;
	m->comment = comments;
	if (p->default_sample_type >= 0 && (size_t)p->default_sample_type < nt)
		m->default_sample_type = types[p->default_sample_type]->type;
	return true;
}

static hs_err gzip_buffer(const unsigned char *in, size_t n, unsigned char **out, size_t *len,
                          hs_error *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	/* windowBits 15 + 16: a gzip wrapper with no name and time 0. */
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return hs_fail(err, HS_E_NOMEM, NULL);
	size_t cap = deflateBound(&zs, (uLong)n) + 64;
	unsigned char *buf = malloc(cap);
	if (!buf) {
		deflateEnd(&zs);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	/* avail_in/avail_out are 32-bit: large buffers go in slices. */
	const size_t slice = (size_t)1 << 30;
	size_t off = 0;
	int rc;
	for (;;) {
		size_t chunk = n - off > slice ? slice : n - off;
		zs.next_in = (Bytef *)in + off;
		zs.avail_in = (uInt)chunk;
		off += chunk;
		int flush = off == n ? Z_FINISH : Z_NO_FLUSH;
		do {
			size_t room = cap - zs.total_out;
			zs.next_out = buf + zs.total_out;
			zs.avail_out = (uInt)(room > slice ? slice : room);
			rc = deflate(&zs, flush);
		} while (rc == Z_OK && (flush == Z_FINISH || zs.avail_in));
		if (rc != Z_OK || flush == Z_FINISH)
			break;
	}
	*len = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(buf);
		return hs_fail(err, HS_E_NOMEM, "compression failed");
	}
	*out = buf;
	return HS_OK;
}

hs_err pprof_encode(const hs_profile *p, bool gzip, unsigned char **data, size_t *len,
                    hs_error *err)
{
	hs_arena a;
	hs_arena_init(&a);
	pb_profile m;
	perftools__profiles__profile__init(&m);
	*data = NULL;
	*len = 0;
	if (!build_header(&a, p, &m) || !build_tables(&a, p, &m) || !build_samples(&a, p, &m)) {
		hs_arena_release(&a);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	size_t n = perftools__profiles__profile__get_packed_size(&m);
	unsigned char *raw = malloc(n ? n : 1);
	if (!raw) {
		hs_arena_release(&a);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	perftools__profiles__profile__pack(&m, raw);
	hs_arena_release(&a);
	if (!gzip) {
		*data = raw;
		*len = n;
		return HS_OK;
	}
	hs_err rc = gzip_buffer(raw, n, data, len, err);
	free(raw);
	return rc;
}

hs_err pprof_write(FILE *out, const hs_profile *p, bool gzip, hs_error *err)
{
	unsigned char *data;
	size_t len;
	hs_err rc = pprof_encode(p, gzip, &data, &len, err);
	if (rc)
		return rc;
	if (fwrite(data, 1, len, out) != len)
		rc = hs_fail(err, HS_E_IO, "%s", strerror(errno));
	free(data);
	return rc;
}
