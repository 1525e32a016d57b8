/* The profile model: construction, id resolution, pprof's validity rules
 * and drop_frames pruning.  See include/heapscope/model.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "heapscope/model.h"
#include "heapscope/regex.h"
#include "hashmap.h"

void hs_profile_init(hs_profile *p)
{
	memset(p, 0, sizeof *p);
	hs_arena_init(&p->arena);
	hs_vec_init(&p->strings, sizeof(hs_string));
	hs_vec_init(&p->sample_types, sizeof(hs_value_type));
	hs_vec_init(&p->comments, sizeof(hs_str));
	hs_vec_init(&p->mappings, sizeof(hs_mapping));
	hs_vec_init_big(&p->functions, sizeof(hs_function));
	hs_vec_init_big(&p->locations, sizeof(hs_location));
	hs_vec_init_big(&p->lines, sizeof(hs_line));
	hs_vec_init_big(&p->values, sizeof(int64_t));
	hs_vec_init_big(&p->sample_stack, sizeof(uint32_t));
	hs_vec_init_big(&p->sample_labels, sizeof(uint32_t));
	hs_vec_init_big(&p->stack_off, sizeof(uint32_t));
	hs_vec_init_big(&p->stack, sizeof(uint32_t));
	hs_vec_init(&p->label_off, sizeof(uint32_t));
	hs_vec_init(&p->labels, sizeof(hs_label));
	hs_vec_init(&p->memstats, sizeof(hs_memstat));
	p->default_sample_type = -1;
}

static void drop_intern(hs_profile *p)
{
	if (p->intern) {
		hs_strmap_release(p->intern);
		free(p->intern);
		p->intern = NULL;
	}
}

/* Open addressing over stacks; a slot keeps what a probe must check,
 * where the stack starts included, so a hit costs two cache misses (the
 * slot, the stack) and not three (the offsets between them): interning is
 * bound by memory latency on big profiles.  Stacks are not edited while
 * the index lives (loaders edit them after their last sample). */
typedef struct stack_slot {
	uint32_t hash;      /* the hash's low 32 bits (the index never exceeds 2^32 slots) */
	uint32_t id1;       /* stack id + 1; 0 marks an empty slot */
	uint32_t len;
	uint32_t start;     /* its first item */
} stack_slot;

/* A sample whose stack waits to be looked up (hs_profile_end_sample_later):
 * its hash, its length and the sample that gets the id.  Waiting stacks lie
 * in order at the stack's tail, after the last interned one. */
typedef struct waiting {
	uint32_t hash, len;
	size_t sample;
} waiting;

/* How many stacks wait: the slot of the newest is prefetched when it
 * comes, the stack its slot names two samples later, and it is looked up
 * when WAIT more have come, by then (mostly) in cache. */
#define WAIT 4

typedef struct stack_index {
	stack_slot *slots;
	size_t cap, len;
	/* Runs below this id are in the slots; later ones were appended as
	 * known to be new (hs_profile_end_sample_new) and are put in by the
	 * next lookup, which may find them. */
	size_t indexed;
	waiting wait[WAIT];   /* a ring, oldest at head */
	unsigned head, nwait;
	size_t wait_items;    /* stack entries they hold */
} stack_index;

static void slots_free(stack_slot *slots, size_t cap);

static void drop_index(void **index)
{
	stack_index *x = *index;
	if (x) {
		slots_free(x->slots, x->cap);
		free(x);
		*index = NULL;
	}
}

/* Frames of hs_profile_intern_location: functions by (name, file),
 * locations by (function, line, address). */
typedef struct location_index {
	hs_idmap funcs;
	hs_strmap locs;
	hs_arena keys;
} location_index;

static void drop_location_index(hs_profile *p)
{
	location_index *x = p->location_index;
	if (x) {
		hs_idmap_release(&x->funcs);
		hs_strmap_release(&x->locs);
		hs_arena_release(&x->keys);
		free(x);
		p->location_index = NULL;
	}
}

static void drop_stack_index(hs_profile *p)
{
	drop_index(&p->stack_index);
	drop_index(&p->labelset_index);
	drop_location_index(p);
}

/* Slot tables of a huge page or more are mapped on huge-page bounds and
 * asked for huge pages: a probe is a random access, and with small pages
 * most cost a TLB miss besides the cache miss. */
#define HUGE_PAGE ((size_t)2 << 20)

static stack_slot *slots_alloc(size_t cap)
{
	size_t bytes = cap * sizeof(stack_slot);
	if (bytes < HUGE_PAGE)
		return calloc(cap, sizeof(stack_slot));
	return hs_map_huge(bytes);
}

static void slots_free(stack_slot *slots, size_t cap)
{
	if (cap * sizeof(stack_slot) < HUGE_PAGE)
		free(slots);
	else if (slots)
		munmap(slots, cap * sizeof(stack_slot));
}

static bool stack_index_grow(stack_index *x)
{
	size_t cap = x->cap ? x->cap * 2 : 4096;
	if (cap > ((size_t)1 << 32))
		return false;
	stack_slot *slots = slots_alloc(cap);
	if (!slots)
		return false;
	for (size_t i = 0; i < x->cap; i++) {
		if (!x->slots[i].id1)
			continue;
		size_t j = x->slots[i].hash & (cap - 1);
		while (slots[j].id1)
			j = (j + 1) & (cap - 1);
		slots[j] = x->slots[i];
	}
	slots_free(x->slots, x->cap);
	x->slots = slots;
	x->cap = cap;
	return true;
}

static uint32_t run_hash(const char *base, size_t el, uint32_t start, uint32_t n)
{
	return n ? (uint32_t)hs_hash_bytes(base + start * el, n * el) : 0;
}

/* The index, made and grown to take `more` new runs, with the runs
 * appended as new since the last lookup put in. */
static stack_index *index_ready_slow(const hs_vec *items, const hs_vec *off_vec, size_t count,
                                     void **index, size_t more)
{
	stack_index *x = *index;
	if (!x && !(x = *index = calloc(1, sizeof *x)))
		return NULL;
	while ((x->len + (count - x->indexed) + more) * 2 > x->cap)
		if (!stack_index_grow(x))
			return NULL;
	const uint32_t *off = off_vec->data;
	const char *base = items->data;
	size_t el = items->elem;
	for (; x->indexed < count; x->indexed++) {
		uint32_t a = off[x->indexed], len = off[x->indexed + 1] - a;
		uint32_t hh = run_hash(base, el, a, len);
		size_t k = hh & (x->cap - 1);
		while (x->slots[k].id1)
			k = (k + 1) & (x->cap - 1);
		x->slots[k] = (stack_slot){hh, (uint32_t)x->indexed + 1, len, a};
		x->len++;
	}
	return x;
}

/* The same, inline for the common case where it has nothing to do. */
static inline stack_index *index_ready(const hs_vec *items, const hs_vec *off_vec, size_t count,
                                       void **index, size_t more)
{
	stack_index *x = *index;
	if (x && x->indexed == count && (x->len + more) * 2 <= x->cap)
		return x;
	return index_ready_slow(items, off_vec, count, index, more);
}

/* The slot of the run of n items at `start` with hash h: an equal run's,
 * or the empty one where it goes. */
static size_t index_probe(const stack_index *x, const hs_vec *items, uint32_t start, uint32_t n,
                          uint32_t h)
{
	const char *base = items->data;
	size_t el = items->elem, j = h & (x->cap - 1);
	for (; x->slots[j].id1; j = (j + 1) & (x->cap - 1)) {
		const stack_slot *sl = &x->slots[j];
		if (sl->hash == h && sl->len == n &&
		    (n == 0 || memcmp(base + (size_t)sl->start * el, base + start * el, n * el) == 0))
			break;
	}
	return j;
}

/* The run at `start` is new: the next id, in empty slot j. */
static hs_err index_add(stack_index *x, hs_vec *off_vec, size_t *count, size_t j, uint32_t h,
                        uint32_t start, uint32_t n, uint32_t *out)
{
	if (*count >= UINT32_MAX - 2)
		return HS_E_LIMIT;
	uint32_t *so = hs_vec_push(off_vec, 1);
	if (!so)
		return HS_E_NOMEM;
	*so = start + n;
	x->slots[j] = (stack_slot){h, (uint32_t)*count + 1, n, start};
	x->len++;
	*out = (uint32_t)(*count)++;
	x->indexed = *count;
	return HS_OK;
}

/* The items pushed since the last sample (a stack, or a label set): the
 * id of an equal earlier run, or a new id.  `off` holds count+1 offsets. */
static hs_err intern_tail(hs_vec *items, hs_vec *off_vec, size_t *count, void **index,
                          uint32_t *out)
{
	stack_index *x = index_ready(items, off_vec, *count, index, 1);
	if (!x)
		return HS_E_NOMEM;
	uint32_t start = ((const uint32_t *)off_vec->data)[*count];
	uint32_t n = (uint32_t)items->len - start;
	uint32_t h = run_hash(items->data, items->elem, start, n);
	size_t j = index_probe(x, items, start, n, h);
	if (x->slots[j].id1) {
		items->len = start;
		*out = x->slots[j].id1 - 1;
		return HS_OK;
	}
	return index_add(x, off_vec, count, j, h, start, n, out);
}

/* Look up the oldest waiting stack, which starts where the interned ones
 * end, and give its sample the id.  An equal one's entries leave the
 * stack, the later waiting ones moving down over them. */
static hs_err wait_resolve(hs_profile *p, stack_index *x)
{
	waiting *w = &x->wait[x->head];
	uint32_t start = ((const uint32_t *)p->stack_off.data)[p->nstacks], id;
	if (!index_ready(&p->stack, &p->stack_off, p->nstacks, &p->stack_index, 1))
		return HS_E_NOMEM;
	size_t j = index_probe(x, &p->stack, start, w->len, w->hash);
	if (x->slots[j].id1) {
		uint32_t *st = p->stack.data;
		id = x->slots[j].id1 - 1;
		memmove(st + start, st + start + w->len,
		        (p->stack.len - start - w->len) * sizeof *st);
		p->stack.len -= w->len;
	} else {
		hs_err rc = index_add(x, &p->stack_off, &p->nstacks, j, w->hash, start, w->len, &id);
		if (rc)
			return rc;
	}
	((uint32_t *)p->sample_stack.data)[w->sample] = id;
	x->wait_items -= w->len;
	x->head = (x->head + 1) % WAIT;
	x->nwait--;
	return HS_OK;
}

/* Every waiting stack looked up: the samples' stack ids and the stacks
 * are then as if each sample had been ended by hs_profile_end_sample. */
static hs_err wait_flush(hs_profile *p)
{
	stack_index *x = p->stack_index;
	while (x && x->nwait) {
		hs_err rc = wait_resolve(p, x);
		if (rc)
			return rc;
	}
	return HS_OK;
}

void hs_profile_release(hs_profile *p)
{
	drop_intern(p);
	drop_stack_index(p);
	hs_vec *vecs[] = {&p->strings, &p->sample_types, &p->comments, &p->mappings,
	                  &p->functions, &p->locations, &p->lines, &p->values,
	                  &p->stack_off, &p->stack, &p->label_off, &p->labels,
	                  &p->sample_stack, &p->sample_labels, &p->memstats};
	for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++)
		hs_vec_release(vecs[i]);
	hs_arena_release(&p->arena);
	free(p->counted_totals);
	hs_profile_init(p);
}

hs_profile *hs_profile_new(void)
{
	hs_profile *p = malloc(sizeof *p);
	if (p)
		hs_profile_init(p);
	return p;
}

void hs_profile_free(hs_profile *p)
{
	if (!p)
		return;
	hs_profile_release(p);
	free(p);
}

/* A copy of s appended to the string table, the intern map untouched. */
static hs_str append_string(hs_profile *p, const char *s, size_t n)
{
	if (p->strings.len >= HS_NONE - 1 || n > UINT32_MAX)
		return HS_NONE;
	char *copy = hs_arena_strndup(&p->arena, s, n);
	hs_string *slot = copy ? hs_vec_push(&p->strings, 1) : NULL;
	if (!slot)
		return HS_NONE;
	slot->s = copy;
	slot->len = (uint32_t)n;
	return (hs_str)(p->strings.len - 1);
}

hs_str hs_profile_add_string(hs_profile *p, const char *s, size_t n)
{
	hs_str idx = append_string(p, s, n);
	if (idx != HS_NONE && p->intern)
		hs_strmap_get_or_put(p->intern, hs_s(p, idx), n, idx);
	return idx;
}

hs_str hs_profile_intern(hs_profile *p, const char *s, size_t n)
{
	if (!p->intern) {
		hs_strmap *m = malloc(sizeof *m);
		if (!m || !hs_strmap_init(m, p->strings.len + 64)) {
			free(m);
			return HS_NONE;
		}
		/* Earlier strings win so index 0 stays the canonical "". */
		for (size_t i = 0; i < p->strings.len; i++) {
			hs_string *st = &HS_VEC_AT(&p->strings, hs_string, i);
			hs_strmap_get_or_put(m, st->s, st->len, (uint32_t)i);
		}
		p->intern = m;
	}
	uint64_t h = hs_hash_bytes(s, n);
	uint32_t found = hs_strmap_get_hashed(p->intern, s, n, h);
	if (found != UINT32_MAX)
		return found;
	/* Absent: put in with the lookup's hash (hashed once, not twice). */
	hs_str idx = append_string(p, s, n);
	if (idx != HS_NONE && !hs_strmap_put_absent(p->intern, hs_s(p, idx), n, h, idx))
		return HS_NONE;
	return idx;
}

int64_t *hs_profile_begin_sample(hs_profile *p)
{
	return hs_profile_begin_sample_n(p, hs_ntypes(p));
}

int64_t *hs_profile_begin_sample_n(hs_profile *p, size_t nt)
{
	if (p->stack_off.len == 0) {
		if (!hs_vec_push(&p->stack_off, 1) || !hs_vec_push(&p->label_off, 1))
			return NULL;
	}
	/* A sample with no value slots still needs somewhere to point: the
	 * values' spare room, which nothing writes (no shared static). */
	if (nt == 0)
		return hs_vec_reserve(&p->values, 1) ? (int64_t *)p->values.data + p->values.len : NULL;
	return hs_vec_push(&p->values, nt);
}

hs_err hs_profile_push_location_slow(hs_profile *p, uint32_t loc)
{
	if (p->stack.len >= UINT32_MAX - 1)
		return HS_E_LIMIT;
	uint32_t *slot = hs_vec_push(&p->stack, 1);
	if (!slot)
		return HS_E_NOMEM;
	*slot = loc;
	return HS_OK;
}

hs_err hs_profile_push_label(hs_profile *p, const hs_label *l)
{
	if (p->labels.len >= UINT32_MAX - 1)
		return HS_E_LIMIT;
	hs_label *slot = hs_vec_push(&p->labels, 1);
	if (!slot)
		return HS_E_NOMEM;
	/* Field by field: label sets are compared as bytes, so the padding
	 * must stay as hs_vec_push zeroed it. */
	slot->key = l->key;
	slot->str = l->str;
	slot->num = l->num;
	slot->num_unit = l->num_unit;
	return HS_OK;
}

hs_err hs_profile_push_str_label(hs_profile *p, const char *key, const char *val)
{
	hs_label l = {hs_profile_intern(p, key, strlen(key)), hs_profile_intern(p, val, strlen(val)),
	              0, 0};
	if (l.key == HS_NONE || l.str == HS_NONE)
		return HS_E_NOMEM;
	return hs_profile_push_label(p, &l);
}

/* The label set of the sample being ended: `known`, or what was pushed
 * interned. */
static hs_err sample_labelset(hs_profile *p, uint32_t known, uint32_t *ls)
{
	const uint32_t *loff = p->label_off.data;
	hs_err rc = HS_OK;
	*ls = known;
	if (known != HS_NONE)
		;   /* the caller knows it */
	else if (p->empty_labelset && loff[p->nlabelsets] == p->labels.len)
		*ls = p->empty_labelset - 1;   /* no labels: the common case, no hashing */
	else
		rc = intern_tail(&p->labels, &p->label_off, &p->nlabelsets, &p->labelset_index, ls);
	loff = p->label_off.data;
	if (rc == HS_OK && !p->empty_labelset && loff[*ls + 1] == loff[*ls])
		p->empty_labelset = *ls + 1;
	return rc;
}

static hs_err push_sample(hs_profile *p, uint32_t id, uint32_t ls)
{
	uint32_t *ss = hs_vec_push(&p->sample_stack, 1);
	uint32_t *sl = ss ? hs_vec_push(&p->sample_labels, 1) : NULL;
	if (!sl)
		return HS_E_NOMEM;
	*ss = id;
	*sl = ls;
	p->nsamples++;
	return HS_OK;
}

hs_err hs_profile_end_sample_known(hs_profile *p, uint32_t stack, uint32_t labelset)
{
	uint32_t id = stack, ls;
	hs_err rc = wait_flush(p);
	if (rc == HS_OK && id == HS_NONE)
		rc = intern_tail(&p->stack, &p->stack_off, &p->nstacks, &p->stack_index, &id);
	if (rc == HS_OK)
		rc = sample_labelset(p, labelset, &ls);
	return rc ? rc : push_sample(p, id, ls);
}

hs_err hs_profile_end_sample_later(hs_profile *p)
{
	stack_index *x = p->stack_index;
	if (!x && !(x = p->stack_index = calloc(1, sizeof *x)))
		return HS_E_NOMEM;
	uint32_t ls;
	hs_err rc = sample_labelset(p, HS_NONE, &ls);
	if (rc == HS_OK)
		rc = push_sample(p, HS_NONE, ls);
	if (rc)
		return rc;
	uint32_t start = ((const uint32_t *)p->stack_off.data)[p->nstacks] + (uint32_t)x->wait_items;
	uint32_t n = (uint32_t)p->stack.len - start;
	uint32_t h = run_hash(p->stack.data, sizeof(uint32_t), start, n);
	waiting *w = &x->wait[(x->head + x->nwait) % WAIT];
	*w = (waiting){h, n, p->nsamples - 1};
	x->nwait++;
	x->wait_items += n;
	if (x->cap) {
		size_t mask = x->cap - 1;
		__builtin_prefetch(&x->slots[h & mask]);
		/* The stack in the slot of the one that came two samples ago. */
		if (x->nwait >= 3) {
			const waiting *o = &x->wait[(x->head + x->nwait - 3) % WAIT];
			const stack_slot *sl = &x->slots[o->hash & mask];
			if (sl->id1 && sl->hash == o->hash) {
				/* its first and last lines: 22 ids span two or three */
				const char *a = (const char *)((const uint32_t *)p->stack.data + sl->start);
				__builtin_prefetch(a);
				if (sl->len)
					__builtin_prefetch(a + (size_t)sl->len * sizeof(uint32_t) - 1);
			}
		}
	}
	return x->nwait == WAIT ? wait_resolve(p, x) : HS_OK;
}

hs_err hs_profile_end_sample_new(hs_profile *p, uint32_t labelset)
{
	hs_err rc = wait_flush(p);
	if (rc)
		return rc;
	if (p->nstacks >= UINT32_MAX - 2)
		return HS_E_LIMIT;
	uint32_t *so = hs_vec_push(&p->stack_off, 1);
	if (!so)
		return HS_E_NOMEM;
	*so = (uint32_t)p->stack.len;
	return hs_profile_end_sample_known(p, (uint32_t)p->nstacks++, labelset);
}

hs_err hs_profile_end_sample(hs_profile *p)
{
	return hs_profile_end_sample_known(p, HS_NONE, HS_NONE);
}

hs_err hs_profile_intern_stack(hs_profile *p, const uint32_t *locs, size_t n, uint32_t *id)
{
	hs_err rc = wait_flush(p);
	if (rc)
		return rc;
	if (p->stack_off.len == 0) {
		if (!hs_vec_push(&p->stack_off, 1) || !hs_vec_push(&p->label_off, 1))
			return HS_E_NOMEM;
	}
	if (n > UINT32_MAX - 2 - p->stack.len)
		return HS_E_LIMIT;
	for (size_t i = 0; i < n; i++) {
		rc = hs_profile_push_location(p, locs[i]);
		if (rc)
			return rc;
	}
	return intern_tail(&p->stack, &p->stack_off, &p->nstacks, &p->stack_index, id);
}

hs_err hs_profile_intern_location(hs_profile *p, const char *fn, size_t fn_len,
                                  const char *file, size_t file_len, int64_t line,
                                  uint64_t address, uint32_t *loc)
{
	location_index *x = p->location_index;
	if (!x) {
		if (!(x = calloc(1, sizeof *x)))
			return HS_E_NOMEM;
		hs_arena_init(&x->keys);
		if (!hs_idmap_init(&x->funcs, 256) || !hs_strmap_init(&x->locs, 256)) {
			hs_idmap_release(&x->funcs);
			free(x);
			return HS_E_NOMEM;
		}
		p->location_index = x;
	}
	if (p->strings.len == 0 && hs_profile_add_string(p, "", 0) == HS_NONE)
		return HS_E_NOMEM;
	hs_str name = hs_profile_intern(p, fn, fn_len);
	hs_str fname = name == HS_NONE ? HS_NONE : hs_profile_intern(p, file, file_len);
	if (fname == HS_NONE)
		return HS_E_NOMEM;
	uint64_t fk = (uint64_t)name << 32 | fname;
	uint32_t fi = hs_idmap_get(&x->funcs, fk);
	if (fi == UINT32_MAX) {
		if (p->functions.len >= HS_NONE - 2)
			return HS_E_LIMIT;
		hs_function *f = hs_vec_push(&p->functions, 1);
		if (!f)
			return HS_E_NOMEM;
		fi = (uint32_t)(p->functions.len - 1);
		f->id = (uint64_t)fi + 1;
		f->name = f->system_name = name;
		f->filename = fname;
		if (!hs_idmap_put(&x->funcs, fk, fi, NULL))
			return HS_E_NOMEM;
	}
	struct { uint64_t f; int64_t line; uint64_t addr; } key = {fi, line, address};
	uint32_t li = hs_strmap_get(&x->locs, (const char *)&key, sizeof key);
	if (li == UINT32_MAX) {
		if (p->locations.len >= HS_NONE - 2)
			return HS_E_LIMIT;
		char *k = hs_arena_alloc(&x->keys, sizeof key);
		hs_location *l = k ? hs_vec_push(&p->locations, 1) : NULL;
		hs_line *ln = l ? hs_vec_push(&p->lines, 1) : NULL;
		if (!ln)
			return HS_E_NOMEM;
		memcpy(k, &key, sizeof key);
		li = (uint32_t)(p->locations.len - 1);
		l = hs_location_at(p, li);
		l->id = (uint64_t)li + 1;
		l->address = address;
		l->mapping = 0;
		l->line_start = (uint32_t)(p->lines.len - 1);
		l->nlines = 1;
		ln->function = fi + 1;
		ln->line = line;
		if (hs_strmap_get_or_put(&x->locs, k, sizeof key, li) == UINT32_MAX)
			return HS_E_NOMEM;
	}
	*loc = li + 1;
	return HS_OK;
}

const char *hs_profile_kind(const hs_profile *p)
{
	char types[256] = "";
	for (size_t i = 0; i < hs_ntypes(p); i++) {
		size_t n = strlen(types);
		snprintf(types + n, sizeof types - n, "%s%s", i ? "," : "",
		         hs_s(p, HS_VEC_AT(&p->sample_types, hs_value_type, i).type));
	}
	if (strstr(types, "inuse_space"))
		return "heap";
	if (strstr(types, "alloc_space"))
		return "allocs";
	if (strstr(types, "cpu") || strstr(types, "wall"))
		return "cpu";
	if (strcmp(types, "goroutine") == 0 || strcmp(types, "goroutines") == 0)
		return "goroutine";
	if (strcmp(types, "threadcreate") == 0)
		return "threadcreate";
	if (strstr(types, "contentions") || strstr(types, "delay"))
		return "contention (block or mutex)";
	return "other";
}

int hs_profile_default_index(const hs_profile *p)
{
	if (p->default_sample_type >= 0)
		return p->default_sample_type;
	return (int)hs_ntypes(p) - 1;
}

int hs_profile_type_index(const hs_profile *p, const char *type)
{
	for (size_t i = 0; i < hs_ntypes(p); i++)
		if (strcmp(hs_s(p, hs_sample_type(p, i)->type), type) == 0)
			return (int)i;
	return -1;
}

int hs_profile_find_index(const hs_profile *p, const char *spec)
{
	size_t nt = hs_ntypes(p);
	char *end;
	long n = strtol(spec, &end, 10);
	if (*spec && !*end)
		return n >= 0 && (size_t)n < nt ? (int)n : -1;
	/* pprof's SampleIndexByName: exact names, and "inuse_X" also finds
	 * "X" (legacy profiles name their types "space" and "objects"). */
	const char *no_inuse = strncmp(spec, "inuse_", 6) == 0 ? spec + 6 : spec;
	for (size_t i = 0; i < nt; i++) {
		const hs_value_type *vt = hs_sample_type(p, i);
		const char *t = hs_s(p, vt->type);
		if (strcmp(t, spec) == 0 || strcmp(t, no_inuse) == 0)
			return (int)i;
	}
	return -1;
}

int64_t hs_profile_total(const hs_profile *p, int i)
{
	size_t nt = hs_ntypes(p);
	if (i < 0 || (size_t)i >= nt)
		return 0;
	if (p->counted_totals)
		return p->counted_totals[i];
	const int64_t *v = p->values.data;
	int64_t total = 0;
	for (size_t s = 0; s < p->nsamples; s++) {
		int64_t x = v[s * nt + (size_t)i];
		total = hs_add(total, hs_abs(x));
	}
	return total;
}

/* ---- id resolution and pprof's CheckValid ------------------------------- */

/* Ids to indices: by subtraction when every id is its index + 1 (as Go
 * and the merger number them), else through a map. */
typedef struct id_index {
	hs_idmap map;
	bool dense;
	size_t len;
} id_index;

static inline uint32_t id_get(const id_index *x, uint64_t id)
{
	if (x->dense)   /* id 0 wraps around to no index */
		return id - 1 < x->len ? (uint32_t)(id - 1) : HS_NONE;
	return hs_idmap_get(&x->map, id);
}

static uint64_t id_at(const hs_vec *v, size_t i, size_t stride_off)
{
	uint64_t id;
	memcpy(&id, (const char *)v->data + i * v->elem + stride_off, sizeof id);
	return id;
}

static hs_err index_ids(id_index *x, const hs_vec *v, size_t stride_off,
                        const char *what, hs_error *err)
{
	hs_idmap *m = &x->map;
	size_t i = 0;
	while (i < v->len && id_at(v, i, stride_off) == i + 1)
		i++;
	x->len = v->len;
	if ((x->dense = i == v->len))
		return HS_OK;
	if (!hs_idmap_init(m, v->len))
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (i = 0; i < v->len; i++) {
		uint64_t id = id_at(v, i, stride_off);
		bool dup;
		if (id == 0)
			return hs_fail(err, HS_E_INVALID, "found %s with reserved id 0 (%s #%zu)",
			               what, what, i + 1);
		if (!hs_idmap_put(m, id, (uint32_t)i, &dup))
			return hs_fail(err, HS_E_NOMEM, NULL);
		if (dup)
			return hs_fail(err, HS_E_INVALID, "multiple %ss with the same id %llu",
			               what, (unsigned long long)id);
	}
	return HS_OK;
}

/* Location ids to indices, in every interned stack.  Ids not numbered
 * as indices + 1 are still nearly always dense, so a direct table is
 * tried before the hash. */
static hs_err resolve_stacks(hs_profile *p, const id_index *locs, hs_error *err)
{
	uint32_t *st = p->stack.data, maxid = 0;
	size_t nloc = p->locations.len;
	for (size_t i = 0; i < nloc && !locs->dense; i++) {
		uint64_t id = hs_location_at(p, (uint32_t)i)->id;
		if (id > maxid)
			maxid = id < HS_NONE ? (uint32_t)id : HS_NONE - 1;
	}
	uint32_t *direct = NULL;
	if (!locs->dense && (size_t)maxid <= nloc * 4 + 1024 &&
	    (direct = malloc(((size_t)maxid + 1) * 4))) {
		memset(direct, 0xff, ((size_t)maxid + 1) * 4);
		for (size_t i = 0; i < nloc; i++)
			direct[hs_location_at(p, (uint32_t)i)->id] = (uint32_t)i;
	}
	for (size_t k = 0; k < p->stack.len; k++) {
		uint32_t li = direct ? (st[k] <= maxid ? direct[st[k]] : HS_NONE) : id_get(locs, st[k]);
		if (li == HS_NONE) {
			size_t s = 0, stack = 0;
			while (stack + 1 < p->stack_off.len &&
			       ((uint32_t *)p->stack_off.data)[stack + 1] <= k)
				stack++;
			while (s < p->nsamples && hs_sample_stack_id(p, s) != stack)
				s++;
			free(direct);
			p->bad_sample = s + 1;
			p->bad_location = st[k];
			return hs_fail(err, HS_E_INVALID, "sample %zu references unknown location id %u",
			               s + 1, st[k]);
		}
		st[k] = li;
	}
	free(direct);
	return HS_OK;
}

static hs_err resolve(hs_profile *p, hs_error *err)
{
	id_index maps = {0}, funcs = {0}, locs = {0};
	hs_err rc;
	if ((rc = index_ids(&maps, &p->mappings, offsetof(hs_mapping, id), "mapping", err)) ||
	    (rc = index_ids(&funcs, &p->functions, offsetof(hs_function, id), "function", err)) ||
	    (rc = index_ids(&locs, &p->locations, offsetof(hs_location, id), "location", err)))
		goto out;
	for (size_t i = 0; i < p->locations.len; i++) {
		hs_location *l = hs_location_at(p, (uint32_t)i);
		/* An unknown mapping id is not an error for pprof: no mapping. */
		l->mapping = l->mapping ? id_get(&maps, l->mapping) : HS_NONE;
		for (uint32_t k = 0; k < l->nlines; k++) {
			hs_line *ln = hs_line_at(p, l->line_start + k);
			uint32_t f = ln->function ? id_get(&funcs, ln->function) : HS_NONE;
			if (f == HS_NONE) {
				rc = hs_fail(err, HS_E_INVALID,
				             "location id %llu has a line with unknown function id %u",
				             (unsigned long long)l->id, ln->function);
				goto out;
			}
			ln->function = f;
		}
	}
	if ((rc = resolve_stacks(p, &locs, err)))
		goto out;
	if (p->nsamples && hs_ntypes(p) == 0)
		rc = hs_fail(err, HS_E_INVALID, "missing sample type information");
out:
	hs_idmap_release(&maps.map);
	hs_idmap_release(&funcs.map);
	hs_idmap_release(&locs.map);
	return rc;
}

/* ---- drop_frames / keep_frames, as pprof's Profile.Prune ---------------- */

/* pprof's simplifyFunc: strip a leading '.', then cut at the first '(' that
 * does not start "(anonymous namespace)" or belong to "operator()". */
static size_t simplified_len(const char *name, size_t n, const char **start)
{
	if (n && name[0] == '.') {
		name++;
		n--;
	}
	*start = name;
	static const char anon[] = "(anonymous namespace)", op[] = "operator()";
	for (size_t i = 0; i < n; i++) {
		if (n - i >= sizeof anon - 1 && memcmp(name + i, anon, sizeof anon - 1) == 0) {
			i += sizeof anon - 2;
			continue;
		}
		if (n - i >= sizeof op - 1 && memcmp(name + i, op, sizeof op - 1) == 0) {
			i += sizeof op - 2;
			continue;
		}
		if (name[i] == '(')
			return i;
	}
	return n;
}

static hs_err compile_anchored(hs_regex **re, const char *pat, hs_error *err)
{
	size_t n = strlen(pat);
	char *full = malloc(n + 5);
	if (!full)
		return hs_fail(err, HS_E_NOMEM, NULL);
	memcpy(full, "^(", 2);
	memcpy(full + 2, pat, n);
	memcpy(full + 2 + n, ")$", 3);
	hs_err rc = hs_regex_compile(re, full, err);
	free(full);
	return rc;
}

void hs_profile_rewrite_stacks(hs_profile *p, hs_stack_span_fn span, void *ctx)
{
	uint32_t *st = p->stack.data, *off = p->stack_off.data;
	if (!off)
		return;
	uint32_t w = 0;
	for (size_t s = 0; s < p->nstacks; s++) {
		uint32_t a = off[s], n = off[s + 1] - a, from = 0, to = n;
		span(st + a, n, s, &from, &to, ctx);
		off[s] = w;
		if (to > from)
			memmove(st + w, st + a + from, (to - from) * sizeof *st);
		w += to > from ? to - from : 0;
	}
	off[p->nstacks] = w;
	p->stack.len = w;
}

enum { PRUNE = 1, BENEATH = 2 };

typedef struct prune_ctx {
	const unsigned char *mark;  /* per location: PRUNE, BENEATH */
	uint8_t *cut;               /* per stack: shortened */
} prune_ctx;

/* pprof's Prune of one stack: from the root, past the first user frame,
 * cut at the first marked one (it too when it matched whole). */
static void prune_span(const uint32_t *locs, uint32_t n, size_t s, uint32_t *from,
                       uint32_t *to, void *ctx)
{
	prune_ctx *pc = ctx;
	(void)to;
	bool user = false;
	for (uint32_t k = n; k-- > 0;) {
		if (!pc->mark[locs[k]]) {
			user = true;
			continue;
		}
		if (!user)
			continue;
		*from = (pc->mark[locs[k]] & PRUNE) ? k + 1 : k;
		pc->cut[s] = 1;
		break;
	}
}

static hs_err prune(hs_profile *p, hs_error *err)
{
	hs_regex *drop = NULL, *keep = NULL;
	/* pprof ignores RemoveUninteresting's error: a drop_frames (or
	 * keep_frames) that does not compile means no pruning at all. */
	hs_error quiet;
	hs_error_clear(&quiet);
	hs_err rc = compile_anchored(&drop, hs_s(p, p->drop_frames), &quiet);
	if (rc == HS_OK && p->keep_frames)
		rc = compile_anchored(&keep, hs_s(p, p->keep_frames), &quiet);
	if (rc == HS_E_REGEX) {
		hs_regex_free(drop);
		hs_regex_free(keep);
		return HS_OK;
	}
	size_t nloc = p->locations.len;
	unsigned char *mark = rc == HS_OK ? calloc(nloc ? nloc : 1, 1) : NULL;
	if (rc == HS_OK && !mark)
		rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (rc != HS_OK)
		goto out;
	for (size_t i = 0; i < nloc; i++) {
		hs_location *l = hs_location_at(p, (uint32_t)i);
		long k;
		for (k = (long)l->nlines - 1; k >= 0; k--) {
			hs_function *f = hs_function_at(p, hs_line_at(p, l->line_start + (uint32_t)k)->function);
			const char *nm = hs_s(p, f->name), *sn;
			if (!*nm)
				continue;
			size_t sl = simplified_len(nm, strlen(nm), &sn);
			if (hs_regex_match(drop, sn, sl) && !(keep && hs_regex_match(keep, sn, sl)))
				break;
		}
		if (k < 0)
			continue;
		mark[i] = BENEATH;
		if (k == (long)l->nlines - 1) {
			mark[i] |= PRUNE;
		} else {
			l->line_start += (uint32_t)k + 1;
			l->nlines -= (uint32_t)k + 1;
		}
	}
	/* Rewrite stacks in place, shortening them on the leaf side. */
	prune_ctx pc = {mark, calloc(p->nstacks + 1, 1)};
	if (!pc.cut) {
		rc = hs_fail(err, HS_E_NOMEM, NULL);
		goto out;
	}
	hs_profile_rewrite_stacks(p, prune_span, &pc);
	for (size_t s = 0; s < p->nsamples; s++)
		p->samples_pruned += pc.cut[hs_sample_stack_id(p, s)];
	free(pc.cut);
out:
	free(mark);
	hs_regex_free(drop);
	hs_regex_free(keep);
	return rc;
}

/* ---- pprof's default symbolization pass (demangleFunction) -------------
 * With no binaries at hand, go tool pprof still rewrites function names:
 * a name equal to its system name (or empty) is replaced by the system name
 * simplified as if it were demangled C++: parameters "(...)" and template
 * arguments "<...>" removed when the name contains <, >, [, ] or "::".
 * Go generic names such as hmac.New[go.shape.interface { Size() int }]
 * qualify.  Itanium-mangled names (_Z...) are not demangled here. */

static size_t remove_matching(char *s, size_t n, char open, char close)
{
	size_t nesting = 0, first = 0;
	for (size_t cur = 0; cur < n; cur++) {
		if (s[cur] == open) {
			if (++nesting == 1)
				first = cur;
		} else if (s[cur] == close) {
			if (nesting == 0)
				return n;   /* mismatch: pprof leaves the name as it was */
			if (--nesting == 0) {
				memmove(s + first, s + cur + 1, n - cur - 1);
				n -= cur + 1 - first;
				cur = first - 1;
			}
		}
	}
	return n;
}

static bool looks_demangled_cpp(const char *s)
{
	if (strstr(s, ".<") || strstr(s, "]).") )
		return false;
	return strpbrk(s, "<>[]") || strstr(s, "::");
}

static hs_err simplify_names(hs_profile *p, hs_error *err)
{
	for (size_t i = 0; i < p->functions.len; i++) {
		hs_function *f = hs_function_at(p, (uint32_t)i);
		const hs_string *name = &HS_VEC_AT(&p->strings, hs_string, f->name);
		const hs_string *sys = &HS_VEC_AT(&p->strings, hs_string, f->system_name);
		if (name->len && (name->len != sys->len || memcmp(name->s, sys->s, sys->len)))
			continue;
		if (!looks_demangled_cpp(sys->s)) {
			f->name = f->system_name;
			continue;
		}
		char *tmp = malloc(sys->len + 1);
		if (!tmp)
			return hs_fail(err, HS_E_NOMEM, NULL);
		memcpy(tmp, sys->s, sys->len + 1);
		size_t n = remove_matching(tmp, sys->len, '(', ')');
		n = remove_matching(tmp, n, '<', '>');
		hs_str ns = hs_profile_intern(p, tmp, n);
		free(tmp);
		if (ns == HS_NONE)
			return hs_fail(err, HS_E_NOMEM, NULL);
		f->name = ns;
	}
	return HS_OK;
}

size_t hs_profile_memory(const hs_profile *p)
{
	size_t total = p->arena.used_total;
	const hs_vec *list[] = {&p->strings, &p->sample_types, &p->comments, &p->mappings,
	                        &p->functions, &p->locations, &p->lines, &p->values,
	                        &p->sample_stack, &p->stack_off, &p->stack, &p->label_off,
	                        &p->labels, &p->sample_labels, &p->memstats};
	for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
		total += list[i]->cap * list[i]->elem;
	return total;
}

/* Give back the slack of geometric growth once nothing is appended. */
static void shrink(hs_profile *p)
{
	hs_vec *list[] = {&p->strings, &p->mappings, &p->functions, &p->locations, &p->lines,
	                  &p->values, &p->sample_stack, &p->stack_off, &p->stack,
	                  &p->label_off, &p->labels, &p->sample_labels};
	for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
		hs_vec_shrink(list[i]);
}

hs_err hs_profile_finish(hs_profile *p, hs_error *err)
{
	hs_err rc = wait_flush(p);
	if (rc)
		return hs_fail(err, rc, NULL);
	if (p->strings.len == 0 && hs_profile_add_string(p, "", 0) == HS_NONE)
		return hs_fail(err, HS_E_NOMEM, NULL);
	if (p->stack_off.len == 0) {
		if (!hs_vec_push(&p->stack_off, 1) || !hs_vec_push(&p->label_off, 1))
			return hs_fail(err, HS_E_NOMEM, NULL);
	}
	rc = resolve(p, err);
	if (rc == HS_OK)
		rc = simplify_names(p, err);
	if (rc == HS_OK && p->drop_frames && *hs_s(p, p->drop_frames))
		rc = prune(p, err);
	drop_intern(p);
	drop_stack_index(p);
	if (rc == HS_OK)
		shrink(p);
	return rc;
}
