/* libFuzzer target for the core reader and its DWARF reader.  The first
 * byte picks what the rest is:
 *   even: DWARF sections, "u32 info length, u32 abbrev length, .debug_info,
 *         .debug_abbrev, .debug_str"; bit 1 set: .debug_info is
 *         SHF_COMPRESSED (Elf64_Chdr + zlib);
 *   odd:  "u32 core length, the core, the executable" (plain, gzip or zstd).
 * Any input must load or fail with one error, never crash, hang or
 * allocate by a claimed size; what loads is queried as the goroutine
 * reader queries it, its heap walked as hs_core_heapdump walks it and
 * typed as hs_core_types types it, and its memory profile read as
 * hs_core_heap_profile reads it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/core.h"
#include "../../src/formats/core_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct sections {
	const uint8_t *p[3];
	uint64_t n[3];
	uint64_t info_flags;
} sections;

static const uint8_t *section(void *ctx, const char *name, uint64_t *size, uint64_t *flags)
{
	static const char *const names[3] = {".debug_info", ".debug_abbrev", ".debug_str"};
	sections *s = ctx;
	for (int i = 0; i < 3; i++) {
		if (strcmp(name, names[i]) == 0 && s->p[i]) {
			*size = s->n[i];
			*flags = i == 0 ? s->info_flags : 0;
			return s->p[i];
		}
	}
	return NULL;
}

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void query(const hs_dwarf *d)
{
	static const char *const paths[] = {"sched.pc", "goid", "a", "b.c", ""};
	uint64_t off, addr;
	uint32_t t;
	int64_t v;
	for (size_t i = 0; i < hs_dwarf_ndies(d) && i < 4096; i++) {
		(void)hs_dwarf_name(d, (uint32_t)i);
		(void)hs_dwarf_size(d, (uint32_t)i);
		(void)hs_dwarf_count(d, (uint32_t)i);
		(void)hs_dwarf_go_kind(d, (uint32_t)i);
		for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++)
			(void)hs_dwarf_member(d, (uint32_t)i, paths[k], &off, &t);
		(void)hs_dwarf_target(d, (uint32_t)i);
		(void)hs_dwarf_resolve(d, (uint32_t)i);
		(void)hs_dwarf_tag(d, (uint32_t)i);
		(void)hs_dwarf_runtime_type(d, (uint32_t)i);
		const char *mname;
		size_t k = 0;
		for (int m = 0; m < 64 && hs_dwarf_member_next(d, (uint32_t)i, &k, &mname, &off, &t); m++)
			;
		const char *name = hs_dwarf_name(d, (uint32_t)i);
		(void)hs_dwarf_global(d, name, &addr, &t);
		(void)hs_dwarf_const(d, name, &v);
	}
	(void)hs_dwarf_member(d, hs_dwarf_type(d, "runtime.g"), "sched.pc", &off, &t);
}

static void dwarf_case(const uint8_t *d, size_t n, bool compressed)
{
	if (n < 8)
		return;
	sections s = {.info_flags = compressed ? 0x800 : 0};
	uint64_t li = u32(d), la = u32(d + 4);
	d += 8;
	n -= 8;
	li = li < n ? li : n;
	s.p[0] = d;
	s.n[0] = li;
	la = la < n - li ? la : n - li;
	s.p[1] = d + li;
	s.n[1] = la;
	s.p[2] = d + li + la;
	s.n[2] = n - li - la;
	hs_dwarf *dw;
	hs_error e;
	hs_error_clear(&e);
	if (hs_dwarf_load(&dw, section, &s, &e) == HS_OK) {
		query(dw);
		hs_dwarf_free(dw);
	} else if (e.detail[0] == '\0' && e.code != HS_E_NOMEM) {
		abort();    /* every error says what */
	}
}

static void core_case(const uint8_t *d, size_t n)
{
	if (n < 4)
		return;
	size_t lc = u32(d);
	d += 4;
	n -= 4;
	lc = lc < n ? lc : n;
	hs_core *c;
	hs_core_side side;
	hs_error e;
	hs_error_clear(&e);
	/* cap inflation so that compression bombs stay cheap */
	if (hs_core_open_buffers(&c, d, lc, d + lc, n - lc, 64u << 20, &side, &e) != HS_OK) {
		if (e.detail[0] == '\0' && e.code != HS_E_NOMEM)
			abort();
		return;
	}
	for (int system = 0; system < 2; system++) {
		char *text;
		size_t len;
		hs_error_clear(&e);
		if (hs_core_goroutine_text(c, system, &text, &len, &e) == HS_OK)
			free(text);
	}
	/* the heap walk: spans, bitmaps, roots (every error one line) */
	hs_heapdump h;
	hs_heapdump_init(&h);
	hs_error_clear(&e);
	hs_err rc = hs_core_heapdump(c, &h, &e);
	if (rc != HS_OK && e.detail[0] == '\0' && e.code != HS_E_NOMEM)
		abort();
	/* the types: best effort, only running out of memory fails */
	hs_error_clear(&e);
	if (rc == HS_OK && hs_core_types(c, &h, &e) != HS_OK && e.code != HS_E_NOMEM)
		abort();
	hs_heapdump_release(&h);
	/* the memory profile buckets: a bounded walk of runtime.mbuckets */
	hs_profile p;
	hs_profile_init(&p);
	hs_error_clear(&e);
	if (hs_core_heap_profile(c, &p, &e) != HS_OK && e.detail[0] == '\0' && e.code != HS_E_NOMEM)
		abort();
	hs_profile_release(&p);
	uint8_t buf[64];
	(void)hs_core_read(c, 0x400000, buf, sizeof buf);
	hs_core_close(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		core_case(data + 1, size - 1);
	else
		dwarf_case(data + 1, size - 1, (data[0] & 2) != 0);
	return 0;
}
