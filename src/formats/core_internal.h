/* Private to the core reader (core.c, core_goroutines.c, pclntab.c). */
#ifndef HS_CORE_INTERNAL_H
#define HS_CORE_INTERNAL_H

#include "heapscope/core.h"
#include "dwarf.h"
#include "le.h"

/* What differs between the architectures a core comes from, one row per
 * ELF e_machine (core.c's table); everything else is read from DWARF. */
typedef struct core_arch {
	const char *name;             /* GOARCH's */
	uint16_t machine;             /* e_machine */
	/* NT_PRSTATUS: pr_pid at 32, pr_reg (nregs 64-bit registers) at 112;
	 * the indices of pc, sp, the frame pointer and the link register
	 * (-1: none) */
	uint32_t nregs;
	int reg_pc, reg_sp, reg_fp, reg_lr;
	/* pclntab's pc quantum (pcHeader.minLC): pc deltas count these */
	uint32_t pc_quantum;
	/* Return addresses: false, pushed by CALL just below the frame's
	 * top (fp - 8; fp = sp + sp delta + 8); true, in the link register,
	 * which a frame that has one (sp delta > 0) stores at 0(sp), and a
	 * frame's arguments start min_frame bytes above its fp
	 * (sys.MinFrameSize; fp = sp + sp delta). */
	bool link_register;
	uint32_t min_frame;
	/* The kernel's signal frame (Linux uapi asm/ucontext.h and
	 * asm/sigcontext.h): the interrupted pc and sp at these offsets above
	 * the top of runtime.sigtramp's frame, 0: not known.  The runtime
	 * reads the same words (sigctxt.regs); they are the kernel's ABI, and
	 * Go's DWARF has no runtime.ucontext to read them from. */
	uint32_t sig_pc, sig_sp;
} core_arch;

/* A PT_LOAD segment of the core or of the executable. */
typedef struct core_seg {
	uint64_t vaddr, memsz, filesz, offset;
} core_seg;

/* A non-zero 64 KiB block of a compressed core, by file offset. */
typedef struct core_block {
	uint64_t off;
	uint8_t *data;
} core_block;

#define CORE_BLOCK ((uint64_t)64 << 10)

/* A file mapping of NT_FILE. */
typedef struct core_file {
	uint64_t start, end, offset;  /* offset in bytes */
	const char *name;             /* into hs_core.file_names */
} core_file;

struct hs_core {
	const core_arch *arch;        /* by the core's e_machine */
	/* The core file: contiguous (mapped or a caller's buffer), or sparse. */
	hs_input in;                  /* a plain file: owns the mapping */
	const uint8_t *file;          /* contiguous bytes, or NULL: blocks */
	uint64_t file_len;
	core_block *blocks;           /* sorted by off */
	size_t nblocks;
	core_seg *segs;               /* sorted by vaddr */
	size_t nsegs;
	hs_core_thread *threads;
	size_t nthreads;
	uint64_t at_entry, at_phdr;
	core_file *files;             /* NT_FILE: the mapped files */
	size_t nfiles;
	char *file_names;             /* their names, NUL-separated (owned) */
	/* The executable, decompressed. */
	hs_input exe_in;
	const uint8_t *exe;
	size_t exe_len;
	core_seg *exe_segs;
	size_t nexe_segs;
	uint64_t exe_entry, bias;
	uint64_t data_bytes;
	hs_dwarf *dwarf;
};

/* A section of the executable by name (NULL when absent or outside the
 * file); SHF_COMPRESSED is not undone here. */
const uint8_t *hs_core_exe_section(const hs_core *c, const char *name, uint64_t *size,
                                   uint64_t *flags);

/* An error about the executable, prefixed "--exe 'EXE': " (the file an
 * error line names is the core). */
hs_err core_exe_error(hs_error *err, hs_err rc, const char *exe_path);

/* A frame of a goroutine's stack: [sp, fp) is its part of the stack;
 * its locals end at varp (below the return address on amd64 and the
 * saved frame pointer), its arguments start at argp (fp, plus the saved
 * LR's word on arm64), as traceback.go computes them. */
typedef struct core_gframe {
	uint64_t pc, sp, fp, varp, argp;
	const char *func;             /* valid during the callback only */
} core_gframe;

/* A goroutine of runtime.allgs that is not dead. */
struct pcln;

typedef struct core_ginfo {
	uint64_t addr, goid, gopc, status, waitsince, stack_lo, stack_hi;
	const struct pcln *pcln;      /* the walk's pclntab (pclntab.h) */
	uint64_t sp;                  /* where its walk started */
	bool system;                  /* the runtime's own */
	const char *waitreason;       /* "" unless waiting; valid during the callback */
} core_ginfo;

typedef hs_err (*core_g_fn)(void *ctx, const core_ginfo *g, const core_gframe *frames,
                            size_t nframes, hs_error *err);
/* Every goroutine of runtime.allgs that is not dead, its frames innermost
 * first (core_goroutines.c); stops at the first error fn returns.  t: the
 * core's pclntab already open (pclntab.h, read only, the caller's), or NULL
 * to open one for the walk. */
hs_err core_each_goroutine(hs_core *c, const struct pcln *t, core_g_fn fn, void *ctx,
                           hs_error *err);

/* A Go map's layout (Go 1.19-1.23: hash<K,V> and bucket<K,V> of the
 * linker's DWARF; core_types.c): offsets in the header and the bucket,
 * slots per bucket, and the key and value types of a slot. */
typedef struct core_map {
	uint64_t count, b, buckets, oldbuckets;    /* in hash<K,V> */
	uint32_t bucket;                           /* bucket<K,V> */
	uint64_t bsize, tophash, keys, values, overflow, nslots;
	uint32_t ktype, vtype;                     /* a slot's key and value (maybe *K, *V) */
	uint64_t ksize, vsize;
	int64_t min_top_hash;                      /* runtime.minTopHash, -1: absent */
} core_map;

/* The layout of the map header type hash (a hash<K,V> struct). */
bool core_map_layout(const hs_dwarf *d, uint32_t hash, core_map *m);

/* Each entry of the map whose header is at hmap, its buckets then the
 * old buckets not yet evacuated: fn gets the addresses of the slot's key
 * and value and returns false to stop.  At most max_buckets buckets
 * (overflow ones included) are read.  False: the map cannot be read
 * (no runtime.minTopHash, B out of range, header not in the core). */
typedef bool (*core_map_fn)(void *ctx, uint64_t key, uint64_t value);
bool core_map_each(const hs_core *c, const core_map *m, uint64_t hmap, uint64_t max_buckets,
                   core_map_fn fn, void *ctx);

/* Name the heap objects of h (hs_core_heapdump's) by Go type, from the
 * typed globals through typed pointers (core_types.c): fills
 * h->obj_type, obj_count and type_names.  HS_E_NOMEM only: a type that
 * cannot be followed leaves its objects untyped. */
hs_err hs_core_types(hs_core *c, hs_heapdump *h, hs_error *err);
/* The memory profile's buckets (runtime.mbuckets) as a heap dump's memprof
 * records: id the bucket's address, its allocation size, allocs and frees
 * as runtime.MemProfile reads them, the stack symbolized one frame a PC
 * (inlined calls have their own PCs), leaf first; and runtime.MemProfileRate.
 * A layout this Go does not have, or a broken bucket list, leaves h without
 * buckets (h->memprof_broken says the latter): the heap is read all the
 * same (src/formats/core_memprof.c).  t: the core's pclntab already open
 * (read only, the caller's), or NULL to open one. */
hs_err core_memprof_buckets(hs_core *c, const struct pcln *t, hs_heapdump *h, hs_error *err);

#endif
