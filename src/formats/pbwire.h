/* Private: protobuf wire-format reading with byte offsets for errors. */
#ifndef HS_FORMATS_PBWIRE_H
#define HS_FORMATS_PBWIRE_H

#include <stddef.h>
#include <stdint.h>

typedef struct pb_reader {
	const uint8_t *base;   /* start of the whole input: offsets are from here */
	const uint8_t *p, *end;
} pb_reader;

enum { PB_VARINT = 0, PB_I64 = 1, PB_LEN = 2, PB_I32 = 5 };

/* Status of the last read: 0 ok, 1 truncated, 2 overlong varint. */
static inline int pb_varint(pb_reader *r, uint64_t *out)
{
	const uint8_t *p = r->p;
	if (r->end - p >= 10) {
		/* Fast path: no bounds check per byte. */
		uint64_t v = 0;
		for (int shift = 0; shift < 70; shift += 7) {
			uint8_t b = *p++;
			v |= (uint64_t)(b & 0x7f) << shift;
			if (b < 0x80) {
				r->p = p;
				*out = v;
				return 0;
			}
		}
		return 2;
	}
	uint64_t v = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (p >= r->end)
			return 1;
		uint8_t b = *p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (b < 0x80) {
			r->p = p;
			*out = v;
			return 0;
		}
	}
	return 2;
}

static inline uint64_t pb_offset(const pb_reader *r)
{
	return (uint64_t)(r->p - r->base);
}

#endif
