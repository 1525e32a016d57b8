/* heapscope triage's lock contention findings (heapscope/triage.h). */
#ifndef HEAPSCOPE_CORE_TRIAGE_LOCKS_H
#define HEAPSCOPE_CORE_TRIAGE_LOCKS_H

#include "heapscope/triage.h"

/* Append to locks (hs_triage_lock) one entry per lock site of b that
 * goroutines waited for, its evidence copied into a; inv (or NULL) says
 * which files are cumulative block profiles.  false when out of memory. */
bool hs_triage_build_locks(const hs_blocking *b, const struct hs_inventory *inv,
                           size_t nsnapshots, hs_arena *a, hs_vec *locks);

#endif
