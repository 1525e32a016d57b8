/* ELF64 little-endian .symtab, OBJECT and FUNC symbols: names for the
 * globals that data/bss pointers live in, and for the functions whose
 * code a goroutine's creation pc is in (text and data never overlap).  Every offset and size is checked
 * against the file before it is used. */
#include <stdlib.h>
#include <string.h>

#include "../core/partition.h"
#include "heapscope/heapdump.h"
#include "heapscope/load.h"
#include "le.h"

static int by_addr(const void *a, const void *b)
{
	const hs_elf_sym *x = a, *y = b;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

void hs_symtab_init(hs_symtab *s)
{
	memset(s, 0, sizeof *s);
	hs_arena_init(&s->arena);
}

void hs_symtab_release(hs_symtab *s)
{
	free(s->syms);
	hs_arena_release(&s->arena);
	hs_symtab_init(s);
}

/* The .data and .bss sections' addresses, to tell whether the dump came
 * from this executable (the runtime dumps them from the same place). */
static void find_segments(hs_symtab *s, const uint8_t *d, size_t n, uint64_t shoff,
                          uint64_t shentsize, uint64_t shnum)
{
	uint64_t shstrndx = hs_le(d + 0x3e, 2);
	if (shstrndx >= shnum)
		return;
	const uint8_t *names = d + shoff + shstrndx * shentsize;
	uint64_t noff = hs_le(names + 0x18, 8), nsize = hs_le(names + 0x20, 8);
	if (noff > n || nsize > n - noff)
		return;
	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *sh = d + shoff + i * shentsize;
		uint64_t name = hs_le(sh, 4);
		if (name >= nsize)
			continue;
		const char *nm = (const char *)d + noff + name;
		size_t len = strnlen(nm, (size_t)(nsize - name));
		if (len == 5 && memcmp(nm, ".data", 5) == 0)
			s->data_addr = hs_le(sh + 0x10, 8);
		else if (len == 4 && memcmp(nm, ".bss", 4) == 0)
			s->bss_addr = hs_le(sh + 0x10, 8);
	}
}

hs_err hs_symtab_load_buffer(hs_symtab *s, const uint8_t *d, size_t n, hs_error *err)
{
	if (n < 64 || memcmp(d, "\x7f" "ELF", 4) != 0)
		return hs_fail_at(err, HS_E_FORMAT, 0, "not an ELF file");
	if (d[4] != 2 || d[5] != 1)
		return hs_fail_at(err, HS_E_FORMAT, 4, "not a 64-bit little-endian ELF file");
	uint64_t shoff = hs_le(d + 0x28, 8), shentsize = hs_le(d + 0x3a, 2), shnum = hs_le(d + 0x3c, 2);
	if (shentsize < 64 || shoff > n || shnum > (n - shoff) / shentsize)
		return hs_fail_at(err, HS_E_CORRUPT, 0x28, "section headers outside the file");
	find_segments(s, d, n, shoff, shentsize, shnum);
	const uint8_t *symtab = NULL;
	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *sh = d + shoff + i * shentsize;
		if (hs_le(sh + 4, 4) != 2)          /* SHT_SYMTAB */
			continue;
		symtab = sh;
		break;
	}
	if (!symtab)
		return hs_fail(err, HS_E_FORMAT, "no .symtab section (stripped executable?)");
	uint64_t off = hs_le(symtab + 0x18, 8), size = hs_le(symtab + 0x20, 8), link = hs_le(symtab + 0x28, 4);
	uint64_t ent = hs_le(symtab + 0x38, 8);
	if (ent < 24 || off > n || size > n - off || link >= shnum)
		return hs_fail_at(err, HS_E_CORRUPT, (uint64_t)(symtab - d), ".symtab outside the file");
	const uint8_t *str = d + shoff + link * shentsize;
	uint64_t stroff = hs_le(str + 0x18, 8), strsize = hs_le(str + 0x20, 8);
	if (stroff > n || strsize > n - stroff)
		return hs_fail_at(err, HS_E_CORRUPT, (uint64_t)(str - d), ".strtab outside the file");
	size_t count = (size_t)(size / ent);
	s->syms = malloc((count ? count : 1) * sizeof *s->syms);
	if (!s->syms)
		return hs_fail(err, HS_E_NOMEM, NULL);
	for (size_t i = 0; i < count; i++) {
		const uint8_t *e = d + off + i * ent;
		uint64_t name = hs_le(e, 4), value = hs_le(e + 8, 8), sz = hs_le(e + 16, 8);
		unsigned type = e[4] & 0xf;   /* STT_OBJECT 1, STT_FUNC 2 */
		if ((type != 1 && type != 2) || name >= strsize || value == 0)
			continue;
		const char *nm = (const char *)d + stroff + name;
		size_t len = strnlen(nm, (size_t)(strsize - name));
		const char *copy = hs_arena_strndup(&s->arena, nm, len);
		if (!copy)
			return hs_fail(err, HS_E_NOMEM, NULL);
		s->syms[s->n++] = (hs_elf_sym){value, sz, copy};
	}
	qsort(s->syms, s->n, sizeof *s->syms, by_addr);
	return HS_OK;
}

hs_err hs_symtab_load(hs_symtab *s, const char *path, hs_error *err)
{
	hs_input in;
	/* a gzip- or zstd-compressed executable is decompressed whole, up to
	 * 2 GiB (a Go binary is tens of MB) */
	hs_err rc = hs_input_read(&in, path, (uint64_t)2 << 30, err);
	if (rc == HS_OK)
		rc = hs_symtab_load_buffer(s, in.data, in.len, err);
	hs_input_release(&in);
	return rc;
}

struct sym_key { const hs_elf_sym *syms; uint64_t addr; };

static bool sym_at_or_before(const void *ctx, size_t i)
{
	const struct sym_key *k = ctx;
	return k->syms[i].addr <= k->addr;
}

const hs_elf_sym *hs_symtab_lookup(const hs_symtab *s, uint64_t addr, uint64_t *off)
{
	struct sym_key k = {s->syms, addr};
	size_t lo = hs_partition_point(0, s->n, sym_at_or_before, &k);
	/* Zero-sized symbols sit at the same address as real ones: walk back
	 * to the nearest one that covers addr. */
	for (size_t i = lo; i > 0 && lo - i < 4; i--) {
		const hs_elf_sym *y = &s->syms[i - 1];
		if (addr - y->addr < y->size || (y->size == 0 && addr == y->addr)) {
			*off = addr - y->addr;
			return y;
		}
	}
	return NULL;
}

bool hs_symtab_matches(const hs_symtab *s, const hs_heapdump *h)
{
	if (h->data.present && s->data_addr && h->data.addr != s->data_addr)
		return false;
	return !(h->bss.present && s->bss_addr && h->bss.addr != s->bss_addr);
}
