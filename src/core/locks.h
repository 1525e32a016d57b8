/* Private: the lock sites of `heapscope blocking` (rules in
 * heapscope/blocking.h).  The samples that can matter are kept, with their
 * lines, until hs_locks_finish: whose code a frame is, and so which
 * function and site a lock operation belongs to, is known only once every
 * input has been seen. */
#ifndef HS_CORE_LOCKS_H
#define HS_CORE_LOCKS_H

#include "stacks.h"

typedef struct hs_locks hs_locks;

hs_locks *hs_locks_new(void);        /* NULL on no memory */
void hs_locks_free(hs_locks *l);     /* NULL-safe */
/* Keep what p shows for lock sites: contention samples at a lock
 * operation (src HS_SRC_CONTENTION), dump and goroutine profile samples
 * (HS_SRC_DUMP, HS_SRC_GOROUTINE), or, with src HS_SRC_NONE, the samples of
 * CPU profile `name`.  Stacks are interned in st.  A contention file's
 * moment (hs_file_moment) orders it; `cumulative`: a block or mutex
 * profile, counting from the process start (a trace's waits are not). */
hs_err hs_locks_add(hs_locks *l, hs_stacks *st, const hs_profile *p, hs_wait_source src,
                    const char *name, int64_t moment, bool cumulative, hs_error *err);
/* Build the sites (st's owner finished); `timed`: the files' moments
 * order them (hs_moments_order), else the order given does.  False on no
 * memory. */
bool hs_locks_finish(hs_locks *l, const hs_stacks *st, bool timed);
size_t hs_locks_n(const hs_locks *l);
/* The site where func does a lock operation (an Unlock/RUnlock when
 * holding, else a Lock/RLock) on an RWMutex (rw) or a Mutex; -1 for none. */
int64_t hs_locks_site_of(const hs_locks *l, const char *func, bool rw, bool holding,
                         hs_lock_op *op);
const hs_lock_site *hs_locks_at(const hs_locks *l, size_t i);

#endif
