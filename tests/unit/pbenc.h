/* Test helper: a tiny protobuf encoder to build profiles byte by byte,
 * so loader tests know every offset they assert. */
#ifndef HS_TEST_PBENC_H
#define HS_TEST_PBENC_H

#include <stdint.h>
#include <string.h>

typedef struct pbuf {
	uint8_t b[8192];
	size_t n;
} pbuf;

static inline void pb_raw_varint(pbuf *p, uint64_t v)
{
	while (v >= 0x80) {
		p->b[p->n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p->b[p->n++] = (uint8_t)v;
}

static inline void pb_uint(pbuf *p, uint32_t field, uint64_t v)
{
	pb_raw_varint(p, (uint64_t)field << 3);
	pb_raw_varint(p, v);
}

static inline void pb_bytes(pbuf *p, uint32_t field, const void *d, size_t n)
{
	pb_raw_varint(p, (uint64_t)field << 3 | 2);
	pb_raw_varint(p, n);
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static inline void pb_msg(pbuf *p, uint32_t field, const pbuf *m)
{
	pb_bytes(p, field, m->b, m->n);
}

static inline void pb_str(pbuf *p, const char *s)
{
	pb_bytes(p, 6, s, strlen(s));
}

#endif
