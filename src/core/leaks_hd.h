/* The heap dump part of hs_leaks (src/core/leaks_heapdump.c): the
 * suspects of each dump, candidates of kind retention at finish.  Private
 * to the core: leaks.c holds one and calls these three. */
#ifndef HS_CORE_LEAKS_HD_H
#define HS_CORE_LEAKS_HD_H

#include "heapscope/leaks.h"

typedef struct leaks_hd leaks_hd;

/* leaks.c: where hs_leaks keeps its leaks_hd (NULL until a dump comes). */
leaks_hd **hs_leaks_hd_slot(hs_leaks *l);
void leaks_hd_free(leaks_hd *hd);   /* NULL-safe */
/* The retention candidates, one per owner key, in *out (n of them; they
 * and what they point to live as long as hd).  hd may be NULL. */
hs_err leaks_hd_finish(leaks_hd *hd, const hs_leak **out, size_t *n, hs_error *err);

#endif
