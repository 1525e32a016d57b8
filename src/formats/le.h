/* The n (at most 8) bytes at p as a little-endian unsigned integer: the
 * one reader of ELF, DWARF and core memory fields. */
#ifndef HS_LE_H
#define HS_LE_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t hs_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	while (n > 0)
		v = v << 8 | p[--n];
	return v;
}

#endif
