/* pclntab from a core (see pclntab.h).  The module's tables are copied
 * out of the process's memory once (they are in the executable's rodata,
 * a few MB); every offset into them is checked before use. */
#include <stdlib.h>
#include <string.h>

#include "pclntab.h"

/* A table larger than this is not believed (the largest Go binaries have
 * pclntabs of tens of MB). */
#define MAX_TABLE ((uint64_t)512 << 20)

/* Read a []byte-like slice field of moduledata into a fresh buffer. */
static hs_err read_slice(const hs_core *c, const hs_dwarf *d, uint32_t md, uint64_t md_addr,
                         const char *field, uint64_t elem, pcln_table *out, hs_error *err)
{
	uint64_t off, arr_off, len_off, ptr, len;
	uint32_t st, t2;
	if (!hs_dwarf_member(d, md, field, &off, &st) || !hs_dwarf_member(d, st, "array", &arr_off, &t2) ||
	    !hs_dwarf_member(d, st, "len", &len_off, &t2))
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: runtime.moduledata.%s not "
		               "a slice in DWARF", field);
	if (!hs_core_read_u64(c, md_addr + off + arr_off, &ptr) ||
	    !hs_core_read_u64(c, md_addr + off + len_off, &len))
		return hs_fail(err, HS_E_CORRUPT, "runtime.firstmoduledata is not in the core");
	if (len > MAX_TABLE / elem)
		return hs_fail(err, HS_E_LIMIT, "runtime.firstmoduledata.%s: %llu entries", field,
		               (unsigned long long)len);
	out->n = len * elem;
	if (!hs_core_holds(c, ptr, out->n))   /* before allocating by a length from the core */
		return hs_fail(err, HS_E_CORRUPT, "runtime.firstmoduledata.%s (0x%llx, %llu bytes) is "
		               "not in the core", field, (unsigned long long)ptr,
		               (unsigned long long)out->n);
	out->data = malloc(out->n ? out->n : 1);
	if (!out->data)
		return hs_fail(err, HS_E_NOMEM, NULL);
	if (!hs_core_read(c, ptr, out->data, out->n))
		return hs_fail(err, HS_E_CORRUPT, "runtime.firstmoduledata.%s (0x%llx, %llu bytes) is "
		               "not in the core", field, (unsigned long long)ptr,
		               (unsigned long long)out->n);
	return HS_OK;
}

static hs_err layout(pcln *t, const hs_dwarf *d, hs_error *err)
{
	/* Go 1.20 renamed entryoff and nameoff entryOff and nameOff */
	static const char *const ff[][2] = {
		{"entryoff", "entryOff"}, {"nameoff", "nameOff"}, {"pcsp", NULL}, {"pcfile", NULL},
		{"pcln", NULL}, {"npcdata", NULL}, {"cuOffset", NULL}, {"nfuncdata", NULL},
		{"funcID", NULL}};
	uint64_t *fo[] = {&t->f_entry, &t->f_name, &t->f_pcsp, &t->f_pcfile, &t->f_pcln,
	                  &t->f_npcdata, &t->f_cu, &t->f_nfuncdata, &t->f_funcid};
	uint32_t fn = hs_dwarf_type(d, "runtime._func"), mt;
	for (size_t i = 0; i < sizeof ff / sizeof ff[0]; i++)
		if (!hs_dwarf_member(d, fn, ff[i][0], fo[i], &mt) &&
		    !(ff[i][1] && hs_dwarf_member(d, fn, ff[i][1], fo[i], &mt)))
			return hs_fail(err, HS_E_FORMAT, "unsupported Go version: no runtime._func.%s in "
			               "DWARF", ff[i][0]);
	t->f_size = hs_dwarf_size(d, fn);
	uint32_t ic = hs_dwarf_type(d, "runtime.inlinedCall");
	/* Go 1.19 names the callee's name offset func_, later ones nameOff */
	if (!hs_dwarf_member(d, ic, "func_", &t->i_func, &mt) &&
	    !hs_dwarf_member(d, ic, "nameOff", &t->i_func, &mt))
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: runtime.inlinedCall");
	if (!hs_dwarf_member(d, ic, "parentPc", &t->i_parentpc, &mt) ||
	    !hs_dwarf_member(d, ic, "funcID", &t->i_funcid, &mt))
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: runtime.inlinedCall");
	t->i_size = hs_dwarf_size(d, ic);
	/* Go 1.20: where the function starts, in _func and inlinedCall */
	if (!hs_dwarf_member(d, fn, "startLine", &t->f_startline, &mt))
		t->f_startline = UINT64_MAX;
	if (!hs_dwarf_member(d, ic, "startLine", &t->i_startline, &mt))
		t->i_startline = UINT64_MAX;
	/* internal/abi's from Go 1.21 */
	if ((!hs_dwarf_const(d, "runtime._PCDATA_InlTreeIndex", &t->pcdata_inl) &&
	     !hs_dwarf_const(d, "internal/abi.PCDATA_InlTreeIndex", &t->pcdata_inl)) ||
	    (!hs_dwarf_const(d, "runtime._FUNCDATA_InlTree", &t->funcdata_inl) &&
	     !hs_dwarf_const(d, "internal/abi.FUNCDATA_InlTree", &t->funcdata_inl)))
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: no _PCDATA_InlTreeIndex");
	if (t->f_size < 8 || t->f_size > 256 || t->i_size < 8 || t->i_size > 256)
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: runtime._func of %llu bytes",
		               (unsigned long long)t->f_size);
	if (t->f_startline != UINT64_MAX && t->f_startline + 4 > t->f_size)
		t->f_startline = UINT64_MAX;
	if (t->i_startline != UINT64_MAX && t->i_startline + 4 > t->i_size)
		t->i_startline = UINT64_MAX;
	return HS_OK;
}

hs_err pcln_open(pcln *t, const hs_core *c, const hs_dwarf *d, hs_error *err)
{
	memset(t, 0, sizeof *t);
	t->c = c;
	uint64_t md_addr, off, hdr;
	uint32_t md, mt;
	if (!hs_dwarf_global(d, "runtime.firstmoduledata", &md_addr, &md))
		return hs_fail(err, HS_E_FORMAT, "no runtime.firstmoduledata in DWARF: not a Go "
		               "executable?");
	md_addr += c->bias;
	hs_err rc = layout(t, d, err);
	if (rc)
		return rc;
	uint32_t magic_buf = 0;
	uint8_t mb[4];
	if (!hs_dwarf_member(d, md, "pcHeader", &off, &mt) || !hs_core_read_u64(c, md_addr + off, &hdr) ||
	    !hs_core_read(c, hdr, mb, 4))
		return hs_fail(err, HS_E_CORRUPT, "runtime.firstmoduledata.pcHeader is not in the core");
	magic_buf = (uint32_t)hs_le(mb, 4);
	/* Go 1.18-1.19 and 1.20+: entry offsets relative to text, funcdata
	 * to gofunc; older pclntabs are not read */
	if (magic_buf != 0xfffffff0 && magic_buf != 0xfffffff1)
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: pclntab magic 0x%x (Go 1.18 "
		               "or later is read)", magic_buf);
	/* pc deltas count instructions of minLC bytes: the architecture's */
	uint8_t q = 0;
	if (!hs_dwarf_member(d, hs_dwarf_type(d, "runtime.pcHeader"), "minLC", &off, &mt) ||
	    !hs_core_read(c, hdr + off, &q, 1))
		return hs_fail(err, HS_E_FORMAT, "unsupported Go version: no runtime.pcHeader.minLC");
	if (q != c->arch->pc_quantum)
		return hs_fail(err, HS_E_CORRUPT, "pclntab's pc quantum is %u, not %s's %u", q,
		               c->arch->name, (unsigned)c->arch->pc_quantum);
	t->quantum = q;
	if (!hs_dwarf_member(d, md, "text", &off, &mt) || !hs_core_read_u64(c, md_addr + off, &t->text) ||
	    !hs_dwarf_member(d, md, "gofunc", &off, &mt) || !hs_core_read_u64(c, md_addr + off, &t->gofunc))
		return hs_fail(err, HS_E_CORRUPT, "runtime.firstmoduledata.text is not in the core");
	if ((rc = read_slice(c, d, md, md_addr, "funcnametab", 1, &t->name, err)) ||
	    (rc = read_slice(c, d, md, md_addr, "cutab", 4, &t->cu, err)) ||
	    (rc = read_slice(c, d, md, md_addr, "filetab", 1, &t->file, err)) ||
	    (rc = read_slice(c, d, md, md_addr, "pctab", 1, &t->pc, err)) ||
	    (rc = read_slice(c, d, md, md_addr, "pclntable", 1, &t->funcs, err)) ||
	    (rc = read_slice(c, d, md, md_addr, "ftab", 8, &t->ftab, err)))
		return rc;
	t->nftab = t->ftab.n / 8;
	if (t->nftab < 2)
		return hs_fail(err, HS_E_CORRUPT, "runtime.firstmoduledata.ftab is empty");
	return HS_OK;
}

void pcln_release(pcln *t)
{
	pcln_table *all[] = {&t->name, &t->cu, &t->file, &t->pc, &t->funcs, &t->ftab};
	for (size_t i = 0; i < 6; i++)
		free(all[i]->data);
	memset(t, 0, sizeof *t);
}

bool pcln_find(const pcln *t, uint64_t pc, pcln_func *f)
{
	if (pc < t->text || pc - t->text > UINT32_MAX)
		return false;
	uint32_t off = (uint32_t)(pc - t->text);
	const uint8_t *ft = t->ftab.data;
	/* the last entry is the end of text */
	if (off < hs_le(ft, 4) || off >= hs_le(ft + (t->nftab - 1) * 8, 4))
		return false;
	size_t lo = 0, hi = t->nftab - 1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (hs_le(ft + mid * 8, 4) <= off)
			lo = mid;
		else
			hi = mid;
	}
	uint64_t funcoff = hs_le(ft + lo * 8 + 4, 4);
	if (funcoff > t->funcs.n || t->f_size > t->funcs.n - funcoff)
		return false;
	f->off = funcoff;
	f->entry = t->text + hs_le(t->funcs.data + funcoff + t->f_entry, 4);
	return true;
}

static uint64_t field(const pcln *t, const pcln_func *f, uint64_t at, int n)
{
	return hs_le(t->funcs.data + f->off + at, n);
}

const char *pcln_nameoff(const pcln *t, uint64_t nameoff)
{
	if (nameoff >= t->name.n || !memchr(t->name.data + nameoff, 0, t->name.n - nameoff))
		return "?";
	return (const char *)t->name.data + nameoff;
}

uint8_t pcln_funcid(const pcln *t, const pcln_func *f)
{
	return (uint8_t)field(t, f, t->f_funcid, 1);
}

int32_t pcln_start_line(const pcln *t, const pcln_func *f)
{
	return t->f_startline == UINT64_MAX ? 0 : (int32_t)field(t, f, t->f_startline, 4);
}

const char *pcln_name(const pcln *t, const pcln_func *f)
{
	return pcln_nameoff(t, field(t, f, t->f_name, 4));
}

/* A varint of pctab, as the runtime reads it (32 bits kept). */
static uint32_t uvarint(const uint8_t *p, uint64_t n, uint64_t *i)
{
	uint32_t v = 0;
	for (unsigned sh = 0; *i < n; sh += 7) {
		uint8_t b = p[(*i)++];
		if (sh < 32)
			v |= (uint32_t)(b & 0x7f) << sh;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static int32_t value_at(const pcln *t, const pcln_func *f, uint64_t off, uint64_t target)
{
	if (off == 0 || off >= t->pc.n)
		return -1;
	const uint8_t *p = t->pc.data;
	uint64_t i = off, n = t->pc.n, pc = f->entry;
	int32_t val = -1;
	for (bool first = true; i < n; first = false) {
		if (p[i] == 0 && !first)
			return -1;
		uint32_t u = uvarint(p, n, &i);
		uint64_t pcd = uvarint(p, n, &i);
		val = (int32_t)((uint32_t)val + (-(u & 1) ^ (u >> 1)));
		pc += pcd * t->quantum;
		if (target < pc)
			return val;
	}
	return -1;
}

int32_t pcln_value(const pcln *t, const pcln_func *f, uint64_t fld, uint64_t pc)
{
	return value_at(t, f, field(t, f, fld, 4), pc);
}

int32_t pcln_pcdata(const pcln *t, const pcln_func *f, uint32_t table, uint64_t pc)
{
	uint64_t npc = field(t, f, t->f_npcdata, 4);
	uint64_t at = f->off + t->f_size + (uint64_t)table * 4;
	if (table >= npc || at + 4 > t->funcs.n)
		return -1;
	return value_at(t, f, hs_le(t->funcs.data + at, 4), pc);
}

uint64_t pcln_funcdata(const pcln *t, const pcln_func *f, uint32_t i)
{
	uint64_t nfd = field(t, f, t->f_nfuncdata, 1), npc = field(t, f, t->f_npcdata, 4);
	uint64_t at = f->off + t->f_size + npc * 4 + (uint64_t)i * 4;
	if (i >= nfd || at + 4 > t->funcs.n)
		return 0;
	uint64_t off = hs_le(t->funcs.data + at, 4);
	return off == 0xffffffff ? 0 : t->gofunc + off;
}

void pcln_line(const pcln *t, const pcln_func *f, uint64_t pc, const char **file, int32_t *line)
{
	*file = "?";
	*line = 0;
	int32_t fileno = pcln_value(t, f, t->f_pcfile, pc), ln = pcln_value(t, f, t->f_pcln, pc);
	/* -1 is "no value"; other negative lines are printed as they are
	 * (funcline1: the runtime prints main.go:-2 for some loop pcs) */
	if (fileno < 0 || ln == -1)
		return;
	uint64_t cu = field(t, f, t->f_cu, 4) + (uint64_t)fileno;
	if (cu >= t->cu.n / 4)
		return;
	uint64_t fo = hs_le(t->cu.data + cu * 4, 4);
	if (fo >= t->file.n || !memchr(t->file.data + fo, 0, t->file.n - fo))
		return;
	*file = (const char *)t->file.data + fo;
	*line = ln;
}

bool pcln_funcids(const hs_dwarf *d, int64_t *const ids[4], const char **missing)
{
	/* internal/abi's from Go 1.21 */
	static const char *const names[][2] = {
		{"runtime.funcID_wrapper", "internal/abi.FuncIDWrapper"},
		{"runtime.funcID_gopanic", "internal/abi.FuncID_gopanic"},
		{"runtime.funcID_sigpanic", "internal/abi.FuncID_sigpanic"},
		{"runtime.funcID_panicwrap", "internal/abi.FuncID_panicwrap"}};
	for (int i = 0; i < 4; i++)
		if (!hs_dwarf_const(d, names[i][0], ids[i]) && !hs_dwarf_const(d, names[i][1], ids[i])) {
			*missing = names[i][0];
			return false;
		}
	return true;
}
