/* Goroutines of a core: runtime.allgs read through the DWARF layout of
 * runtime.g, each stack unwound with pclntab's sp deltas (the return
 * address where the core's architecture keeps it, core_arch), and
 * written as runtime.Stack(buf, true) writes them (Go 1.19
 * traceback.go), so that the goroutine-dump loader turns them into the
 * same model as a dump: one parser, one set of labels.  A goroutine's
 * pprof labels (g.labels: a *labelMap of runtime/pprof, map[string]string
 * on Go 1.19-1.23) are read through the map's DWARF layout and given to
 * the parser beside the text, key by key as profile.proto's labels. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "goroutine_text.h"
#include "pclntab.h"
#include "../core/sort.h"

/* runtime.Stack stops after this many frames (_TracebackMaxFrames). */
#define MAX_FRAMES 100
#define MAX_GOROUTINES ((uint64_t)50 << 20)
/* pprof labels of one goroutine read at most, buckets of its map read at
 * most, and the bytes of a key or a value kept (longer ones are cut) */
#define MAX_LABELS 64
#define MAX_LABEL_BUCKETS 64
#define MAX_LABEL_STR 1024

/* A pprof label of the goroutine at index g of the text. */
typedef struct glabel {
	size_t g;
	char *key, *val;
} glabel;

typedef struct gfield {
	const char *name;
	uint64_t off;
} gfield;

enum { G_GOID, G_STATUS, G_WAITREASON, G_WAITSINCE, G_GOPC, G_STARTPC, G_SCHED_SP, G_SCHED_PC,
       G_SYSCALLSP, G_SYSCALLPC, G_M, G_LOCKEDM, G_STACK_LO, G_STACK_HI, NG };

typedef struct gwalk {
	const hs_core *c;
	const hs_dwarf *d;
	pcln t;
	gfield g[NG];
	uint64_t m_procid, m_gsignal;   /* runtime.m members */
	uint64_t parent_goid;    /* g.parentGoid (Go 1.21+), 0: none */
	uint64_t sched_lr;       /* g.sched.lr (link register architectures), 0: none */
	uint64_t g_labels;       /* g.labels, 0: no labels read */
	core_map lmap;           /* runtime/pprof.labelMap */
	uint64_t str_ptr, str_len;   /* string.str, string.len */
	glabel *labels;          /* of the goroutines written, in their order */
	size_t nlabels, caplabels, ngs, next_label;
	uint64_t gsize;
	int64_t g_waiting, g_syscall, g_running, g_dead, g_scan;
	uint64_t status_strs, nstatus, wait_strs, nwait, str_size;
	uint64_t now;            /* nanotime estimate of the core */
	bool fing_running;
	bool system;             /* runtime goroutines and frames too */
	bool want_labels;        /* read each goroutine's pprof labels (the model's, not the text's) */
	/* funcIDs (runtime.funcID_*): wrappers are elided unless they called a panic */
	int64_t id_wrapper, id_gopanic, id_sigpanic, id_panicwrap;
	uint8_t last_id;         /* the funcID of the frame printed last (the callee) */
	char *buf;
	size_t len, cap;
	bool nomem;
	/* core_each_goroutine: the caller's function and its first error */
	core_g_fn fn;
	void *ctx;
	hs_err rc;
	hs_error *err;
} gwalk;

static void out(gwalk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(gwalk *w, const char *fmt, ...)
{
	va_list ap;
	if (!w->buf && !(w->buf = malloc(w->cap = 4096))) {
		w->nomem = true;
		return;
	}
	for (;;) {
		va_start(ap, fmt);
		int k = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
		va_end(ap);
		if (k < 0) {
			w->nomem = true;
			return;
		}
		if ((size_t)k < w->cap - w->len) {
			w->len += (size_t)k;
			return;
		}
		size_t nc = (w->cap + (size_t)k + 1) * 2;
		char *nb = realloc(w->buf, nc);
		if (!nb) {
			w->nomem = true;
			return;
		}
		w->buf = nb;
		w->cap = nc;
	}
}

static bool rd_u64(const gwalk *w, uint64_t addr, uint64_t *v)
{
	return hs_core_read_u64(w->c, addr, v);
}

static uint64_t rd_n(const gwalk *w, uint64_t addr, uint64_t size, bool *ok)
{
	uint8_t b[8] = {0};
	if (size > 8 || !hs_core_read(w->c, addr, b, (size_t)size)) {
		*ok = false;
		return 0;
	}
	return hs_le(b, 8);
}

/* A Go string of an array of strings in the core, as a C string in buf. */
static const char *go_string(const gwalk *w, uint64_t arr, uint64_t i, char *buf, size_t cap)
{
	uint64_t p, n;
	if (!rd_u64(w, arr + i * w->str_size, &p) || !rd_u64(w, arr + i * w->str_size + 8, &n) ||
	    n >= cap || !hs_core_read(w->c, p, buf, (size_t)n))
		return NULL;
	buf[n] = '\0';
	return buf;
}

static hs_err need(hs_error *err, const char *what)
{
	return hs_fail(err, HS_E_FORMAT, "unsupported Go version: no %s in DWARF", what);
}

static hs_err strings_array(gwalk *w, const char *name, uint64_t *addr, uint64_t *n, hs_error *err)
{
	uint32_t type;
	if (!hs_dwarf_global(w->d, name, addr, &type))
		return need(err, name);
	*addr += hs_core_bias(w->c);
	*n = hs_dwarf_count(w->d, type);
	return HS_OK;
}

static hs_err setup_runtime_state(gwalk *w, hs_error *err);

/* g.labels and the layout of runtime/pprof.labelMap (map[string]string,
 * a pointer to hash<string,string>); no labels are read when the program
 * has no such type (runtime/pprof not linked) or the layout differs. */
static void labels_setup(gwalk *w, uint32_t g)
{
	uint32_t mt, st = hs_dwarf_type(w->d, "string"), lm = hs_dwarf_type(w->d, "runtime/pprof.labelMap");
	uint32_t hash = hs_dwarf_target(w->d, hs_dwarf_resolve(w->d, lm));
	w->g_labels = 0;
	if (lm == HS_DWARF_NONE || hash == HS_DWARF_NONE ||
	    !hs_dwarf_member(w->d, g, "labels", &w->g_labels, &mt) ||
	    !hs_dwarf_member(w->d, st, "str", &w->str_ptr, &mt) ||
	    !hs_dwarf_member(w->d, st, "len", &w->str_len, &mt) ||
	    !core_map_layout(w->d, hash, &w->lmap) || w->lmap.min_top_hash < 0 ||
	    hs_dwarf_resolve(w->d, w->lmap.ktype) != hs_dwarf_resolve(w->d, st) ||
	    hs_dwarf_resolve(w->d, w->lmap.vtype) != hs_dwarf_resolve(w->d, st))
		w->g_labels = 0;
}

static hs_err setup(gwalk *w, hs_error *err)
{
	static const char *const names[NG] = {
		"goid", "atomicstatus", "waitreason", "waitsince", "gopc", "startpc", "sched.sp",
		"sched.pc", "syscallsp", "syscallpc", "m", "lockedm", "stack.lo", "stack.hi"};
	uint32_t g = hs_dwarf_type(w->d, "runtime.g"), m = hs_dwarf_type(w->d, "runtime.m"), mt;
	for (int i = 0; i < NG; i++) {
		w->g[i].name = names[i];
		/* Go 1.20 wraps atomicstatus in atomic.Uint32 (.value) */
		if (!hs_dwarf_member(w->d, g, names[i], &w->g[i].off, &mt))
			return need(err, "runtime.g member");
	}
	/* Go 1.21+ prints "created by F in goroutine N" */
	if (!hs_dwarf_member(w->d, g, "parentGoid", &w->parent_goid, &mt))
		w->parent_goid = 0;
	if (w->c->arch->link_register && !hs_dwarf_member(w->d, g, "sched.lr", &w->sched_lr, &mt))
		return need(err, "runtime.g member");
	if (!hs_dwarf_member(w->d, m, "procid", &w->m_procid, &mt) ||
	    !hs_dwarf_member(w->d, m, "gsignal", &w->m_gsignal, &mt))
		return need(err, "runtime.m member");
	w->gsize = hs_dwarf_size(w->d, g);
	labels_setup(w, g);
	static const char *const consts[] = {"runtime._Gwaiting", "runtime._Gsyscall",
	                                     "runtime._Grunning", "runtime._Gdead", "runtime._Gscan"};
	int64_t *cv[] = {&w->g_waiting, &w->g_syscall, &w->g_running, &w->g_dead, &w->g_scan};
	for (int i = 0; i < 5; i++)
		if (!hs_dwarf_const(w->d, consts[i], cv[i]))
			return need(err, consts[i]);
	w->str_size = hs_dwarf_size(w->d, hs_dwarf_type(w->d, "string"));
	if (w->str_size != 16)
		return need(err, "string of 16 bytes");
	hs_err rc = strings_array(w, "runtime.gStatusStrings", &w->status_strs, &w->nstatus, err);
	if (rc || (rc = strings_array(w, "runtime.waitReasonStrings", &w->wait_strs, &w->nwait, err)))
		return rc;
	return setup_runtime_state(w, err);
}

/* What the runtime's globals say: a clock, whether finalizers run, the
 * funcIDs of wrappers and panics. */
static hs_err setup_runtime_state(gwalk *w, hs_error *err)
{
	uint32_t mt;
	/* The latest nanotime the runtime wrote down: "now" for wait times
	 * (the runtime prints nanotime() - waitsince; a core has no clock). */
	static const char *const clocks[][2] = {{"runtime.sched", "lastpoll"},
	                                         {"runtime.memstats", "last_gc_nanotime"}};
	for (int i = 0; i < 2; i++) {
		uint64_t a, o, v;
		uint32_t t;
		if (hs_dwarf_global(w->d, clocks[i][0], &a, &t) &&
		    hs_dwarf_member(w->d, t, clocks[i][1], &o, &mt) &&
		    rd_u64(w, a + hs_core_bias(w->c) + o, &v) && v > w->now)
			w->now = v;
	}
	int64_t *const iv[] = {&w->id_wrapper, &w->id_gopanic, &w->id_sigpanic, &w->id_panicwrap};
	const char *missing;
	if (!pcln_funcids(w->d, iv, &missing))
		return need(err, missing);
	uint64_t fa;
	uint32_t ft;
	uint8_t fr[4] = {0};
	int64_t bit;
	if (hs_dwarf_global(w->d, "runtime.fingRunning", &fa, &ft))
		w->fing_running = hs_core_read(w->c, fa + hs_core_bias(w->c), fr, 1) && fr[0];
	/* Go 1.21: the bit fingRunningFinalizer of fingStatus (an atomic.Uint32) */
	else if (hs_dwarf_global(w->d, "runtime.fingStatus", &fa, &ft) &&
	         hs_dwarf_const(w->d, "runtime.fingRunningFinalizer", &bit) &&
	         hs_core_read(w->c, fa + hs_core_bias(w->c), fr, 4))
		w->fing_running = (hs_le(fr, 4) & (uint64_t)bit) != 0;
	return HS_OK;
}

typedef struct gstate {
	uint64_t goid, status, waitreason, waitsince, gopc, startpc, sp, pc, syscallsp, syscallpc,
	         m, lockedm, stack_lo, stack_hi;
	uint64_t parent;         /* its creator's goid, 0: not known */
	uint64_t lr;             /* sched.lr: the link register when it parked, 0: none */
} gstate;

static bool read_g(const gwalk *w, uint64_t addr, gstate *s)
{
	uint64_t *f[NG] = {&s->goid, &s->status, &s->waitreason, &s->waitsince, &s->gopc,
	                   &s->startpc, &s->sp, &s->pc, &s->syscallsp, &s->syscallpc, &s->m,
	                   &s->lockedm, &s->stack_lo, &s->stack_hi};
	static const uint64_t sizes[NG] = {8, 4, 1, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8};
	bool ok = true;
	for (int i = 0; i < NG; i++)
		*f[i] = rd_n(w, addr + w->g[i].off, sizes[i], &ok);
	s->parent = w->parent_goid ? rd_n(w, addr + w->parent_goid, 8, &ok) : 0;
	s->lr = w->sched_lr ? rd_n(w, addr + w->sched_lr, 8, &ok) : 0;
	return ok;
}

/* showframe of traceback.go at GOTRACEBACK=single: runtime internals and
 * compiler-made wrappers (unless they called a panic) are left out. */
static bool show(const gwalk *w, const char *name, uint8_t id, bool first)
{
	int64_t child = w->last_id;
	if (id == w->id_wrapper &&
	    !(child == w->id_gopanic || child == w->id_sigpanic || child == w->id_panicwrap))
		return false;
	if (strcmp(name, "runtime.gopanic") == 0 && !first)
		return true;
	if (!strchr(name, '.'))
		return false;
	if (strncmp(name, "runtime.", 8) != 0)
		return true;
	return name[8] >= 'A' && name[8] <= 'Z';
}

/* The outermost frames of a goroutine (topofstack). */
static bool top_of_stack(const char *name)
{
	static const char *const tops[] = {"runtime.goexit", "runtime.mstart", "runtime.mcall",
	                                   "runtime.morestack", "runtime.rt0_go"};
	for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++)
		if (strcmp(name, tops[i]) == 0)
			return true;
	return false;
}

/* One physical frame with its inlined calls; returns the frames shown.
 * trap: pc is where the thread stopped, not a return address, so its
 * line is pc's own (traceback.go's _TraceTrap, for the innermost frame). */
static int print_frame(gwalk *w, const pcln_func *f, uint64_t pc, bool all, bool trap, int shown)
{
	uint64_t tracepc = pc > f->entry && !trap ? pc - 1 : pc;
	uint64_t inl = pcln_funcdata(&w->t, f, (uint32_t)w->t.funcdata_inl);
	const char *file;
	int32_t line;
	for (int k = 0; inl && k < 64; k++) {
		int32_t ix = pcln_pcdata(&w->t, f, (uint32_t)w->t.pcdata_inl, tracepc);
		uint8_t call[256];
		if (ix < 0 || !hs_core_read(w->c, inl + (uint64_t)ix * w->t.i_size, call, w->t.i_size))
			break;
		uint64_t nameoff = 0, parent = 0;
		memcpy(&nameoff, call + w->t.i_func, 4);
		memcpy(&parent, call + w->t.i_parentpc, 4);
		uint8_t id = call[w->t.i_funcid];
		const char *name = pcln_nameoff(&w->t, nameoff);
		pcln_line(&w->t, f, tracepc, &file, &line);
		if (all || show(w, name, id, shown == 0)) {
			out(w, "%s(...)\n\t%s:%d\n", name, file, (int)line);
			shown++;
		}
		w->last_id = id;
		tracepc = f->entry + parent;
	}
	const char *name = pcln_name(&w->t, f);
	pcln_line(&w->t, f, tracepc, &file, &line);
	uint8_t id = pcln_funcid(&w->t, f);
	if (all || show(w, name, id, shown == 0)) {
		out(w, "%s(...)\n\t%s:%d", strcmp(name, "runtime.gopanic") == 0 ? "panic" : name, file,
		    (int)line);
		if (pc > f->entry)
			out(w, " +0x%llx", (unsigned long long)(pc - f->entry));
		out(w, "\n");
		shown++;
	}
	w->last_id = id;
	return shown;
}

/* Unwind from pc/sp (lr: the link register at the innermost frame, 0:
 * not known), as traceback.go's gentraceback does: frame sizes from the
 * pcsp table; the return address just below each frame's top where CALL
 * pushes it (amd64), else at 0(sp) of a frame that has one, or still in
 * the link register for the innermost frame without one (a leaf, or
 * before its prologue).  Up to max frames into fr; *more: the walk went
 * on past the last of them. */
static int walk_frames(const gwalk *w, uint64_t pc, uint64_t sp, uint64_t lr, core_gframe *fr,
                       pcln_func *fn, int max, bool *more)
{
	const core_arch *a = w->c->arch;
	*more = false;
	for (int n = 0; n < max; n++) {
		pcln_func f;
		if (!pcln_find(&w->t, pc, &f))
			return n;
		fr[n] = (core_gframe){.pc = pc, .sp = sp, .fp = sp, .varp = sp, .argp = sp + a->min_frame};
		fn[n] = f;
		if (top_of_stack(pcln_name(&w->t, &f)))
			return n + 1;
		int32_t delta = pcln_value(&w->t, &f, w->t.f_pcsp, pc);
		if (delta < 0)
			return n + 1;
		uint64_t fp = sp + (uint64_t)delta + (a->link_register ? 0 : 8), ret = 0;
		fr[n].fp = fp;
		fr[n].varp = fp - (a->link_register ? 0 : 8);
		if (fr[n].varp > sp)
			fr[n].varp -= 8;
		fr[n].argp = fp + a->min_frame;
		bool ok = true;
		if (!a->link_register)
			ok = rd_u64(w, fp - 8, &ret);
		else if (n == 0 && fp == sp && lr)
			ret = lr;
		else
			ok = rd_u64(w, sp, &ret);
		if (!ok || ret == 0)
			return n + 1;
		pc = ret;
		sp = fp;
		if (n == max - 1)
			*more = true;
	}
	return max;
}

static int unwind(gwalk *w, uint64_t pc, uint64_t sp, uint64_t lr, bool all, bool trap)
{
	core_gframe fr[MAX_FRAMES];
	pcln_func fn[MAX_FRAMES];
	bool more;
	int n = walk_frames(w, pc, sp, lr, fr, fn, MAX_FRAMES, &more), shown = 0;
	w->last_id = 0;   /* funcID_normal */
	for (int i = 0; i < n; i++)
		shown = print_frame(w, &fn[i], fr[i].pc, all, trap && i == 0, shown);
	if (more)
		out(w, "...additional frames elided...\n");
	return shown;
}

/* A Go string at addr as a C string (cut at MAX_LABEL_STR bytes). */
static char *label_str(gwalk *w, uint64_t addr)
{
	uint64_t p, n;
	if (!rd_u64(w, addr + w->str_ptr, &p) || !rd_u64(w, addr + w->str_len, &n))
		return NULL;
	n = n > MAX_LABEL_STR ? MAX_LABEL_STR : n;
	char *s = malloc((size_t)n + 1);
	if (!s) {
		w->nomem = true;
		return NULL;
	}
	if (n && !hs_core_read(w->c, p, s, (size_t)n)) {
		free(s);
		return NULL;
	}
	s[n] = '\0';
	return s;
}

static bool label_slot(void *ctx, uint64_t key, uint64_t val)
{
	gwalk *w = ctx;
	if (w->nlabels == w->caplabels) {
		size_t nc = w->caplabels ? w->caplabels * 2 : 64;
		glabel *nl = realloc(w->labels, nc * sizeof *nl);
		if (!nl) {
			w->nomem = true;
			return false;
		}
		w->labels = nl;
		w->caplabels = nc;
	}
	char *k = label_str(w, key), *v = k ? label_str(w, val) : NULL;
	if (!v) {
		free(k);
		return !w->nomem;   /* an unreadable entry is left out */
	}
	w->labels[w->nlabels++] = (glabel){w->ngs, k, v};
	return true;
}

static int cmp_label(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return strcmp(((const glabel *)a)->key, ((const glabel *)b)->key);
}

/* The pprof labels of the goroutine at gaddr, as the next one written:
 * none when g.labels or its map is nil or not in the core. */
static void read_labels(gwalk *w, uint64_t gaddr)
{
	uint64_t lp, hmap, first = w->nlabels;
	if (!w->g_labels || !rd_u64(w, gaddr + w->g_labels, &lp) || !lp || !rd_u64(w, lp, &hmap) ||
	    !hmap)
		return;
	core_map_each(w->c, &w->lmap, hmap, MAX_LABEL_BUCKETS, label_slot, w);
	for (; w->nlabels - first > MAX_LABELS; w->nlabels--) {
		free(w->labels[w->nlabels - 1].key);
		free(w->labels[w->nlabels - 1].val);
	}
	hs_sort(w->labels + first, w->nlabels - first, sizeof *w->labels, cmp_label, NULL);
}

static void free_labels(gwalk *w)
{
	for (size_t i = 0; i < w->nlabels; i++) {
		free(w->labels[i].key);
		free(w->labels[i].val);
	}
	free(w->labels);
}

/* hs_gtext_labels_fn: the labels of the goroutine at index i of the text
 * (asked for in the text's order, which is the labels' order). */
static hs_err push_labels(void *ctx, size_t i, hs_profile *p, hs_error *err)
{
	gwalk *w = ctx;
	while (w->next_label < w->nlabels && w->labels[w->next_label].g < i)
		w->next_label++;
	for (; w->next_label < w->nlabels && w->labels[w->next_label].g == i; w->next_label++)
		if (hs_profile_push_str_label(p, w->labels[w->next_label].key,
		                              w->labels[w->next_label].val))
			return hs_fail(err, HS_E_NOMEM, NULL);
	return HS_OK;
}

static void header(gwalk *w, const gstate *s)
{
	uint64_t st = s->status & ~(uint64_t)w->g_scan;
	char sbuf[128];
	const char *status = st < w->nstatus ? go_string(w, w->status_strs, st, sbuf, sizeof sbuf) : NULL;
	if (st == (uint64_t)w->g_waiting && s->waitreason && s->waitreason < w->nwait) {
		const char *why = go_string(w, w->wait_strs, s->waitreason, sbuf, sizeof sbuf);
		status = why ? why : status;
	}
	out(w, "goroutine %llu [%s", (unsigned long long)s->goid, status ? status : "???");
	if (s->status & (uint64_t)w->g_scan)
		out(w, " (scan)");
	if ((st == (uint64_t)w->g_waiting || st == (uint64_t)w->g_syscall) && s->waitsince &&
	    w->now > s->waitsince && (w->now - s->waitsince) / 60000000000u >= 1)
		out(w, ", %llu minutes", (unsigned long long)((w->now - s->waitsince) / 60000000000u));
	if (s->lockedm)
		out(w, ", locked to thread");
	out(w, "]:\n");
}

/* The thread whose id is m's procid. */
static const hs_core_thread *thread_of(const gwalk *w, uint64_t m)
{
	uint64_t tid;
	if (!m || !rd_u64(w, m + w->m_procid, &tid))
		return NULL;
	for (size_t i = 0; i < hs_core_nthreads(w->c); i++) {
		const hs_core_thread *t = hs_core_thread_at(w->c, i);
		if (t->tid == tid)
			return t;
	}
	return NULL;
}

static bool on_stack_of(const gwalk *w, uint64_t gp, uint64_t sp)
{
	uint64_t lo, hi;
	return gp && rd_u64(w, gp + w->g[G_STACK_LO].off, &lo) &&
	       rd_u64(w, gp + w->g[G_STACK_HI].off, &hi) && sp >= lo && sp < hi;
}

/* The registers a signal interrupted, for a thread inside the runtime's
 * signal handler: its frames up to runtime.sigtramp, the handler the
 * kernel called, whose caller is the kernel's signal frame (its pc and
 * sp at the architecture's offsets from sigtramp's frame top,
 * core_arch.sig_pc/sig_sp). */
static bool signal_context(const gwalk *w, uint64_t *pc, uint64_t *sp, uint64_t lr)
{
	enum { MAX_SIGNAL_FRAMES = 32 };
	const core_arch *a = w->c->arch;
	core_gframe fr[MAX_SIGNAL_FRAMES];
	pcln_func fn[MAX_SIGNAL_FRAMES];
	bool more;
	int n = walk_frames(w, *pc, *sp, lr, fr, fn, MAX_SIGNAL_FRAMES, &more);
	for (int i = 0; i < n; i++)
		if (strcmp(pcln_name(&w->t, &fn[i]), "runtime.sigtramp") == 0)
			return fr[i].fp != fr[i].sp && rd_u64(w, fr[i].fp + a->sig_pc, pc) &&
			       rd_u64(w, fr[i].fp + a->sig_sp, sp);
	return false;
}

/* Where a running goroutine's code is, as the runtime's crash traceback
 * finds it (signal_unix.go sighandler, traceback.go): its thread's
 * registers when the thread is on the goroutine's own stack; when the
 * thread is in the signal handler (m.gsignal's stack: a core written
 * under GOTRACEBACK=crash), the registers the signal interrupted (on an
 * architecture whose signal frame is not known, the thread's registers,
 * conservatively).  false when the goroutine's code is not on its stack:
 * the thread is on g0 (systemstack, morestack) and the goroutine is where
 * it left its stack. */
static bool running_at(const gwalk *w, const gstate *s, uint64_t *pc, uint64_t *sp,
                       uint64_t *lr)
{
	const hs_core_thread *t = thread_of(w, s->m);
	uint64_t gsignal;
	if (!t)
		return false;
	*pc = t->pc;
	*sp = t->sp;
	*lr = t->lr;
	if (rd_u64(w, s->m + w->m_gsignal, &gsignal) && on_stack_of(w, gsignal, *sp)) {
		if (!w->c->arch->sig_pc)
			return true;
		if (!signal_context(w, pc, sp, *lr))
			return false;
		*lr = 0;
	}
	return *sp >= s->stack_lo && *sp < s->stack_hi;
}

static bool system_goroutine(const gwalk *w, const gstate *s)
{
	pcln_func f;
	if (!pcln_find(&w->t, s->startpc, &f))
		return false;
	const char *name = pcln_name(&w->t, &f);
	if (strcmp(name, "runtime.main") == 0)
		return false;
	if (strcmp(name, "runtime.runfinq") == 0)
		return !w->fing_running;
	return strncmp(name, "runtime.", 8) == 0;
}

/* Where a goroutine's stack walk starts: its saved context, the
 * syscall's (no link register: gentraceback's lr0 = 0), or where it runs
 * (running_at; *trap: an interrupted pc, not a return address).  A
 * goroutine running on g0 starts, as the runtime's traceback of it does,
 * at its syscall's context or else g.sched; with neither, at its
 * thread's registers (the g0 frames, conservatively). */
static void start_at(const gwalk *w, const gstate *s, uint64_t *pc, uint64_t *sp, uint64_t *lr,
                     bool *trap)
{
	uint64_t st = s->status & ~(uint64_t)w->g_scan;
	*pc = s->pc;
	*sp = s->sp;
	*lr = s->lr;
	*trap = false;
	if (st == (uint64_t)w->g_syscall && s->syscallsp) {
		*pc = s->syscallpc;
		*sp = s->syscallsp;
		*lr = 0;
	} else if (st == (uint64_t)w->g_running) {
		uint64_t rpc, rsp, rlr;
		const hs_core_thread *t;
		if (running_at(w, s, &rpc, &rsp, &rlr)) {
			*pc = rpc;
			*sp = rsp;
			*lr = rlr;
			*trap = true;
		} else if (s->syscallsp) {
			*pc = s->syscallpc;
			*sp = s->syscallsp;
			*lr = 0;
		} else if (!s->sp && (t = thread_of(w, s->m)) != NULL) {
			*pc = t->pc;
			*sp = t->sp;
			*lr = t->lr;
			*trap = true;
		}
	}
}

static void goroutine(gwalk *w, const gstate *s, uint64_t gaddr)
{
	uint64_t st = s->status & ~(uint64_t)w->g_scan, pc, sp, lr;
	bool trap;
	if (st == (uint64_t)w->g_dead || (!w->system && system_goroutine(w, s)))
		return;
	if (w->len)
		out(w, "\n");     /* between goroutines, as the runtime prints them */
	if (w->want_labels)
		read_labels(w, gaddr);
	w->ngs++;
	header(w, s);
	start_at(w, s, &pc, &sp, &lr, &trap);
	if (unwind(w, pc, sp, lr, w->system, trap) == 0)
		unwind(w, pc, sp, lr, true, trap);   /* as the runtime does when nothing was shown */
	pcln_func f;
	if (s->goid != 1 && pcln_find(&w->t, s->gopc, &f)) {
		const char *name = pcln_name(&w->t, &f), *file;
		int32_t line;
		uint64_t tracepc = s->gopc > f.entry ? s->gopc - 1 : s->gopc;
		pcln_line(&w->t, &f, tracepc, &file, &line);
		w->last_id = 0;
		if (w->system || show(w, name, pcln_funcid(&w->t, &f), false)) {
			out(w, "created by %s", name);
			if (s->parent)
				out(w, " in goroutine %llu", (unsigned long long)s->parent);
			out(w, "\n\t%s:%d", file, (int)line);
			if (s->gopc > f.entry)
				out(w, " +0x%llx", (unsigned long long)(s->gopc - f.entry));
			out(w, "\n");
		}
	}
}

static hs_err walk_allgs(gwalk *w, void (*each)(gwalk *, const gstate *, uint64_t),
                         hs_error *err)
{
	uint64_t addr, arr_off, len_off, arr, n;
	uint32_t type, mt;
	if (!hs_dwarf_global(w->d, "runtime.allgs", &addr, &type) ||
	    !hs_dwarf_member(w->d, type, "array", &arr_off, &mt) ||
	    !hs_dwarf_member(w->d, type, "len", &len_off, &mt))
		return need(err, "runtime.allgs slice");
	addr += hs_core_bias(w->c);
	if (!rd_u64(w, addr + arr_off, &arr) || !rd_u64(w, addr + len_off, &n))
		return hs_fail(err, HS_E_CORRUPT, "runtime.allgs (0x%llx) is not in the core",
		               (unsigned long long)addr);
	if (n > MAX_GOROUTINES)
		return hs_fail(err, HS_E_CORRUPT, "runtime.allgs claims %llu goroutines",
		               (unsigned long long)n);
	for (uint64_t i = 0; i < n && !w->nomem; i++) {
		uint64_t gp;
		gstate s;
		if (!rd_u64(w, arr + i * 8, &gp) || !read_g(w, gp, &s))
			return hs_fail(err, HS_E_CORRUPT, "goroutine %llu of runtime.allgs (0x%llx) is "
			               "not in the core", (unsigned long long)i, (unsigned long long)gp);
		each(w, &s, gp);
	}
	return w->nomem ? hs_fail(err, HS_E_NOMEM, NULL) : HS_OK;
}

/* The goroutines of the core as text into w, and their labels when
 * labels is set (the text alone carries none). */
static hs_err write_text(gwalk *w, hs_core *c, bool system, bool labels, hs_error *err)
{
	memset(w, 0, sizeof *w);
	w->system = system;
	w->want_labels = labels;
	w->c = c;
	w->d = c->dwarf;
	hs_err rc = setup(w, err);
	if (rc == HS_OK)
		rc = pcln_open(&w->t, c, w->d, err);
	if (rc == HS_OK)
		rc = walk_allgs(w, goroutine, err);
	pcln_release(&w->t);
	if (rc == HS_OK && !w->buf)
		out(w, "%s", "");    /* no goroutine: an empty string, not NULL */
	if (rc == HS_OK && w->nomem)
		rc = hs_fail(err, HS_E_NOMEM, NULL);
	if (rc != HS_OK) {
		free(w->buf);
		w->buf = NULL;
		free_labels(w);
		w->labels = NULL;
		w->nlabels = 0;
	}
	return rc;
}

hs_err hs_core_goroutine_text(hs_core *c, bool system, char **text, size_t *len, hs_error *err)
{
	gwalk w;
	*text = NULL;
	*len = 0;
	hs_err rc = write_text(&w, c, system, false, err);
	free_labels(&w);
	if (rc != HS_OK)
		return rc;
	*text = w.buf;
	*len = w.len;
	return HS_OK;
}

hs_err hs_core_goroutines(hs_core *c, hs_profile *p, hs_error *err)
{
	gwalk w;
	hs_err rc = write_text(&w, c, false, true, err);
	if (rc != HS_OK)
		return rc;
	if (w.len == 0)
		rc = hs_fail(err, HS_E_FORMAT, "the core holds no user goroutines");
	else
		rc = hs_goroutine_text_decode_labeled(p, (const uint8_t *)w.buf, w.len, push_labels,
		                                      &w, err);
	free(w.buf);
	free_labels(&w);
	return rc;
}

hs_err core_exe_error(hs_error *err, hs_err rc, const char *exe_path)
{
	char what[sizeof err->detail];
	memcpy(what, err->detail, sizeof what);
	hs_error_clear(err);
	/* the executable's name is shortened when the message is long */
	return hs_fail(err, rc, "--exe '%.60s': %.170s", exe_path, what);
}

hs_err hs_core_load_profile(hs_profile *p, hs_input *in, const char *exe_path, hs_error *err)
{
	if (!exe_path) {
		hs_input_release(in);
		memset(in, 0, sizeof *in);
		return hs_fail(err, HS_E_USAGE, p->core_heap ? HS_CORE_HEAP_NEEDS_EXE : HS_CORE_NEEDS_EXE);
	}
	hs_core *c;
	hs_core_side side;
	hs_input mine = *in;
	memset(in, 0, sizeof *in);
	hs_err rc = hs_core_open_input(&c, &mine, exe_path, &side, err);
	/* The file is a core: what is wrong with it (or its executable) is no
	 * "not a profile" (HS_E_FORMAT), which commands reading many kinds of
	 * files set aside without a word. */
	if (rc == HS_E_FORMAT)
		rc = err->code = HS_E_INVALID;
	if (rc != HS_OK)
		return side == HS_CORE_SIDE_EXE ? core_exe_error(err, rc, exe_path) : rc;
	rc = p->core_heap ? hs_core_heap_profile(c, p, err) : hs_core_goroutines(c, p, err);
	hs_core_close(c);
	if (rc == HS_E_FORMAT)
		rc = err->code = HS_E_INVALID;
	return rc;
}

/* One goroutine's frames for core_each_goroutine. */
static void visit(gwalk *w, const gstate *s, uint64_t gaddr)
{
	enum { MAX_HEAP_FRAMES = 1024 };
	uint64_t st = s->status & ~(uint64_t)w->g_scan, pc, sp, lr;
	if (w->rc != HS_OK || st == (uint64_t)w->g_dead)
		return;
	core_gframe fr[MAX_HEAP_FRAMES];
	pcln_func fn[MAX_HEAP_FRAMES];
	bool more, trap;
	start_at(w, s, &pc, &sp, &lr, &trap);
	int n = walk_frames(w, pc, sp, lr, fr, fn, MAX_HEAP_FRAMES, &more);
	for (int i = 0; i < n; i++)
		fr[i].func = pcln_name(&w->t, &fn[i]);
	char sbuf[128];
	const char *why = NULL;
	if (st == (uint64_t)w->g_waiting && s->waitreason < w->nwait)
		why = go_string(w, w->wait_strs, s->waitreason, sbuf, sizeof sbuf);
	core_ginfo g = {.addr = gaddr, .goid = s->goid, .gopc = s->gopc, .status = st,
	                .waitsince = s->waitsince, .stack_lo = s->stack_lo, .stack_hi = s->stack_hi,
	                .sp = sp, .system = system_goroutine(w, s), .waitreason = why ? why : "",
	                .pcln = &w->t};
	w->rc = w->fn(w->ctx, &g, fr, (size_t)n, w->err);
}

hs_err core_each_goroutine(hs_core *c, const pcln *t, core_g_fn fn, void *ctx, hs_error *err)
{
	gwalk w;
	memset(&w, 0, sizeof w);
	w.c = c;
	w.d = c->dwarf;
	w.fn = fn;
	w.ctx = ctx;
	w.err = err;
	hs_err rc = setup(&w, err);
	if (rc == HS_OK && t)
		w.t = *t;             /* a shallow copy: the tables stay the caller's */
	else if (rc == HS_OK)
		rc = pcln_open(&w.t, c, w.d, err);
	if (rc == HS_OK)
		rc = walk_allgs(&w, visit, err);
	if (rc == HS_OK)
		rc = w.rc;
	if (!t)
		pcln_release(&w.t);
	return rc;
}
