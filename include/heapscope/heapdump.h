/* heapscope: Go heap dumps (runtime/debug.WriteHeapDump, "go1.7 heap dump"
 * as Go 1.19 writes it) and what keeps their bytes alive.
 *
 * The loader streams the records (plain, gzip or zstd) and keeps objects
 * compact: address, size and outgoing edges in one CSR array whose entries
 * are object indices (a pointer into the middle of an object is an edge to
 * it).  Everything the loader and the analyses return lives until
 * hs_heapdump_release / hs_hd_analysis_release.  See doc/format-heapdump.md.
 *
 * The analyses (src/core/heapdump_*.c) never print: reachability from the
 * roots, the dominator tree over a virtual super-root, retained sizes,
 * leak suspects in the manner of Eclipse MAT, histograms. */
#ifndef HEAPSCOPE_HEAPDUMP_H
#define HEAPSCOPE_HEAPDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/error.h"
#include "heapscope/model.h"

#define HS_HD_NONE UINT32_MAX
#define HS_HD_PAGE_SHIFT 13

typedef enum hs_hd_root_kind {
	HS_HD_ROOT_DATA,        /* a pointer slot in the data segment */
	HS_HD_ROOT_BSS,         /* ... in the bss segment */
	HS_HD_ROOT_FRAME,       /* a live pointer slot of a goroutine's stack frame */
	HS_HD_ROOT_FINALIZER,   /* an object with a finalizer: keeps its referents */
	HS_HD_ROOT_QUEUED,      /* an object whose finalizer is queued: keeps itself */
	HS_HD_ROOT_OTHER,       /* "other root" record, with its description */
	HS_HD_ROOT_GOROUTINE,   /* a goroutine's context, defer or panic pointer */
	HS_HD_ROOT_NKINDS
} hs_hd_root_kind;

/* One pointer from outside the heap to an object. */
typedef struct hs_hd_root {
	uint8_t kind;           /* hs_hd_root_kind */
	uint32_t target;        /* object index */
	uint32_t frame;         /* FRAME: index into frames; else HS_HD_NONE */
	uint32_t goroutine;     /* FRAME, GOROUTINE: index into goroutines */
	bool referents_only;    /* FINALIZER object: its referents, not itself */
	uint64_t where;         /* address of the slot (data/bss/frame), else 0 */
	uint64_t ptr;           /* the pointer as dumped */
	const char *desc;       /* OTHER: its description; FINALIZER/QUEUED: NULL */
} hs_hd_root;

/* A core's object with a finalizer, from its span's specials: ot, the *T
 * SetFinalizer was given (runtime.specialfinalizer.ot, a runtime type
 * address; 0 unread).  In the runtime's own order: span is the span's
 * index in runtime.mheap_.allspans, nth the special's place in the span's
 * list (hs_core_types types the objects in that order). */
typedef struct hs_hd_finalized {
	uint64_t obj, ot;
	uint32_t span, nth;
} hs_hd_finalized;

typedef struct hs_hd_goroutine {
	uint64_t addr, goid, gopc, status, waitsince;
	bool system;
	const char *waitreason;
	uint32_t first_frame, nframes;   /* frames, innermost first */
} hs_hd_goroutine;

typedef struct hs_hd_frame {
	uint64_t sp, depth, entry, pc;
	const char *func;
	uint32_t goroutine;
} hs_hd_frame;

typedef struct hs_hd_site_frame {
	const char *func, *file;
	uint64_t line;
} hs_hd_site_frame;

/* A memprof bucket: one allocation stack, leaf first. */
typedef struct hs_hd_bucket {
	uint64_t id, size, allocs, frees;
	uint32_t first, nframes;          /* into site_frames */
} hs_hd_bucket;

typedef struct hs_hd_segment {
	uint64_t addr, len;
	bool present;
} hs_hd_segment;

typedef struct hs_heapdump {
	hs_arena arena;                   /* strings */
	/* params */
	bool big_endian;
	uint64_t ptr_size, arena_start, arena_end, ncpu;
	const char *arch, *go_version;
	/* objects, sorted by address (hs_heapdump_addr) */
	size_t nobjects;
	uint64_t *addr;                   /* private: NULL when addr_lo holds them */
	uint32_t *size;                   /* objects of 4 GiB or more: HS_E_LIMIT */
	uint32_t *page_first;             /* private: first object per page, or NULL */
	uint64_t page_base, npages;
	uint16_t *addr_lo;                /* private: with page_first, each object's
	                                   * offset in the page it starts in */
	uint32_t *edge_start;             /* nobjects + 1 entries */
	uint32_t *edges;                  /* object indices */
	/* alloc samples, sparse (Go samples one allocation per 512 KiB by
	 * default): object indices ascending, and each one's bucket */
	size_t nsampled;
	uint32_t *sample_obj, *sample_bucket;
	uint64_t total_bytes;
	/* Go types of objects (a core's, from DWARF: heap dumps have none):
	 * object i is type_names[obj_type[i]] ("main.page", "[]*main.page"),
	 * HS_HD_NONE when untyped; obj_count[i] is the elements of an array
	 * or slice backing array ("[]*main.page (4096)"), 0 for one value.
	 * Both NULL when no object is typed. */
	uint32_t *obj_type, *obj_count;
	const char **type_names;          /* strings in arena */
	size_t ntype_names;
	uint64_t dangling;                /* heap pointers that hit no object */
	hs_vec roots;                     /* hs_hd_root */
	hs_vec finalized;                 /* hs_hd_finalized: a core's; a heap dump's none */
	hs_vec goroutines;                /* hs_hd_goroutine */
	hs_vec frames;                    /* hs_hd_frame */
	hs_vec buckets;                   /* hs_hd_bucket */
	hs_vec site_frames;               /* hs_hd_site_frame */
	/* runtime.MemProfileRate when known (a core's; a heap dump does not
	 * record it): one sample per memprof_rate allocated bytes on average */
	int64_t memprof_rate;
	bool has_memprof_rate;
	bool memprof_broken;              /* a core's bucket list could not be read */
	hs_hd_segment data, bss;
	uint64_t memstats[281];           /* runtime.MemStats in record order */
	bool has_memstats;
	uint64_t ntypes, nitabs, nthreads, nalloc_samples, nrecords;
	uint64_t input_bytes;             /* decompressed bytes read */
	const char *compression;          /* "none", "gzip", "zstd" */
} hs_heapdump;

/* ELF symbols of type OBJECT and FUNC from an executable's .symtab, sorted. */
typedef struct hs_elf_sym {
	uint64_t addr, size;
	const char *name;
} hs_elf_sym;
typedef struct hs_symtab {
	hs_arena arena;
	size_t n;
	hs_elf_sym *syms;
	uint64_t data_addr, bss_addr;    /* .data and .bss sections, 0 if absent */
} hs_symtab;

void hs_heapdump_init(hs_heapdump *h);
void hs_heapdump_release(hs_heapdump *h);
/* True when the bytes start with the heap dump header. */
bool hs_heapdump_detect(const uint8_t *data, size_t n);
/* True when the (possibly compressed) file holds a heap dump. */
bool hs_heapdump_sniff_file(const char *path);
/* Load a file: plain, gzip or zstd, streamed.  A malformed or cut dump is
 * one error with the byte offset (of the decompressed stream) where the
 * bad record starts or the input ends. */
hs_err hs_heapdump_load(hs_heapdump *h, const char *path, hs_error *err);
/* The same from memory, plain, gzip or zstd (fuzzing and tests);
 * max_bytes caps the decompressed size (0: no cap). */
hs_err hs_heapdump_load_buffer(hs_heapdump *h, const uint8_t *data, size_t n, uint64_t max_bytes,
                               hs_error *err);

/* The address of object i. */
uint64_t hs_heapdump_addr(const hs_heapdump *h, uint32_t i);
/* Index of the object containing addr, or HS_HD_NONE. */
uint32_t hs_heapdump_find(const hs_heapdump *h, uint64_t addr);

void hs_symtab_init(hs_symtab *s);
void hs_symtab_release(hs_symtab *s);
/* Read an ELF64 little-endian executable's .symtab (OBJECT and FUNC symbols). */
hs_err hs_symtab_load(hs_symtab *s, const char *path, hs_error *err);
hs_err hs_symtab_load_buffer(hs_symtab *s, const uint8_t *data, size_t n, hs_error *err);
/* False when the executable cannot be the one that wrote the dump: its
 * .data or .bss section is not where the dump's data or bss segment is. */
bool hs_symtab_matches(const hs_symtab *s, const hs_heapdump *h);
/* The symbol covering addr (offset into *off), or NULL. */
const hs_elf_sym *hs_symtab_lookup(const hs_symtab *s, uint64_t addr, uint64_t *off);

/* ---- the dump's goroutines, as a goroutine dump ---- */

/* Fill an initialized p with the dump's goroutines as the goroutine-dump
 * loader models a ?debug=2 dump (format HS_FMT_GOROUTINE_DUMP, sample
 * type goroutine/count, one sample of 1 per goroutine, labels "state" and
 * "created_by"), so goroutines, blocking and leaks read them as they read
 * a goroutine dump:
 *   - system goroutines (the dump's flag) are left out, as a debug=2 dump
 *     leaves them out;
 *   - the state is what a traceback header prints: the wait reason of a
 *     waiting goroutine, else the status ("runnable", "syscall", ...); the
 *     goroutine with a runtime/debug.WriteHeapDump frame is "running" (the
 *     dump gives it the stale reason of its previous wait);
 *   - frames, innermost first, are the dump's function names, without
 *     the ones a traceback hides (unexported runtime functions such as
 *     runtime.gopark and runtime.goexit); the dump has no file:line for
 *     them, so files are empty and lines 0;
 *   - created_by is the function holding the goroutine's creation pc: the
 *     ELF FUNC symbol covering it when syms is given, else a function of
 *     the dump's frames whose entry and furthest pc seen enclose it, else
 *     none;
 *   - no wait minutes (the dump's waitsince is a monotonic reading with
 *     no clock to compare it with); the profile's time is MemStats.LastGC.
 * HS_E_NOMEM, or hs_profile_finish's errors. */
hs_err hs_heapdump_goroutine_profile(hs_profile *p, const hs_heapdump *h, const hs_symtab *syms,
                                     hs_error *err);
/* The state a traceback header would print for g of h (see above). */
const char *hs_hd_goroutine_state(const hs_heapdump *h, const hs_hd_goroutine *g);
/* Whether a traceback at its default level prints a frame of func. */
bool hs_hd_frame_shown(const char *func);

/* ---- analyses ---- */

/* A root holder: the named thing outside the heap that holds pointers (a
 * global symbol or a data/bss slot, a goroutine frame, a finalizer...).
 * Root pointers with the same name share one holder. */
typedef struct hs_hd_holder {
	const char *name;       /* "main.cache", "bss+0x1a40", "goroutine 6: main.f" */
	const char *key;        /* the name without run-specific parts (diff) */
	uint8_t kind;           /* hs_hd_root_kind of its first root */
	uint32_t goroutine;     /* HS_HD_NONE unless a goroutine's */
	uint32_t frame;
	uint64_t retained;      /* bytes it alone keeps reachable */
	uint32_t nroots;
} hs_hd_holder;

/* Ownership of a suspect.  A suspect is a dominator child of the
 * super-root: either a holder (one root alone keeps it: that root owns it)
 * or an object that several holders reach, none alone.  For the latter:
 *   - its roots together are every holder from which a path of pointers
 *     leads to it (reverse reachability); removing all of them frees it
 *     and everything it dominates, removing any one does not;
 *   - the owner named is one of them, by rank: a global (a data or bss
 *     slot, named by its ELF symbol with --exe) first, then finalizers and
 *     other runtime roots, then goroutine stack frames, then goroutine
 *     contexts; within a rank the root whose key (heapdump_graph: the
 *     frame's function) the fewest of the suspect's roots share (of many
 *     goroutines of one function all reaching one structure, each is a
 *     user of it, not its holder), then the fewest pointers from the root
 *     to the object, then the name.  A goroutine's frame that also holds
 *     a global structure (a map passed to it) so never owns it;
 *   - when that first root is no global, the owner is the shared object
 *     itself (hs_hd_owned_by_structure), reached first from that root;
 *   - the owning structure is that object: the deepest object that
 *     dominates the accumulation point and that every root path reaches.
 * For a holder suspect the owner is the holder and the owning structure
 * the object it points to on the dominator chain to the accumulation
 * point (HS_HD_NONE when the accumulation point is the holder itself).
 * The path shown starts at the owner.  The retainer table
 * (hs_hd_retainer_rows) has one row per holder and one per group of roots
 * together, whose retained bytes are the suspect's: bytes no single root
 * of the group retains, which is why no holder row shows them. */
typedef struct hs_hd_suspect {
	uint32_t node;          /* dominator-tree node: holder or object */
	uint32_t accum;         /* accumulation point (object index or node) */
	uint64_t retained, accum_retained;
	double share;           /* of the reachable heap */
	uint32_t holder;        /* the first node of path: the owner's holder */
	hs_vec path;            /* uint32 graph nodes, owner first, accum last */
	/* many same-sized objects directly under the accumulation point */
	uint64_t group_count, group_size, group_bytes;
	uint32_t group_type;    /* the group's Go type (h->type_names) when its
	                         * objects share one, else HS_HD_NONE */
	uint32_t site;          /* bucket of the accumulation point or its group */
	uint32_t owner;         /* holder index of the owner (see above) */
	uint32_t structure;     /* the owning structure (object), or HS_HD_NONE */
	hs_vec roots;           /* uint32 holder indices, the owner first, by rank */
	uint64_t root_pointers; /* root pointers of those holders together */
	/* where the objects it retains (its dominator subtree) were allocated:
	 * hs_hd_origin_row, most bytes first; objects counts them all,
	 * sampled_* those the memory profile sampled (the rest have no site) */
	hs_vec origins;
	uint64_t objects, sampled_objects, sampled_bytes;
} hs_hd_suspect;

/* An allocation origin, as an engineer names it: the innermost frame of
 * the program's own code in a memprof bucket's stack (frames.h's culprit,
 * the main module inferred from every bucket's frames), at its file and
 * line, and the chain below it, culprit first, down to the innermost
 * frame that is not the runtime's (hs_owner_chain_end).  A stack with no
 * own frame has its first non-runtime frame (hs_hd_bucket_site) as origin
 * and own false.  Buckets with the same culprit line and chain share one
 * origin. */
typedef struct hs_hd_origin {
	const char *func, *file;
	uint64_t line;
	bool own;
	const char **chain;     /* nchain functions, chain[0] == func */
	uint32_t nchain;
	const char *key;        /* func file:line and the chain, unique */
} hs_hd_origin;

typedef struct hs_hd_origin_row {
	uint32_t origin;        /* index into hs_hd_analysis.origins */
	uint64_t objects, bytes;
} hs_hd_origin_row;

/* The owner rank of a root kind: 0 global, 1 finalizer or other runtime
 * root, 2 goroutine frame, 3 goroutine context; lower owns. */
int hs_hd_owner_rank(uint8_t kind);

/* A row of the retainer table: a holder alone, or the roots of suspect
 * `suspect` together (holder HS_HD_NONE). */
typedef struct hs_hd_retainer_row {
	uint32_t holder;
	uint32_t suspect;
	uint64_t retained;
	uint64_t pointers;      /* root pointers of the row's holders */
} hs_hd_retainer_row;

/* Per allocation site (the first non-runtime frame of a memprof stack). */
typedef struct hs_hd_site {
	const char *func, *file;
	uint64_t line;
	const char *key;
	uint64_t objects, bytes, retained;
} hs_hd_site;

typedef struct hs_hd_sizeclass {
	uint64_t size, objects, bytes, unreachable_objects, unreachable_bytes;
} hs_hd_sizeclass;

/* Graph nodes: objects 0..n-1, then holders, then the super-root. */
typedef struct hs_hd_analysis {
	const hs_heapdump *h;
	hs_arena arena;
	size_t nholders;
	hs_hd_holder *holders;
	uint32_t super;                  /* node index of the super-root */
	uint32_t *idom;                  /* per node; HS_HD_NONE when unreachable */
	uint64_t *retained;              /* per node */
	uint64_t reachable_objects, reachable_bytes;
	uint64_t unreachable_objects, unreachable_bytes;
	hs_vec suspects;                 /* hs_hd_suspect, biggest first */
	hs_vec sites;                    /* hs_hd_site, by retained */
	hs_vec sizeclasses;              /* hs_hd_sizeclass, by bytes */
	uint32_t *holder_order;          /* holders by retained, biggest first */
	/* private: holder successors, dominator-tree children (grouped by
	 * idom, each group sorted by retained), a site per bucket */
	uint32_t *hstart, *hedges, *super_succ;
	uint32_t *ckids, nkids;
	uint32_t *bucket_site;
	hs_vec origins;                  /* hs_hd_origin */
	uint32_t *bucket_origin;         /* per bucket, HS_HD_NONE for an empty stack */
	bool used_lt;                    /* Lengauer-Tarjan computed them */
} hs_hd_analysis;

typedef struct hs_hd_opts {
	const hs_symtab *syms;           /* NULL: name slots by segment+offset */
	double suspect_share;            /* 0.10 */
	uint64_t min_group;              /* same-sized objects that make a group (10) */
	int max_passes;                  /* of the iterative dominator algorithm before
	                                  * Lengauer-Tarjan takes over (64; 0: LT only) */
} hs_hd_opts;

void hs_hd_opts_default(hs_hd_opts *o);
hs_err hs_hd_analyze(hs_hd_analysis *a, const hs_heapdump *h, const hs_hd_opts *o, hs_error *err);
void hs_hd_analysis_release(hs_hd_analysis *a);
/* A node's display name: the holder's name; an object's Go type when
 * known ("main.page", "[]*main.page (4096)"), else "0x... (256 B)". */
const char *hs_hd_node_name(const hs_hd_analysis *a, uint32_t node, char *buf, size_t size);
/* The Go type a suspect's group shares ("main.page"), "" when none. */
const char *hs_hd_group_type(const hs_hd_analysis *a, const hs_hd_suspect *s);
/* An object's Go type as hs_hd_node_name names it ("[]T (N)" for slice
 * arrays) into buf, or NULL when untyped. */
const char *hs_hd_object_type(const hs_heapdump *h, uint32_t obj, char *buf, size_t size);

/* Objects by Go type (cores only): count, bytes, and the bytes the
 * type's objects retain together (the dominator subtrees of its objects
 * that no other object of the type dominates), biggest retained first;
 * untyped objects are left out (typed_* says how many are typed). */
typedef struct hs_hd_typerow {
	uint32_t type;                    /* index into h->type_names */
	uint64_t objects, bytes, retained;
} hs_hd_typerow;
/* Fill rows (an hs_vec of hs_hd_typerow, initialised here) and the
 * typed objects and bytes; rows stay empty for an untyped heap. */
hs_err hs_hd_type_histogram(const hs_hd_analysis *a, hs_vec *rows, uint64_t *typed_objects,
                            uint64_t *typed_bytes, hs_error *err);

/* The allocation site of a memprof bucket (its first frame outside the
 * runtime), or NULL for an empty stack. */
const hs_hd_site_frame *hs_hd_bucket_site(const hs_heapdump *h, uint32_t bucket);
/* The memprof bucket of an object's alloc sample, or HS_HD_NONE. */
uint32_t hs_heapdump_bucket_of(const hs_heapdump *h, uint32_t obj);
/* The allocation site of an object, or NULL. */
const hs_hd_site_frame *hs_hd_object_site(const hs_heapdump *h, uint32_t obj);
/* Dominator-tree children of a node, biggest retained first. */
const uint32_t *hs_hd_children(const hs_hd_analysis *a, uint32_t node, size_t *n);
/* The site index (into a->sites) of an object, or HS_HD_NONE. */
uint32_t hs_hd_object_site_index(const hs_hd_analysis *a, uint32_t obj);
/* a->sites stays in the order hs_hd_object_site_index refers to; sort a
 * copy with this for display (retained, biggest first). */
int hs_hd_site_cmp(const void *x, const void *y);

/* The allocation origin (index into a->origins) of an object, or
 * HS_HD_NONE when the memory profile did not sample it. */
uint32_t hs_hd_object_origin(const hs_hd_analysis *a, uint32_t obj);

/* The retaining structure of suspect s, as triage names it: the objects
 * of its dominator chain from the suspect's own object (a holder
 * suspect's: the object below the holder) down to its accumulation point,
 * outermost first.  site_obj is the first of them the memory profile
 * sampled, origin its allocation origin (index into a->origins); typed_obj
 * the first with a Go type (a core's); HS_HD_NONE when none is. */
typedef struct hs_hd_retainer {
	uint32_t site_obj, origin, typed_obj;
} hs_hd_retainer;
void hs_hd_retainer_of(const hs_hd_analysis *a, const hs_hd_suspect *s, hs_hd_retainer *r);

/* The retainer table: every holder, and one row per suspect several roots
 * keep together, biggest retained first (ties: groups first, then holder
 * order).  Release with hs_vec_release. */
hs_err hs_hd_retainer_rows(const hs_hd_analysis *a, hs_vec *rows, hs_error *err);

/* A shared suspect no global holds (its first root is not a global): the
 * object the roots share is its owner, reached first from its first root
 * (the owner field); false for a holder suspect or a global's. */
bool hs_hd_owned_by_structure(const hs_hd_analysis *a, const hs_hd_suspect *s);

/* Growth between two dumps of the same program: retained bytes per root
 * (by holder key: a global, a stack function) and per allocation site. */
typedef struct hs_hd_delta {
	const char *key;
	bool site;                       /* an allocation site, else a root */
	uint64_t base, cur;              /* retained bytes */
	uint64_t base_objects, cur_objects;  /* sites: reachable objects */
} hs_hd_delta;

/* Rows of both kinds, biggest growth first; release with hs_vec_release
 * (keys point into the analyses). */
hs_err hs_hd_diff(hs_vec *rows, const hs_hd_analysis *base, const hs_hd_analysis *cur,
                  hs_error *err);

#endif
