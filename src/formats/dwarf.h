/* A small DWARF reader: the subset the Go linker writes that heapscope
 * needs to read a Go core (src/formats/dwarf.c).
 *
 * .debug_info/.debug_abbrev/.debug_str, DWARF 2-5 forms, sections plain,
 * SHF_COMPRESSED (zlib) or .zdebug_*.  Kept per DIE: tag, name, type,
 * byte size, member offset, DW_OP_addr location, constant value, array
 * count, Go's DW_AT_go_kind and DW_AT_go_runtime_type.  Offsets of runtime structures are asked
 * by name ("runtime.g", "sched.pc"): no layout is hard-coded. */
#ifndef HS_DWARF_H
#define HS_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/error.h"

typedef struct hs_dwarf hs_dwarf;
struct hs_core;

/* A section by name: its bytes and sh_flags, NULL when absent. */
typedef const uint8_t *(*hs_dwarf_section_fn)(void *ctx, const char *name, uint64_t *size,
                                              uint64_t *flags);

/* Read the executable's DWARF; no .debug_info is HS_E_FORMAT naming a
 * stripped executable. */
hs_err hs_dwarf_load(hs_dwarf **out, hs_dwarf_section_fn section, void *ctx, hs_error *err);
/* The same from an open core's executable (core.c calls it). */
hs_err hs_dwarf_open(hs_dwarf **out, const struct hs_core *c, hs_error *err);
void hs_dwarf_free(hs_dwarf *d);

#define HS_DWARF_NONE UINT32_MAX
/* The one message for an executable without DWARF. */
#define HS_DWARF_STRIPPED \
	"no DWARF (.debug_info): a stripped executable? build it without -ldflags=-w or -s"
/* A named type (struct, typedef, base, pointer...) or HS_DWARF_NONE. */
uint32_t hs_dwarf_type(const hs_dwarf *d, const char *name);
uint64_t hs_dwarf_size(const hs_dwarf *d, uint32_t type);
/* The type a typedef, pointer, member or array refers to. */
uint32_t hs_dwarf_target(const hs_dwarf *d, uint32_t die);
/* Array element count (DW_AT_count or upper bound + 1), 0 if unknown. */
uint64_t hs_dwarf_count(const hs_dwarf *d, uint32_t array);
/* DW_AT_go_kind, 0 when absent. */
int hs_dwarf_go_kind(const hs_dwarf *d, uint32_t type);
const char *hs_dwarf_name(const hs_dwarf *d, uint32_t die);
/* A member of struct `type` by a dotted path ("sched.pc"): its offset
 * from the start of the struct and its type. */
bool hs_dwarf_member(const hs_dwarf *d, uint32_t type, const char *path, uint64_t *off,
                     uint32_t *mtype);
/* The members of struct `type` in turn: start with *k = 0; false after
 * the last.  name is "" for a member without one. */
bool hs_dwarf_member_next(const hs_dwarf *d, uint32_t type, size_t *k, const char **name,
                          uint64_t *off, uint32_t *mtype);
/* Through typedefs to the type itself, HS_DWARF_NONE out of range. */
uint32_t hs_dwarf_resolve(const hs_dwarf *d, uint32_t type);
/* The DIE's DW_TAG, 0 out of range. */
unsigned hs_dwarf_tag(const hs_dwarf *d, uint32_t i);
/* DW_AT_go_runtime_type: the link-time address of the runtime type
 * descriptor (type.T) the DWARF type stands for, 0 when absent. */
uint64_t hs_dwarf_runtime_type(const hs_dwarf *d, uint32_t i);
/* A global variable with a DW_OP_addr location. */
bool hs_dwarf_global(const hs_dwarf *d, const char *name, uint64_t *addr, uint32_t *type);
/* A constant (DW_TAG_constant with DW_AT_const_value). */
bool hs_dwarf_const(const hs_dwarf *d, const char *name, int64_t *value);
size_t hs_dwarf_ndies(const hs_dwarf *d);
/* DIE i when it is a named global variable with a DW_OP_addr location
 * (i < hs_dwarf_ndies: every global in turn). */
bool hs_dwarf_variable_at(const hs_dwarf *d, size_t i, const char **name, uint64_t *addr,
                          uint32_t *type);

#endif
