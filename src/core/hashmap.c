/* Private open-addressing hash maps; see hashmap.h. */
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"

uint64_t hs_hash_bytes(const void *p, size_t n)
{
	/* FNV-1a over 8-byte words, finished with a mixer: fast on the short
	 * symbol names that dominate profiles. */
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ n;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
		s += 8;
		n -= 8;
	}
	while (n--)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return hs_mix64(h);
}

static size_t pow2_for(size_t expect)
{
	size_t cap = 16;
	while (cap < expect * 2 && cap < ((size_t)1 << 40))
		cap <<= 1;
	return cap;
}

bool hs_idmap_init(hs_idmap *m, size_t expect)
{
	m->cap = pow2_for(expect);
	m->len = 0;
	m->keys = malloc(m->cap * sizeof *m->keys);
	m->vals = malloc(m->cap * sizeof *m->vals);
	if (!m->keys || !m->vals) {
		hs_idmap_release(m);
		return false;
	}
	memset(m->vals, 0xff, m->cap * sizeof *m->vals);
	return true;
}

void hs_idmap_release(hs_idmap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

static bool idmap_grow(hs_idmap *m)
{
	hs_idmap n;
	n.cap = m->cap * 2;
	n.len = 0;
	n.keys = malloc(n.cap * sizeof *n.keys);
	n.vals = malloc(n.cap * sizeof *n.vals);
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return false;
	}
	memset(n.vals, 0xff, n.cap * sizeof *n.vals);
	for (size_t i = 0; i < m->cap; i++)
		if (m->vals[i] != UINT32_MAX)
			hs_idmap_put(&n, m->keys[i], m->vals[i], NULL);
	hs_idmap_release(m);
	*m = n;
	return true;
}

/* Insert a key that is not there yet; false when out of memory. */
bool hs_dmap_put(hs_dmap *m, uint64_t key, uint32_t val)
{
	size_t limit = 4 * m->len + 65536;
	if (key >= m->dense_len && key < limit) {
		size_t want = m->dense_len * 2 > key + 1 ? m->dense_len * 2 : (size_t)key + 1;
		if (want > limit)
			want = limit;
		uint32_t *d = realloc(m->dense, want * sizeof *d);
		if (!d)
			return false;
		memset(d + m->dense_len, 0xff, (want - m->dense_len) * sizeof *d);
		m->dense = d;
		m->dense_len = want;
	}
	if (key < m->dense_len)
		m->dense[key] = val;
	else if (!(m->map.cap || hs_idmap_init(&m->map, 64)) ||
	         !hs_idmap_put(&m->map, key, val, NULL))
		return false;
	m->len++;
	return true;
}

void hs_dmap_release(hs_dmap *m)
{
	free(m->dense);
	hs_idmap_release(&m->map);
	memset(m, 0, sizeof *m);
}

bool hs_idmap_put(hs_idmap *m, uint64_t key, uint32_t val, bool *dup)
{
	if (dup)
		*dup = false;
	if ((m->len + 1) * 4 > m->cap * 3 && !idmap_grow(m))
		return false;
	size_t mask = m->cap - 1, i = hs_mix64(key) & mask;
	while (m->vals[i] != UINT32_MAX) {
		if (m->keys[i] == key) {
			if (dup)
				*dup = true;
			return true;
		}
		i = (i + 1) & mask;
	}
	m->keys[i] = key;
	m->vals[i] = val;
	m->len++;
	return true;
}

bool hs_strmap_init(hs_strmap *m, size_t expect)
{
	memset(m, 0, sizeof *m);
	m->cap = pow2_for(expect);
	m->keys = malloc(m->cap * sizeof *m->keys);
	m->lens = malloc(m->cap * sizeof *m->lens);
	m->vals = malloc(m->cap * sizeof *m->vals);
	m->hashes = malloc(m->cap * sizeof *m->hashes);
	if (!m->keys || !m->lens || !m->vals || !m->hashes) {
		hs_strmap_release(m);
		return false;
	}
	memset(m->vals, 0xff, m->cap * sizeof *m->vals);
	return true;
}

void hs_strmap_release(hs_strmap *m)
{
	free(m->keys);
	free(m->lens);
	free(m->vals);
	free(m->hashes);
	memset(m, 0, sizeof *m);
}

static void strmap_place(hs_strmap *m, const char *k, uint32_t n, uint64_t h,
                         uint32_t val)
{
	size_t mask = m->cap - 1, i = h & mask;
	while (m->vals[i] != UINT32_MAX)
		i = (i + 1) & mask;
	m->keys[i] = k;
	m->lens[i] = n;
	m->hashes[i] = h;
	m->vals[i] = val;
	m->len++;
}

static bool strmap_grow(hs_strmap *m)
{
	hs_strmap n;
	memset(&n, 0, sizeof n);
	n.cap = m->cap * 2;
	n.keys = malloc(n.cap * sizeof *n.keys);
	n.lens = malloc(n.cap * sizeof *n.lens);
	n.vals = malloc(n.cap * sizeof *n.vals);
	n.hashes = malloc(n.cap * sizeof *n.hashes);
	if (!n.keys || !n.lens || !n.vals || !n.hashes) {
		hs_strmap_release(&n);
		return false;
	}
	memset(n.vals, 0xff, n.cap * sizeof *n.vals);
	for (size_t i = 0; i < m->cap; i++)
		if (m->vals[i] != UINT32_MAX)
			strmap_place(&n, m->keys[i], m->lens[i], m->hashes[i], m->vals[i]);
	hs_strmap_release(m);
	*m = n;
	return true;
}

static size_t strmap_find(const hs_strmap *m, const char *k, size_t n, uint64_t h)
{
	size_t mask = m->cap - 1, i = h & mask;
	while (m->vals[i] != UINT32_MAX) {
		if (m->hashes[i] == h && m->lens[i] == n && memcmp(m->keys[i], k, n) == 0)
			return i;
		i = (i + 1) & mask;
	}
	return SIZE_MAX;
}

uint32_t hs_strmap_get(const hs_strmap *m, const char *k, size_t n)
{
	return hs_strmap_get_hashed(m, k, n, hs_hash_bytes(k, n));
}

uint32_t hs_strmap_get_hashed(const hs_strmap *m, const char *k, size_t n, uint64_t h)
{
	if (!m->cap)
		return UINT32_MAX;
	size_t i = strmap_find(m, k, n, h);
	return i == SIZE_MAX ? UINT32_MAX : m->vals[i];
}

bool hs_strmap_put_absent(hs_strmap *m, const char *k, size_t n, uint64_t h, uint32_t val)
{
	if ((m->len + 1) * 4 > m->cap * 3 && !strmap_grow(m))
		return false;
	strmap_place(m, k, (uint32_t)n, h, val);
	return true;
}

uint32_t hs_strmap_get_or_put(hs_strmap *m, const char *k, size_t n, uint32_t val)
{
	uint64_t h = hs_hash_bytes(k, n);
	size_t i = strmap_find(m, k, n, h);
	if (i != SIZE_MAX)
		return m->vals[i];
	return hs_strmap_put_absent(m, k, n, h, val) ? val : UINT32_MAX;
}
