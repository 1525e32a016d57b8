/* Go's pclntab read from a core: the function at a pc, its name, file and
 * line, pc-value tables (sp delta, PCDATA) and FUNCDATA.  The tables are
 * found through runtime.firstmoduledata and the layout of runtime._func
 * and runtime.inlinedCall is read from DWARF (src/formats/pclntab.c). */
#ifndef HS_PCLNTAB_H
#define HS_PCLNTAB_H

#include "core_internal.h"

typedef struct pcln_table {
	uint8_t *data;
	uint64_t n;
} pcln_table;

typedef struct pcln {
	const hs_core *c;
	uint64_t text, gofunc, nftab;
	uint32_t quantum;             /* pc deltas count these bytes (pcHeader.minLC) */
	pcln_table name, cu, file, pc, funcs, ftab;
	/* runtime._func */
	uint64_t f_entry, f_name, f_pcsp, f_pcfile, f_pcln, f_npcdata, f_cu, f_nfuncdata, f_funcid,
	         f_size;
	uint64_t f_startline;         /* Go 1.20+; UINT64_MAX: none */
	/* runtime.inlinedCall */
	uint64_t i_func, i_parentpc, i_funcid, i_size;
	uint64_t i_startline;         /* Go 1.20+; UINT64_MAX: none */
	int64_t pcdata_inl, funcdata_inl;
} pcln;

/* A function: its _func record's offset in the function table. */
typedef struct pcln_func {
	uint64_t off, entry;
} pcln_func;

hs_err pcln_open(pcln *t, const hs_core *c, const hs_dwarf *d, hs_error *err);
void pcln_release(pcln *t);
bool pcln_find(const pcln *t, uint64_t pc, pcln_func *f);
const char *pcln_name(const pcln *t, const pcln_func *f);
uint8_t pcln_funcid(const pcln *t, const pcln_func *f);
/* The line of the func keyword (runtime.Frame's startLine), 0 before Go 1.20. */
int32_t pcln_start_line(const pcln *t, const pcln_func *f);
const char *pcln_nameoff(const pcln *t, uint64_t nameoff);
/* The value of the table at _func field `field` (an offset into pctab)
 * at pc; -1 when none. */
int32_t pcln_value(const pcln *t, const pcln_func *f, uint64_t field, uint64_t pc);
int32_t pcln_pcdata(const pcln *t, const pcln_func *f, uint32_t table, uint64_t pc);
uint64_t pcln_funcdata(const pcln *t, const pcln_func *f, uint32_t i);
void pcln_line(const pcln *t, const pcln_func *f, uint64_t pc, const char **file, int32_t *line);
/* The funcIDs a traceback elides wrappers by (runtime.funcID_* before Go
 * 1.21, internal/abi's after): *ids[0..3] wrapper, gopanic, sigpanic,
 * panicwrap.  false with *missing the (Go 1.19) name not in DWARF. */
bool pcln_funcids(const hs_dwarf *d, int64_t *const ids[4], const char **missing);

#endif
