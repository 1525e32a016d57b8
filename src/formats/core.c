/* ELF cores of Go processes (amd64, arm64) paired with their executable.
 *
 * The core's PT_LOAD segments are the process's memory; bytes past a
 * segment's p_filesz read as zeros, and ranges the core does not hold
 * (text and rodata a kernel core or gcore leaves out) come from the
 * executable's segments shifted by the load bias (AT_ENTRY - e_entry).
 * Every field read from either file is checked against the file's size
 * before use; no allocation follows a size the input claims. */
#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "../core/partition.h"

#define ET_CORE 4
#define EM_X86_64 62
#define EM_AARCH64 183
#define SHF_WRITE 1
#define SHF_ALLOC 2
#define SHF_EXECINSTR 4
#define SHT_NOBITS 8
#define PT_LOAD 1
#define PT_NOTE 4
#define NT_PRSTATUS 1
#define NT_AUXV 6
#define NT_FILE 0x46494c45
#define AT_PHDR 3
#define AT_ENTRY 9
/* Caps on counts read from headers: far above real cores. */
#define MAX_PHDRS 65535
#define MAX_NOTES_BYTES ((uint64_t)64 << 20)
#define MAX_THREADS 100000

/* The architectures read (core_internal.h): the registers of
 * user_regs_struct (amd64: rip 16, rsp 19, rbp 4) and of arm64's
 * user_pt_regs (x0-x30, sp 31, pc 32, pstate), Go's PCQuantum and
 * sys.MinFrameSize (runtime/internal/sys/arch_*.go). */
static const core_arch arches[] = {
	{.name = "amd64", .machine = EM_X86_64, .nregs = 27, .reg_pc = 16, .reg_sp = 19,
	 .reg_fp = 4, .reg_lr = -1, .pc_quantum = 1, .link_register = false, .min_frame = 0,
	 /* a handler starts with the return address (sa_restorer) at sp and
	  * the ucontext above it; uc_mcontext (after uc_flags, uc_link and
	  * the 24-byte stack_t, 40) holds r8..r15, rdi, rsi, rbp, rbx, rdx,
	  * rax, rcx, rsp (15th), rip (16th) */
	 .sig_pc = 40 + 16 * 8, .sig_sp = 40 + 15 * 8},
	{.name = "arm64", .machine = EM_AARCH64, .nregs = 34, .reg_pc = 32, .reg_sp = 31,
	 .reg_fp = 29, .reg_lr = 30, .pc_quantum = 4, .link_register = true, .min_frame = 8},
};

static const core_arch *arch_of(uint64_t machine)
{
	for (size_t i = 0; i < sizeof arches / sizeof arches[0]; i++)
		if (arches[i].machine == machine)
			return &arches[i];
	return NULL;
}

bool hs_core_detect(const uint8_t *d, size_t n)
{
	return n >= 18 && memcmp(d, "\x7f" "ELF", 4) == 0 && d[5] == 1 && hs_le(d + 16, 2) == ET_CORE;
}

/* ---- the core file's bytes ------------------------------------------- */

struct block_key { const core_block *b; uint64_t off; };

static bool block_before(const void *ctx, size_t i)
{
	const struct block_key *k = ctx;
	return k->b[i].off < k->off;
}

static const core_block *find_block(const hs_core *c, uint64_t off)
{
	struct block_key k = {c->blocks, off};
	size_t lo = hs_partition_point(0, c->nblocks, block_before, &k);
	return lo < c->nblocks && c->blocks[lo].off == off ? &c->blocks[lo] : NULL;
}

/* Bytes [off, off+n) of the core file (the caller checked the range). */
static void file_read(const hs_core *c, uint64_t off, uint8_t *dst, size_t n)
{
	if (c->file) {
		memcpy(dst, c->file + off, n);
		return;
	}
	while (n) {
		uint64_t base = off - off % CORE_BLOCK, in = off - base;
		size_t k = (size_t)(CORE_BLOCK - in) < n ? (size_t)(CORE_BLOCK - in) : n;
		const core_block *b = find_block(c, base);
		if (b)
			memcpy(dst, b->data + in, k);
		else
			memset(dst, 0, k);
		dst += k;
		off += k;
		n -= k;
	}
}

static bool all_zero(const uint8_t *p, size_t n)
{
	/* the library's memcmp is vectorized; a byte loop costs seconds on GBs */
	static const uint8_t zeros[4096];
	for (size_t i = 0; i < n; i += sizeof zeros) {
		size_t k = n - i < sizeof zeros ? n - i : sizeof zeros;
		if (memcmp(p + i, zeros, k) != 0)
			return false;
	}
	return true;
}

/* A compressed core: inflate it once, keeping the blocks that are not all
 * zeros (a 700 MB gcore holds a few MB of data) and giving each inflated
 * page back as soon as it is copied. */
static hs_err take_sparse(hs_core *c, hs_input *in, hs_error *err)
{
	size_t cap = 0, have = 0;
	uint64_t pos = 0;
	for (;;) {
		/* wait for 4 MiB at a time: one hand-over with the inflating
		 * thread per 64 blocks, not per block */
		if (have < pos + CORE_BLOCK)
			have = hs_input_wait(in, (size_t)(pos + 64 * CORE_BLOCK));
		if (have <= pos)
			break;
		size_t k = have - pos < CORE_BLOCK ? (size_t)(have - pos) : (size_t)CORE_BLOCK;
		const uint8_t *src = in->data + pos;
		if (!all_zero(src, k)) {
			if (c->nblocks == cap) {
				cap = cap ? cap * 2 : 64;
				core_block *nb = realloc(c->blocks, cap * sizeof *nb);
				if (!nb)
					return hs_fail(err, HS_E_NOMEM, "out of memory reading the core");
				c->blocks = nb;
			}
			uint8_t *copy = calloc(1, CORE_BLOCK);
			if (!copy)
				return hs_fail(err, HS_E_NOMEM, "out of memory reading the core");
			memcpy(copy, src, k);
			c->blocks[c->nblocks++] = (core_block){pos, copy};
			c->data_bytes += k;
		}
		pos += k;
		if (pos % (16 * CORE_BLOCK) == 0 || pos == have)
			hs_input_drop(in, (size_t)pos);
		if (k < CORE_BLOCK && in->complete && have == in->len)
			break;
	}
	c->file_len = pos;
	return hs_input_error(in, err);
}

/* ---- headers ------------------------------------------------------------ */

static int by_vaddr(const void *a, const void *b)
{
	const core_seg *x = a, *y = b;
	return (x->vaddr > y->vaddr) - (x->vaddr < y->vaddr);
}

static hs_err check_elf(const uint8_t *h, uint64_t len, uint16_t want_type,
                        const core_arch **arch, hs_error *err)
{
	if (len < 64 || memcmp(h, "\x7f" "ELF", 4) != 0)
		return hs_fail_at(err, HS_E_FORMAT, 0, "not an ELF file");
	if (h[4] != 2 || h[5] != 1)
		return hs_fail_at(err, HS_E_FORMAT, 4, "not a 64-bit little-endian ELF file");
	uint64_t type = hs_le(h + 16, 2);
	if (want_type == ET_CORE && type != ET_CORE)
		return hs_fail_at(err, HS_E_FORMAT, 16, "not an ELF core file");
	if (want_type != ET_CORE && type != 2 && type != 3)
		return hs_fail_at(err, HS_E_FORMAT, 16, "not an executable (ELF type %u)", (unsigned)type);
	if (!(*arch = arch_of(hs_le(h + 18, 2))))
		return hs_fail_at(err, HS_E_FORMAT, 18,
		                  "unsupported architecture (ELF machine %u; amd64 and arm64 are read)",
		                  (unsigned)hs_le(h + 18, 2));
	return HS_OK;
}

/* The program headers of a file whose first `have` bytes are at h. */
static hs_err read_phdrs(const uint8_t *h, uint64_t have, uint64_t file_len, core_seg **loads,
                         size_t *nloads, core_seg *notes, size_t *nnotes, size_t max_notes,
                         hs_error *err)
{
	uint64_t phoff = hs_le(h + 0x20, 8), phent = hs_le(h + 0x36, 2), phnum = hs_le(h + 0x38, 2);
	if (phnum && (phent < 56 || phnum > MAX_PHDRS))
		return hs_fail_at(err, HS_E_CORRUPT, 0x36, "bad program header size or count");
	if (phoff > have || phnum * phent > have - phoff)
		return hs_fail_at(err, HS_E_TRUNCATED, 0x20,
		                  "truncated: program headers end past the end of the file");
	*loads = calloc(phnum ? phnum : 1, sizeof **loads);
	if (!*loads)
		return hs_fail(err, HS_E_NOMEM, NULL);
	*nloads = 0;
	*nnotes = 0;
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *ph = h + phoff + i * phent;
		core_seg s = {hs_le(ph + 0x10, 8), hs_le(ph + 0x28, 8), hs_le(ph + 0x20, 8), hs_le(ph + 8, 8)};
		uint32_t type = (uint32_t)hs_le(ph, 4);
		if (type != PT_LOAD && type != PT_NOTE)
			continue;
		if (s.offset > file_len || s.filesz > file_len - s.offset)
			return hs_fail_at(err, HS_E_TRUNCATED, phoff + i * phent,
			                  "truncated: program header %llu (%s) needs bytes up to %llu, the "
			                  "file has %llu", (unsigned long long)i,
			                  type == PT_NOTE ? "notes" : "memory",
			                  (unsigned long long)(s.offset + s.filesz),
			                  (unsigned long long)file_len);
		if (type == PT_NOTE) {
			if (*nnotes < max_notes)
				notes[(*nnotes)++] = s;
			continue;
		}
		if (s.filesz > s.memsz || s.vaddr + s.memsz < s.vaddr)
			return hs_fail_at(err, HS_E_CORRUPT, phoff + i * phent,
			                  "segment %llu: bad sizes", (unsigned long long)i);
		if (s.memsz)
			(*loads)[(*nloads)++] = s;
	}
	qsort(*loads, *nloads, sizeof **loads, by_vaddr);
	for (size_t i = 1; i < *nloads; i++)
		if ((*loads)[i].vaddr < (*loads)[i - 1].vaddr + (*loads)[i - 1].memsz)
			return hs_fail(err, HS_E_CORRUPT, "segments at 0x%llx and 0x%llx overlap",
			               (unsigned long long)(*loads)[i - 1].vaddr,
			               (unsigned long long)(*loads)[i].vaddr);
	return HS_OK;
}

/* ---- notes -------------------------------------------------------------- */

static hs_err add_thread(hs_core *c, const uint8_t *d, uint64_t n, uint64_t at, hs_error *err)
{
	/* elf_prstatus: pr_pid at 32, the registers from 112 */
	const core_arch *a = c->arch;
	if (n < 112 + (uint64_t)a->nregs * 8)
		return hs_fail_at(err, HS_E_CORRUPT, at, "NT_PRSTATUS note too short (%llu bytes)",
		                  (unsigned long long)n);
	if (c->nthreads >= MAX_THREADS)
		return hs_fail_at(err, HS_E_LIMIT, at, "more than %d threads", MAX_THREADS);
	hs_core_thread *t = realloc(c->threads, (c->nthreads + 1) * sizeof *t);
	if (!t)
		return hs_fail(err, HS_E_NOMEM, NULL);
	c->threads = t;
	const uint8_t *r = d + 112;
	t[c->nthreads++] = (hs_core_thread){hs_le(d + 32, 4), hs_le(r + a->reg_pc * 8, 8),
	                                    hs_le(r + a->reg_sp * 8, 8), hs_le(r + a->reg_fp * 8, 8),
	                                    a->reg_lr < 0 ? 0 : hs_le(r + a->reg_lr * 8, 8)};
	return HS_OK;
}

static void read_auxv(hs_core *c, const uint8_t *d, uint64_t n)
{
	for (uint64_t i = 0; i + 16 <= n; i += 16) {
		uint64_t key = hs_le(d + i, 8), val = hs_le(d + i + 8, 8);
		if (key == AT_ENTRY)
			c->at_entry = val;
		else if (key == AT_PHDR)
			c->at_phdr = val;
	}
}

/* NT_FILE: count, page size, count (start, end, page offset), the names.
 * The count is believed only as far as the note's bytes go. */
static hs_err read_files(hs_core *c, const uint8_t *d, uint64_t n, uint64_t at, hs_error *err)
{
	if (n < 16 || c->files)
		return HS_OK;
	uint64_t count = hs_le(d, 8), page = hs_le(d + 8, 8);
	if (count > (n - 16) / 24 || page > ((uint64_t)1 << 30))
		return hs_fail_at(err, HS_E_CORRUPT, at, "NT_FILE note: %llu mappings in %llu bytes",
		                  (unsigned long long)count, (unsigned long long)n);
	uint64_t names = 16 + count * 24;
	c->file_names = malloc(n - names + 1);
	c->files = calloc(count ? count : 1, sizeof *c->files);
	if (!c->file_names || !c->files)
		return hs_fail(err, HS_E_NOMEM, NULL);
	memcpy(c->file_names, d + names, n - names);
	c->file_names[n - names] = '\0';
	const char *name = c->file_names, *end = c->file_names + (n - names);
	for (uint64_t i = 0; i < count && name < end; i++) {
		const uint8_t *e = d + 16 + i * 24;
		c->files[c->nfiles++] = (core_file){hs_le(e, 8), hs_le(e + 8, 8), hs_le(e + 16, 8) * page, name};
		name += strlen(name) + 1;
	}
	return HS_OK;
}

const char *hs_core_exe_name(const hs_core *c)
{
	for (size_t i = 0; i < c->nfiles; i++)
		if (c->at_entry >= c->files[i].start && c->at_entry < c->files[i].end)
			return c->files[i].name;
	return NULL;
}

static hs_err read_notes(hs_core *c, const core_seg *note, hs_error *err)
{
	uint64_t n = note->filesz;
	if (n > MAX_NOTES_BYTES)
		return hs_fail_at(err, HS_E_LIMIT, note->offset, "notes of %llu bytes",
		                  (unsigned long long)n);
	uint8_t *d = malloc(n ? n : 1);
	if (!d)
		return hs_fail(err, HS_E_NOMEM, NULL);
	file_read(c, note->offset, d, (size_t)n);
	hs_err rc = HS_OK;
	for (uint64_t i = 0; rc == HS_OK && i + 12 <= n;) {
		uint64_t namesz = hs_le(d + i, 4), descsz = hs_le(d + i + 4, 4), type = hs_le(d + i + 8, 4);
		uint64_t desc = i + 12 + ((namesz + 3) & ~(uint64_t)3);
		if (desc > n || descsz > n - desc) {
			rc = hs_fail_at(err, HS_E_TRUNCATED, note->offset + i,
			                "truncated note (%llu bytes of description)",
			                (unsigned long long)descsz);
			break;
		}
		bool core_name = namesz == 5 && memcmp(d + i + 12, "CORE", 5) == 0;
		if (core_name && type == NT_PRSTATUS)
			rc = add_thread(c, d + desc, descsz, note->offset + desc, err);
		else if (core_name && type == NT_AUXV)
			read_auxv(c, d + desc, descsz);
		else if (core_name && type == NT_FILE)
			rc = read_files(c, d + desc, descsz, note->offset + desc, err);
		i = desc + ((descsz + 3) & ~(uint64_t)3);
	}
	free(d);
	return rc;
}

/* ---- memory ------------------------------------------------------------- */

struct seg_key { const core_seg *s; uint64_t addr; };

static bool seg_at_or_before(const void *ctx, size_t i)
{
	const struct seg_key *k = ctx;
	return k->s[i].vaddr <= k->addr;
}

static const core_seg *seg_at(const core_seg *s, size_t n, uint64_t addr)
{
	struct seg_key k = {s, addr};
	size_t lo = hs_partition_point(0, n, seg_at_or_before, &k);
	if (lo == 0 || addr - s[lo - 1].vaddr >= s[lo - 1].memsz)
		return NULL;
	return &s[lo - 1];
}

/* Copy what one segment (of the core, then of the executable) holds at
 * addr: the bytes copied, 0 when neither holds addr. */
static size_t read_some(const hs_core *c, uint64_t addr, uint8_t *dst, size_t n)
{
	const core_seg *s = seg_at(c->segs, c->nsegs, addr);
	uint64_t in = s ? addr - s->vaddr : 0;
	if (s && in < s->filesz) {
		size_t k = s->filesz - in < n ? (size_t)(s->filesz - in) : n;
		file_read(c, s->offset + in, dst, k);
		return k;
	}
	const core_seg *e = addr >= c->bias ? seg_at(c->exe_segs, c->nexe_segs, addr - c->bias) : NULL;
	if (e) {
		uint64_t ein = addr - c->bias - e->vaddr;
		size_t k = e->memsz - ein < n ? (size_t)(e->memsz - ein) : n;
		if (ein < e->filesz) {
			k = e->filesz - ein < k ? (size_t)(e->filesz - ein) : k;
			memcpy(dst, c->exe + e->offset + ein, k);
		} else {
			memset(dst, 0, k);
		}
		return k;
	}
	if (s) {     /* past p_filesz: zeros */
		size_t k = s->memsz - in < n ? (size_t)(s->memsz - in) : n;
		memset(dst, 0, k);
		return k;
	}
	return 0;
}

bool hs_core_read(const hs_core *c, uint64_t addr, void *dst, size_t n)
{
	uint8_t *d = dst;
	while (n) {
		size_t k = read_some(c, addr, d, n);
		if (!k)
			return false;
		d += k;
		addr += k;
		n -= k;
	}
	return true;
}

/* Bytes one segment (of the core or the executable) holds from addr on,
 * 0 when none: what read_some would copy, without copying. */
static uint64_t held_from(const hs_core *c, uint64_t addr)
{
	const core_seg *s = seg_at(c->segs, c->nsegs, addr);
	const core_seg *e = addr >= c->bias ? seg_at(c->exe_segs, c->nexe_segs, addr - c->bias) : NULL;
	uint64_t a = s ? s->memsz - (addr - s->vaddr) : 0;
	uint64_t b = e ? e->memsz - (addr - c->bias - e->vaddr) : 0;
	return a > b ? a : b;
}

bool hs_core_holds(const hs_core *c, uint64_t addr, uint64_t n)
{
	while (n) {
		uint64_t k = held_from(c, addr);
		if (!k)
			return false;
		k = k < n ? k : n;
		addr += k;
		n -= k;
	}
	return true;
}

bool hs_core_read_u64(const hs_core *c, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];
	if (!hs_core_read(c, addr, b, 8))
		return false;
	*v = hs_le(b, 8);
	return true;
}

size_t hs_core_nthreads(const hs_core *c) { return c->nthreads; }
const hs_core_thread *hs_core_thread_at(const hs_core *c, size_t i) { return &c->threads[i]; }
uint64_t hs_core_bias(const hs_core *c) { return c->bias; }
const char *hs_core_arch(const hs_core *c) { return c->arch->name; }
uint64_t hs_core_data_bytes(const hs_core *c) { return c->data_bytes; }

/* ---- the executable ------------------------------------------------------- */

const uint8_t *hs_core_exe_section(const hs_core *c, const char *name, uint64_t *size,
                                   uint64_t *flags)
{
	const uint8_t *d = c->exe;
	uint64_t n = c->exe_len;
	uint64_t shoff = hs_le(d + 0x28, 8), shent = hs_le(d + 0x3a, 2), shnum = hs_le(d + 0x3c, 2);
	uint64_t shstrndx = hs_le(d + 0x3e, 2);
	if (shent < 64 || shoff > n || shnum > (n - shoff) / shent || shstrndx >= shnum)
		return NULL;
	const uint8_t *strs = d + shoff + shstrndx * shent;
	uint64_t soff = hs_le(strs + 0x18, 8), ssize = hs_le(strs + 0x20, 8);
	if (soff > n || ssize > n - soff)
		return NULL;
	size_t want = strlen(name);
	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *sh = d + shoff + i * shent;
		uint64_t nm = hs_le(sh, 4);
		if (nm >= ssize || ssize - nm <= want || memcmp(d + soff + nm, name, want + 1) != 0)
			continue;
		uint64_t off = hs_le(sh + 0x18, 8), sz = hs_le(sh + 0x20, 8);
		if (hs_le(sh + 4, 4) == 8 || off > n || sz > n - off)   /* SHT_NOBITS */
			return NULL;
		*size = sz;
		if (flags)
			*flags = hs_le(sh + 8, 8);
		return d + off;
	}
	return NULL;
}

/* Whether the core's file holds [addr, addr + n) of the process, and
 * where: one segment's file bytes. */
static bool core_holds_bytes(const hs_core *c, uint64_t addr, uint64_t n, uint64_t *off)
{
	const core_seg *s = seg_at(c->segs, c->nsegs, addr);
	if (!s || addr - s->vaddr > s->filesz || n > s->filesz - (addr - s->vaddr))
		return false;
	*off = s->offset + (addr - s->vaddr);
	return true;
}

/* Whether the core's copy of [addr, addr + n) equals the executable's
 * bytes at off (the caller checked that the core holds them). */
static bool same_bytes(const hs_core *c, uint64_t core_off, uint64_t exe_off, uint64_t n)
{
	uint8_t buf[4096];
	for (uint64_t i = 0; i < n; i += sizeof buf) {
		size_t k = n - i < sizeof buf ? (size_t)(n - i) : sizeof buf;
		file_read(c, core_off + i, buf, k);
		if (memcmp(buf, c->exe + exe_off + i, k) != 0)
			return false;
	}
	return true;
}

static hs_err wrong_exe(const hs_core *c, hs_error *err)
{
	const char *ran = hs_core_exe_name(c);
	return hs_fail(err, HS_E_FORMAT, "not the executable that wrote the core (build ids "
	               "differ%s%.120s)", ran ? "; the core ran " : "", ran ? ran : "");
}

/* The read-only data sections of the executable (allocated, neither
 * writable nor code, with bytes in the file) that the core holds whole
 * must have the same bytes there: how many were compared, -1 when one
 * differs.  (Bytes between sections are not compared: objcopy moves
 * what is there.) */
static int same_rodata(const hs_core *c)
{
	const uint8_t *d = c->exe;
	uint64_t n = c->exe_len;
	uint64_t shoff = hs_le(d + 0x28, 8), shent = hs_le(d + 0x3a, 2), shnum = hs_le(d + 0x3c, 2);
	if (shent < 64 || shoff > n || shnum > (n - shoff) / shent)
		return 0;
	int compared = 0;
	for (uint64_t i = 0; i < shnum; i++) {
		const uint8_t *sh = d + shoff + i * shent;
		uint64_t flags = hs_le(sh + 8, 8), addr = hs_le(sh + 0x10, 8), off = hs_le(sh + 0x18, 8),
		         size = hs_le(sh + 0x20, 8), at;
		if ((flags & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR)) != SHF_ALLOC ||
		    hs_le(sh + 4, 4) == SHT_NOBITS || !size || off > n || size > n - off ||
		    !core_holds_bytes(c, addr + c->bias, size, &at))
			continue;
		if (!same_bytes(c, at, off, size))
			return -1;
		compared++;
	}
	return compared;
}

/* The executable's build id notes (Go's, and the GNU one of external
 * linking) must be in the core, at the same place, with the same bytes:
 * otherwise the core was written by another build.  A core without a
 * copy of them (qemu-user leaves out code pages that start with an ELF
 * header, the notes' page) must hold the executable's read-only data
 * (rodata, pclntab, type links) with the same bytes. */
static hs_err check_build_id(hs_core *c, const core_seg *notes, size_t nnotes, hs_error *err)
{
	if (nnotes == 0)
		return hs_fail(err, HS_E_FORMAT,
		               "the executable has no build id note: cannot tell it wrote this core");
	uint64_t off, unheld = 0;
	for (size_t i = 0; i < nnotes; i++) {
		uint64_t n = notes[i].filesz < 4096 ? notes[i].filesz : 4096;
		uint64_t addr = notes[i].vaddr + c->bias;
		if (!core_holds_bytes(c, addr, n, &off)) {
			unheld = addr;
			continue;
		}
		if (!same_bytes(c, off, notes[i].offset, n))
			return wrong_exe(c, err);
	}
	if (!unheld)
		return HS_OK;
	int same = same_rodata(c);
	if (same < 0)
		return hs_fail(err, HS_E_FORMAT, "not the executable that wrote the core (the core "
		               "holds no build id, and its read-only data differ)");
	if (same == 0)
		return hs_fail(err, HS_E_FORMAT,
		               "the core holds no copy of the executable's build id (0x%llx) nor of "
		               "its read-only data: cannot tell it was written by this executable",
		               (unsigned long long)unheld);
	return HS_OK;
}

static hs_err open_exe(hs_core *c, hs_error *err)
{
	const core_arch *arch;
	hs_err rc = check_elf(c->exe, c->exe_len, 2, &arch, err);
	if (rc)
		return rc;
	if (arch != c->arch)
		return hs_fail(err, HS_E_FORMAT, "not the executable that wrote the core (an %s "
		               "executable, the core is %s)", arch->name, c->arch->name);
	core_seg notes[8];
	size_t nnotes;
	if ((rc = read_phdrs(c->exe, c->exe_len, c->exe_len, &c->exe_segs, &c->nexe_segs, notes,
	                     &nnotes, 8, err)))
		return rc;
	c->exe_entry = hs_le(c->exe + 0x18, 8);
	bool pie = hs_le(c->exe + 16, 2) == 3;
	if (c->at_entry)
		c->bias = c->at_entry - c->exe_entry;
	if (!pie && c->bias)
		return hs_fail(err, HS_E_FORMAT,
		               "not the executable that wrote the core (entry 0x%llx, the core's 0x%llx)",
		               (unsigned long long)c->exe_entry, (unsigned long long)c->at_entry);
	if (pie && !c->at_entry)
		return hs_fail(err, HS_E_FORMAT, "a position-independent executable, and the core "
		               "has no auxiliary vector to tell where it was loaded");
	if ((rc = check_build_id(c, notes, nnotes, err)))
		return rc;
	return hs_dwarf_open(&c->dwarf, c, err);
}

static hs_err open_core(hs_core *c, hs_input *in, hs_error *err)
{
	size_t head = hs_input_wait(in, 64);
	hs_err rc = check_elf(in->data, head, ET_CORE, &c->arch, err);
	if (rc)
		return rc;
	uint64_t phoff = hs_le(in->data + 0x20, 8), phnum = hs_le(in->data + 0x38, 2);
	uint64_t need = phoff < ((uint64_t)1 << 40) ? phoff + phnum * 56 : 0;
	uint8_t *hdr = NULL;
	size_t want = need > 64 ? (size_t)need : 64;
	size_t have = hs_input_wait(in, want);
	have = have < want ? have : want;
	/* the headers are copied: a compressed input's pages go away */
	if (!(hdr = malloc(have ? have : 1)))
		return hs_fail(err, HS_E_NOMEM, NULL);
	memcpy(hdr, in->data, have);
	if (in->compressed) {
		rc = take_sparse(c, in, err);
	} else {
		hs_input_wait(in, SIZE_MAX);
		rc = hs_input_error(in, err);
		c->file = in->data;
		c->file_len = in->len;
		c->data_bytes = in->len;
	}
	core_seg notes[4];
	size_t nnotes = 0;
	if (rc == HS_OK)
		rc = read_phdrs(hdr, have, c->file_len, &c->segs, &c->nsegs, notes, &nnotes, 4, err);
	free(hdr);
	for (size_t i = 0; rc == HS_OK && i < nnotes; i++)
		rc = read_notes(c, &notes[i], err);
	if (rc == HS_OK && c->nsegs == 0)
		rc = hs_fail(err, HS_E_FORMAT, "the core has no memory segments");
	return rc;
}

static hs_err open_both(hs_core **out, hs_input *core, hs_input *exe, hs_core_side *side,
                        hs_error *err)
{
	*out = NULL;
	*side = HS_CORE_SIDE_CORE;
	hs_core *c = calloc(1, sizeof *c);
	if (!c) {
		hs_input_release(core);
		hs_input_release(exe);
		return hs_fail(err, HS_E_NOMEM, NULL);
	}
	c->in = *core;
	c->exe_in = *exe;
	c->exe = c->exe_in.data;
	c->exe_len = c->exe_in.len;
	/* what the executable alone says is wrong is said before the core is
	 * inflated (seconds for a large compressed core) */
	*side = HS_CORE_SIDE_EXE;
	uint64_t n;
	const core_arch *arch;
	hs_err rc = check_elf(c->exe, c->exe_len, 2, &arch, err);
	if (rc == HS_OK && !hs_core_exe_section(c, ".debug_info", &n, NULL) &&
	    !hs_core_exe_section(c, ".zdebug_info", &n, NULL))
		rc = hs_fail(err, HS_E_FORMAT, HS_DWARF_STRIPPED);
	if (rc == HS_OK) {
		*side = HS_CORE_SIDE_CORE;
		rc = open_core(c, &c->in, err);
	}
	if (rc == HS_OK && c->in.compressed) {
		hs_input_release(&c->in);
		memset(&c->in, 0, sizeof c->in);
	}
	if (rc == HS_OK) {
		*side = HS_CORE_SIDE_EXE;
		rc = open_exe(c, err);
	}
	if (rc != HS_OK) {
		hs_core_close(c);
		return rc;
	}
	*out = c;
	return HS_OK;
}

hs_err hs_core_open_input(hs_core **out, hs_input *core, const char *exe_path,
                          hs_core_side *side, hs_error *err)
{
	hs_input exe;
	/* an executable is decompressed whole (tens of MB), up to 2 GiB */
	hs_err rc = hs_input_read(&exe, exe_path, (uint64_t)2 << 30, err);
	if (rc != HS_OK) {
		*out = NULL;
		*side = HS_CORE_SIDE_EXE;
		hs_input_release(core);
		return rc;
	}
	return open_both(out, core, &exe, side, err);
}

hs_err hs_core_open_buffers(hs_core **out, const uint8_t *core, size_t core_len,
                            const uint8_t *exe, size_t exe_len, uint64_t max_bytes,
                            hs_core_side *side, hs_error *err)
{
	hs_input ci, ei;
	*out = NULL;
	*side = HS_CORE_SIDE_CORE;
	/* a failed hs_input_from_buffer may hold what it inflated: released */
	hs_err rc = hs_input_from_buffer(&ci, core, core_len, max_bytes, err);
	if (rc != HS_OK) {
		hs_input_release(&ci);
		return rc;
	}
	*side = HS_CORE_SIDE_EXE;
	if ((rc = hs_input_from_buffer(&ei, exe, exe_len, max_bytes, err)) == HS_OK) {
		hs_input_wait(&ei, SIZE_MAX);
		rc = hs_input_error(&ei, err);
	}
	if (rc != HS_OK) {
		hs_input_release(&ei);
		hs_input_release(&ci);
		return rc;
	}
	return open_both(out, &ci, &ei, side, err);
}

void hs_core_close(hs_core *c)
{
	if (!c)
		return;
	hs_dwarf_free(c->dwarf);
	for (size_t i = 0; i < c->nblocks; i++)
		free(c->blocks[i].data);
	free(c->blocks);
	free(c->segs);
	free(c->threads);
	free(c->files);
	free(c->file_names);
	free(c->exe_segs);
	if (c->in.data || c->in.map)
		hs_input_release(&c->in);
	hs_input_release(&c->exe_in);
	free(c);
}
