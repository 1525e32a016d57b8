/* Private: open-addressing hash maps used by the core.
 *   hs_idmap:  uint64 key -> uint32 value (ids to indices)
 *   hs_strmap: (bytes) -> uint32 value, keys owned by the caller */
#ifndef HS_CORE_HASHMAP_H
#define HS_CORE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_idmap {
	uint64_t *keys;
	uint32_t *vals;      /* UINT32_MAX marks an empty slot */
	size_t cap, len;
} hs_idmap;

bool hs_idmap_init(hs_idmap *m, size_t expect);
void hs_idmap_release(hs_idmap *m);
/* Insert; returns false on allocation failure.  *dup set if key existed
 * (the old value is kept). */
bool hs_idmap_put(hs_idmap *m, uint64_t key, uint32_t val, bool *dup);

/* The key's slot hash; shared by the lookup below and hashmap.c. */
static inline uint64_t hs_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* UINT32_MAX if absent.  Inline: the trace loaders look an id up per event. */
static inline uint32_t hs_idmap_get(const hs_idmap *m, uint64_t key)
{
	if (!m->cap)
		return UINT32_MAX;
	size_t mask = m->cap - 1, i = hs_mix64(key) & mask;
	while (m->vals[i] != UINT32_MAX) {
		if (m->keys[i] == key)
			return m->vals[i];
		i = (i + 1) & mask;
	}
	return UINT32_MAX;
}

/* An hs_idmap with an array in front for small ids (goroutine ids, which
 * the runtime hands out densely): a lookup there is one memory access
 * where the hash map takes two or three.  The array covers ids below a
 * few times the entries put (memory follows the entries, not a hostile
 * id); larger ids go to the map.  Zeroed is empty. */
typedef struct hs_dmap {
	uint32_t *dense;     /* UINT32_MAX: none */
	size_t dense_len, len;
	hs_idmap map;
} hs_dmap;

bool hs_dmap_put(hs_dmap *m, uint64_t key, uint32_t val);
void hs_dmap_release(hs_dmap *m);

/* The array part alone, for a fast path: UINT32_MAX when key is not
 * there (it may still be in the map: then ask hs_dmap_get). */
static inline uint32_t hs_dmap_get_dense(const hs_dmap *m, uint64_t key)
{
	return key < m->dense_len ? m->dense[key] : UINT32_MAX;
}

static inline uint32_t hs_dmap_get(const hs_dmap *m, uint64_t key)
{
	uint32_t v = hs_dmap_get_dense(m, key);
	return v == UINT32_MAX && m->map.len ? hs_idmap_get(&m->map, key) : v;
}

typedef struct hs_strmap {
	const char **keys;
	uint32_t *lens, *vals;
	uint64_t *hashes;
	size_t cap, len;
} hs_strmap;

uint64_t hs_hash_bytes(const void *p, size_t n);
bool hs_strmap_init(hs_strmap *m, size_t expect);
void hs_strmap_release(hs_strmap *m);
/* Look up; on absence insert (key pointer must outlive the map) with val
 * and return val.  Returns UINT32_MAX on allocation failure. */
uint32_t hs_strmap_get_or_put(hs_strmap *m, const char *k, size_t n, uint32_t val);
uint32_t hs_strmap_get(const hs_strmap *m, const char *k, size_t n);
/* The same two with the key's hs_hash_bytes given, for a caller that
 * looks a key up and then adds it (a copy it makes only then): one hash,
 * not two.  hs_strmap_put_absent's key must not be in the map; false on
 * allocation failure. */
uint32_t hs_strmap_get_hashed(const hs_strmap *m, const char *k, size_t n, uint64_t h);
bool hs_strmap_put_absent(hs_strmap *m, const char *k, size_t n, uint64_t h, uint32_t val);

#endif
