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
uint32_t hs_idmap_get(const hs_idmap *m, uint64_t key);   /* UINT32_MAX if absent */

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

#endif
