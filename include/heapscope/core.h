/* heapscope: Go process cores (ELF, amd64 and arm64) read with their
 * executable.
 *
 * A core is opened with the executable that wrote it: the core's PT_LOAD
 * segments lie over the executable's (text and rodata a core leaves out
 * come from the executable), the executable's build id note must equal the
 * copy mapped in the core, and the executable's DWARF gives every runtime
 * structure offset (no layout is hard-coded).  doc/format-core.md says
 * what the reader relies on.
 *
 * Ownership: an hs_core owns both inputs (a plain file is mapped, a
 * compressed core keeps only its non-zero 64 KiB blocks).  All reads are
 * bounds-checked; hs_core_read fails on an address the core does not
 * hold. */
#ifndef HEAPSCOPE_CORE_H
#define HEAPSCOPE_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/heapdump.h"
#include "heapscope/load.h"
#include "heapscope/model.h"

typedef struct hs_core hs_core;

/* One thread of the core (NT_PRSTATUS). */
typedef struct hs_core_thread {
	uint64_t tid;
	uint64_t pc, sp, fp;          /* rip, rsp, rbp; pc, sp, x29 */
	uint64_t lr;                  /* arm64's link register x30; 0 on amd64 */
} hs_core_thread;

/* Which input an error of hs_core_open is about. */
typedef enum hs_core_side { HS_CORE_SIDE_CORE, HS_CORE_SIDE_EXE } hs_core_side;

/* True when the bytes start an ELF core (e_type ET_CORE). */
bool hs_core_detect(const uint8_t *data, size_t n);

/* Open a core from an input (hs_input_open: gzip and zstd undone; the
 * input is consumed and released) and its executable's file.  On failure
 * *side says which of the two the error is about. */
hs_err hs_core_open_input(hs_core **out, hs_input *core, const char *exe_path,
                          hs_core_side *side, hs_error *err);
/* The same from buffers (tests, fuzzing); max_bytes caps decompression. */
hs_err hs_core_open_buffers(hs_core **out, const uint8_t *core, size_t core_len,
                            const uint8_t *exe, size_t exe_len, uint64_t max_bytes,
                            hs_core_side *side, hs_error *err);
void hs_core_close(hs_core *c);   /* NULL-safe */

/* Copy n bytes of the process's memory at addr; false when any of them
 * is not in the core nor in the executable. */
bool hs_core_read(const hs_core *c, uint64_t addr, void *dst, size_t n);
bool hs_core_read_u64(const hs_core *c, uint64_t addr, uint64_t *v);
/* Whether every byte of [addr, addr+n) can be read (before allocating n
 * bytes for a length read from the core). */
bool hs_core_holds(const hs_core *c, uint64_t addr, uint64_t n);

size_t hs_core_nthreads(const hs_core *c);
const hs_core_thread *hs_core_thread_at(const hs_core *c, size_t i);
/* The architecture of the core: "amd64" or "arm64" (GOARCH's names). */
const char *hs_core_arch(const hs_core *c);
/* Where the executable was loaded minus where it was linked (PIE). */
uint64_t hs_core_bias(const hs_core *c);
/* The file the process ran (the NT_FILE mapping holding AT_ENTRY), or
 * NULL when the core does not say. */
const char *hs_core_exe_name(const hs_core *c);
/* Bytes of the core that are not zeros, kept in memory or mapped. */
uint64_t hs_core_data_bytes(const hs_core *c);

/* The goroutines of the core as the goroutine-dump loader gives them
 * (runtime.Stack(buf, true) of the process: one sample per goroutine
 * with the same labels), read from runtime.allgs and unwound with the
 * executable's pclntab.  Fills an initialised, empty profile. */
hs_err hs_core_goroutines(hs_core *c, hs_profile *p, hs_error *err);
/* The same goroutines as runtime.Stack's text (a NUL-terminated string
 * the caller frees), which hs_core_goroutines parses.  system: also the
 * runtime's own goroutines, every frame shown (GOTRACEBACK=system without
 * the fp/sp/pc suffixes), as gdb's `info goroutines` lists them. */
hs_err hs_core_goroutine_text(hs_core *c, bool system, char **text, size_t *len, hs_error *err);

/* The runtime's memory profile of the core (runtime.mbuckets, the buckets
 * of runtime.MemProfile) as runtime/pprof.WriteHeapProfile would have
 * written it at that moment: sample types alloc_objects, alloc_space,
 * inuse_objects, inuse_space (inuse as of the last GC cycle the runtime
 * published), period runtime.MemProfileRate, one sample per bucket with
 * its "bytes" label; stacks symbolized with the executable's pclntab,
 * inlined calls merged into their physical call's location.  Fills an
 * initialised, empty profile (src/formats/core_memprof.c). */
hs_err hs_core_heap_profile(hs_core *c, hs_profile *p, hs_error *err);

/* True when the file (plain, gzip or zstd) starts an ELF core. */
bool hs_core_sniff_file(const char *path);

/* The Go heap of the core as the heap-dump loader gives a heap dump
 * (Go 1.19's heap bitmap, Go 1.20-1.21's one-bit bitmap; later layouts
 * are refused by the shape of their
 * DWARF): every object of an in-use span of runtime.mheap_ with its size
 * and the pointers its heap bits mark; roots from the modules' data and
 * bss pointer masks, the goroutines' frames' live pointer slots from the
 * runtime's stack maps (core_stackmaps.c; stack objects whole, frames
 * stopped at no safe point conservatively: every word pointing into an
 * in-use span, a root of the frame it lies in) and finalizers; the objects
 * the memory profile sampled (their specials of kind profile) with their
 * buckets, as a heap dump's alloc samples and memprof records.  No type.  Fills an
 * initialised, empty h. */
hs_err hs_core_heapdump(hs_core *c, hs_heapdump *h, hs_error *err);
/* The executable's global variables from DWARF, at the core's addresses,
 * as symbols naming data and bss roots; fills an initialised s. */
hs_err hs_core_symtab(const hs_core *c, const hs_heapdump *h, hs_symtab *s, hs_error *err);
/* HS_OK when hs_core_heapdump reads the layout of the core's heap;
 * HS_E_FORMAT saying which Go it is when it does not (by DWARF shape). */
hs_err hs_core_heap_layout(hs_core *c, hs_error *err);
/* Open path (a core, plain or compressed) with its executable and read its
 * heap into h, when syms is not NULL its globals into syms, and when
 * goroutines is not NULL (an initialised, empty profile) its goroutines as
 * hs_core_load_profile gives them: one opening for leaks and triage, which
 * read both.  The goroutines are read first; when refused and goroutines
 * are not NULL, a heap layout hs_core_heap_layout refuses is no error:
 * HS_OK with h and syms left empty and the refusal in *refused (its code
 * HS_E_FORMAT; HS_OK when the heap was read).  *side says which of the two
 * files an error is about. */
hs_err hs_core_load_heapdump(hs_heapdump *h, hs_symtab *syms, hs_profile *goroutines,
                             const char *path, const char *exe_path, hs_core_side *side,
                             hs_error *refused, hs_error *err);

/* What to say of a core given where heap dumps are read without --exe,
 * and of one given without its executable. */
#define HS_CORE_HEAP_NOT_READ                                                                  \
	"an ELF core: heapdump reads its heap with --exe, the executable that wrote it"
#define HS_CORE_NEEDS_EXE                                                                      \
	"an ELF core: goroutines, blocking and leaks read it with --exe, the executable that "  \
	"wrote it"

#define HS_CORE_HEAP_NEEDS_EXE                                                                 \
	"an ELF core: top, dot, folded, flame and merge read its heap profile with --exe, the " \
	"executable that wrote it"

/* Load a core as a goroutine profile, or when p->core_heap as its heap
 * profile (hs_core_heap_profile): sniff.c's entry for ET_CORE inputs;
 * exe_path names the executable (NULL: an error asking for --exe). */
hs_err hs_core_load_profile(hs_profile *p, hs_input *in, const char *exe_path, hs_error *err);

#endif
