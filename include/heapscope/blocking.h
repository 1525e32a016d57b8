/* heapscope: where goroutines wait (`heapscope blocking`), and the wait
 * classification `heapscope leaks` shares.
 *
 * Wait kinds, one vocabulary for dumps and profiles:
 *   select        runtime.selectgo / runtime.block, state "select"
 *   chan send     runtime.chansend1 / chansend, state "chan send"
 *   chan receive  runtime.chanrecv1 / chanrecv2 / chanrecv, "chan receive"
 *   nil chan      states "chan send (nil chan)", "chan receive (nil chan)"
 *   mutex         sync.(*Mutex).Lock / Unlock (a mutex profile's leaf)
 *   rwmutex       sync.(*RWMutex).Lock / RLock / Unlock / RUnlock
 *   waitgroup     sync.(*WaitGroup).Wait
 *   cond          sync.(*Cond).Wait, state "sync.Cond.Wait"
 *   network       internal/poll.*, net.*, state "IO wait"
 *   syscall       syscall.*, state "syscall"
 *   sleep         time.Sleep, state "sleep"
 *   other         any other wait state
 * A dump's state decides when it is specific; "semacquire" (Go 1.19's
 * state for every sync wait) and profiles without states go by the
 * blocking frame: the first recognised frame, leaf first, before the
 * first user frame.  Running and runnable goroutines do not wait.
 *
 * The user frame (the culprit) is the first frame, leaf first, outside
 * the plumbing: runtime., runtime/..., internal/..., sync., sync/atomic.,
 * syscall., time., net., os., io., bufio., reflect.  When every frame is
 * plumbing the culprit is the leaf and the goroutine counts as runtime
 * internals.  The core never prints. */
#ifndef HEAPSCOPE_BLOCKING_H
#define HEAPSCOPE_BLOCKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/arena.h"
#include "heapscope/error.h"
#include "heapscope/model.h"

typedef enum hs_wait_kind {
	HS_WAIT_NONE = 0,     /* running, runnable: not waiting */
	HS_WAIT_SELECT,
	HS_WAIT_CHAN_SEND,
	HS_WAIT_CHAN_RECV,
	HS_WAIT_NIL_CHAN,
	HS_WAIT_MUTEX,
	HS_WAIT_RWMUTEX,
	HS_WAIT_WAITGROUP,
	HS_WAIT_COND,
	HS_WAIT_NETWORK,
	HS_WAIT_SYSCALL,
	HS_WAIT_SLEEP,
	HS_WAIT_OTHER,
	HS_WAIT_NKINDS
} hs_wait_kind;

/* "select", "chan send", ... ("none" for HS_WAIT_NONE). */
const char *hs_wait_kind_name(hs_wait_kind k);
/* One line on what a wait of this kind means and where to look. */
const char *hs_wait_kind_hint(hs_wait_kind k);
/* True for functions of the plumbing listed above. */
bool hs_is_plumbing(const char *func);
/* Index of the user frame in funcs (leaf first); n when there is none. */
size_t hs_user_frame(const char *const *funcs, size_t n);
/* The kind the frames show (HS_WAIT_NONE when no blocking frame). */
hs_wait_kind hs_wait_kind_from_frames(const char *const *funcs, size_t n);
/* The kind a dump state names: HS_WAIT_NONE for running/runnable,
 * HS_WAIT_OTHER for a wait the state alone does not place. */
hs_wait_kind hs_wait_kind_from_state(const char *state);
/* Both together as described above; state NULL for a profile. */
hs_wait_kind hs_wait_classify(const char *state, const char *const *funcs, size_t n);

/* One goroutine (or a profile sample), classified. */
typedef struct hs_wait_info {
	hs_wait_kind kind;
	const char *culprit;      /* the user frame, or the leaf */
	bool runtime_only;        /* no user frame */
	const char *state;        /* "" unless a dump */
	const char *created_by;   /* "" unless a dump */
	int64_t wait_minutes;
	int64_t dump;             /* the "dump" label, 0 when absent */
} hs_wait_info;

/* Classify sample s of p (a dump when p->format is HS_FMT_GOROUTINE_DUMP).
 * Strings point into p. */
void hs_wait_info_of(const hs_profile *p, size_t s, hs_wait_info *wi);

/* What a profile holds for `blocking`. */
typedef enum hs_wait_source {
	HS_SRC_NONE = 0,
	HS_SRC_DUMP,          /* goroutine dump: waits going on, with states */
	HS_SRC_GOROUTINE,     /* goroutine profile: waits going on */
	HS_SRC_CONTENTION,    /* block or mutex profile: waits that ended */
} hs_wait_source;
hs_wait_source hs_wait_source_of(const hs_profile *p);

typedef struct hs_hotspot {
	const char *culprit;
	hs_wait_kind kind;
	int64_t goroutines;       /* most waiting at once in one snapshot */
	int64_t wait_minutes;     /* longest wait seen in a dump */
	int64_t contentions, delay_ns;
	hs_vec evidence;          /* const char *: one line per source */
} hs_hotspot;

typedef struct hs_blocking {
	hs_arena arena;
	hs_vec hotspots;          /* hs_hotspot; sorted by finish */
	void *index;              /* culprit+kind -> hotspot (private) */
} hs_blocking;

hs_err hs_blocking_init(hs_blocking *b, hs_error *err);
void hs_blocking_release(hs_blocking *b);
/* Add a loaded profile; `name` labels its evidence.  HS_E_USAGE when the
 * profile is none of a dump, a goroutine, block or mutex profile.  Each
 * file (and each "dump" label in it) is one snapshot: a hotspot's
 * goroutines are the most seen in one snapshot, not a sum. */
hs_err hs_blocking_add(hs_blocking *b, const hs_profile *p, const char *name, hs_error *err);
/* Rank: goroutines, then delay, then contentions, then culprit. */
void hs_blocking_finish(hs_blocking *b);
static inline size_t hs_blocking_n(const hs_blocking *b) { return b->hotspots.len; }
static inline const hs_hotspot *hs_blocking_at(const hs_blocking *b, size_t i)
{
	return &HS_VEC_AT(&b->hotspots, hs_hotspot, i);
}

#endif
