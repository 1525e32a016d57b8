/* heapscope heapdump FILE: what keeps a Go heap dump's bytes alive.  Leak
 * suspects first (as Eclipse MAT's report), then retainers by root, size
 * classes and allocation sites.  The core is src/core/heapdump_*.c; the
 * outputs are in src/output/heapdump_out.c. */
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "../output/heapdump_out.h"
#include "heapscope/core.h"
#include "heapscope/leaks.h"
#include "cmd.h"

typedef struct heapdump_opts {
	cli_opts c;
	const char *exe;
} heapdump_opts;

bool hd_load(hs_heapdump *h, const char *file)
{
	hs_error e;
	hs_error_clear(&e);
#ifdef M_MMAP_THRESHOLD
	/* The per-object arrays come and go phase by phase (tens of MiB
	 * each): give each its own mapping, returned when freed.  glibc's
	 * sliding threshold would put them on the heap after the first
	 * free, where a freed array below a live one stays resident. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	hs_heapdump_init(h);
	if (hs_heapdump_load(h, file, &e) != HS_OK) {
		cli_file_error(file, &e);
		hs_heapdump_release(h);
		return false;
	}
	return true;
}

bool hd_load_core(hs_heapdump *h, hs_symtab *syms, hs_profile *goroutines, bool *heap,
                  const char *file, const char *exe)
{
	hs_error e, refused;
	hs_error_clear(&e);
	hs_error_clear(&refused);
	hs_heapdump_init(h);
	hs_symtab_init(syms);
	hs_core_side side;
	if (hs_core_load_heapdump(h, syms, goroutines, file, exe, &side, heap ? &refused : NULL,
	                          &e) != HS_OK) {
		(void)side;   /* errors about the executable name it after the core */
		cli_file_error(file, &e);
		hs_heapdump_release(h);
		hs_symtab_release(syms);
		return false;
	}
	if (heap)
		*heap = refused.code == HS_OK;
	if (refused.code != HS_OK)
		cli_warn(file, "goroutines only: %s", refused.detail);
	return true;
}

bool hd_load_syms(hs_symtab *s, const char *exe)
{
	hs_error e;
	hs_error_clear(&e);
	hs_symtab_init(s);
	if (!exe)
		return true;
	if (hs_symtab_load(s, exe, &e) != HS_OK) {
		cli_file_error(exe, &e);
		hs_symtab_release(s);
		return false;
	}
	return true;
}

bool hd_load_any(hs_heapdump *h, hs_symtab *syms, hs_profile *goroutines, bool *heap,
                 const char *file, const char *exe, bool core)
{
	if (heap)
		*heap = true;
	if (exe && core)
		return hd_load_core(h, syms, goroutines, heap, file, exe);
	if (!hd_load_syms(syms, exe))
		return false;
	if (!hd_load(h, file)) {
		hs_symtab_release(syms);
		return false;
	}
	return true;
}

bool hd_analyze(hs_hd_analysis *a, const hs_heapdump *h, const hs_symtab *s, const char *file)
{
	if (s->n && !hs_symtab_matches(s, h)) {
		cli_file_fail(file, "not written by the --exe binary (dump: data 0x%llx, bss "
		              "0x%llx; binary: .data 0x%llx, .bss 0x%llx)",
		          (unsigned long long)h->data.addr, (unsigned long long)h->bss.addr,
		          (unsigned long long)s->data_addr, (unsigned long long)s->bss_addr);
		return false;
	}
	hs_hd_opts ho;
	hs_hd_opts_default(&ho);
	ho.syms = s->n ? s : NULL;
	hs_error e;
	hs_error_clear(&e);
	if (hs_hd_analyze(a, h, &ho, &e) != HS_OK) {
		char msg[300];
		hs_error_format(&e, msg, sizeof msg);
		cli_file_fail(file, "%s", msg);
		hs_hd_analysis_release(a);
		return false;
	}
	return true;
}

bool hd_load_goroutines(hs_profile *p, const char *file, const char *exe)
{
	hs_symtab syms;
	if (!hd_load_syms(&syms, exe))
		return false;
	hs_heapdump h;
	bool ok = hd_load(&h, file);
	if (ok && syms.n && !hs_symtab_matches(&syms, &h)) {
		cli_file_fail(file, "not written by the --exe binary");
		ok = false;
	}
	if (ok) {
		hs_error e;
		hs_error_clear(&e);
		if (hs_heapdump_goroutine_profile(p, &h, syms.n ? &syms : NULL, &e) != HS_OK) {
			cli_file_error(file, &e);
			ok = false;
		}
		hs_heapdump_release(&h);
	}
	hs_symtab_release(&syms);
	return ok;
}

static int run(const hs_command *self, cli_opts *op)
{
	(void)self;
	const cli_opts o = *op;
	const char *exe = ((const heapdump_opts *)op)->exe;
	int rc;
	if (o.nfiles != 1) {
		return cli_error("takes one heap dump (got %d)", o.nfiles);
	}
	hs_symtab syms;
	hs_heapdump h;
	if (!hd_load_any(&h, &syms, NULL, NULL, o.files[0], exe, exe && hs_core_sniff_file(o.files[0])))
		return HS_EXIT_USAGE;
	hs_hd_analysis a;
	rc = HS_EXIT_USAGE;
	if (hd_analyze(&a, &h, &syms, o.files[0])) {
		FILE *out = cli_open_output(&o);
		if (out) {
			hd_format_find(o.format)->write(out, &a, o.files[0]);
			rc = cli_close_output(out, &o) ? HS_EXIT_OK : HS_EXIT_USAGE;
		}
		hs_hd_analysis_release(&a);
	}
	hs_heapdump_release(&h);
	hs_symtab_release(&syms);
	return rc;
}

static const cli_option options[] = {
	CLI_OPT_FORMAT, CLI_OPT_OUTPUT, CLI_OPT_EXE(heapdump_opts, exe), CLI_OPT_END,
};

const hs_command cmd_heapdump = {
	CLI_COMMAND("heapdump", run, options, heapdump_opts, &heapdump_out_formats, "FILE",
	            "What keeps a Go heap dump's bytes alive: leak suspects, retainers by root, sites."),
};

bool cli_is_heap_input(hs_input_kind kind, const char *exe)
{
	return kind == HS_IN_HEAPDUMP || (exe && kind == HS_IN_CORE);
}

/* heapscope diff OLD NEW of heap dumps or cores (called by cmd_diff); each
 * names its globals: a dump from --exe, a core from its DWARF. */
int cmd_heapdump_diff(const cli_opts *o, const char *exe, const hs_input_kind kind[2])
{
	if (strcmp(o->format, "text") != 0 && strcmp(o->format, "json") != 0) {
		return cli_error("heap dumps compare as text or json, not '%s'", o->format);
	}
	hs_symtab syms[2];
	hs_heapdump h[2];
	hs_hd_analysis a[2];
	int loaded = 0, analyzed = 0, rc = HS_EXIT_USAGE;
	while (loaded < 2 && hd_load_any(&h[loaded], &syms[loaded], NULL, NULL, o->files[loaded], exe,
	                                 kind[loaded] == HS_IN_CORE)) {
		loaded++;
		if (!hd_analyze(&a[analyzed], &h[loaded - 1], &syms[loaded - 1], o->files[loaded - 1]))
			break;
		analyzed++;
	}
	if (analyzed == 2) {
		FILE *out = cli_open_output(o);
		if (out) {
			hd_write_diff(out, &a[0], &a[1], o->files[0], o->files[1],
			              strcmp(o->format, "json") == 0);
			rc = cli_close_output(out, o) ? HS_EXIT_OK : HS_EXIT_USAGE;
		}
	}
	for (int i = 0; i < analyzed; i++)
		hs_hd_analysis_release(&a[i]);
	for (int i = 0; i < loaded; i++) {
		hs_heapdump_release(&h[i]);
		hs_symtab_release(&syms[i]);
	}
	return rc;
}

/* Goroutines p of `file` (a heap dump's, or a core's read with its heap:
 * a whole goroutine snapshot, as when leaks reads the core alone), as
 * input `input` of the command's inventory inv (NULL: leaks keeps its
 * own); false after printing why. */
static bool leaks_goroutines(struct hs_leaks *l, const hs_profile *p, const char *file,
                             hs_inventory *inv, size_t input)
{
	hs_error e;
	hs_error_clear(&e);
	hs_err rc = inv ? hs_leaks_add_input(l, p, inv, input, &e) : hs_leaks_add(l, p, file, &e);
	if (rc != HS_OK)
		cli_file_error(file, &e);
	return rc == HS_OK;
}

/* The dump's goroutines as a goroutine dump (hs_heapdump_goroutine_profile). */
static bool leaks_dump_goroutines(struct hs_leaks *l, const hs_heapdump *h, const hs_symtab *syms,
                                  const char *file, hs_inventory *inv, size_t input)
{
	hs_profile p;
	hs_profile_init(&p);
	hs_error e;
	hs_error_clear(&e);
	bool ok = hs_heapdump_goroutine_profile(&p, h, syms->n ? syms : NULL, &e) == HS_OK;
	if (!ok)
		cli_file_error(file, &e);
	ok = ok && leaks_goroutines(l, &p, file, inv, input);
	hs_profile_release(&p);
	return ok;
}

int hd_leaks_add(struct hs_leaks *l, const char *file, bool core, const char *exe,
                 hs_inventory *inv, size_t input)
{
	hs_symtab syms;
	hs_heapdump h;
	hs_profile core_gs;   /* a core's goroutines, read with its heap */
	hs_profile_init(&core_gs);
	bool heap;
	if (!hd_load_any(&h, &syms, &core_gs, &heap, file, exe, core)) {
		hs_profile_release(&core_gs);
		return HS_EXIT_USAGE;
	}
	hs_hd_analysis a;
	int rc = HS_EXIT_USAGE;
	if (!heap)   /* a core whose heap is refused: its goroutines */
		rc = leaks_goroutines(l, &core_gs, file, inv, input) ? HS_EXIT_OK : HS_EXIT_USAGE;
	else if (hd_analyze(&a, &h, &syms, file)) {
		hs_error e;
		hs_error_clear(&e);
		if (hs_leaks_add_heapdump(l, file, &a, &e) != HS_OK)
			cli_file_fail(file, "%s", hs_strerror(e.code));
		else if (core_gs.from_core ? leaks_goroutines(l, &core_gs, file, inv, input)
		                           : leaks_dump_goroutines(l, &h, &syms, file, inv, input))
			rc = HS_EXIT_OK;
		hs_hd_analysis_release(&a);
	}
	hs_profile_release(&core_gs);
	hs_heapdump_release(&h);
	hs_symtab_release(&syms);
	return rc;
}
