/* heapscope: where goroutines wait (`heapscope blocking`), and the wait
 * classification `heapscope leaks` shares.
 *
 * Wait kinds, one vocabulary for dumps and profiles:
 *   select        runtime.selectgo / runtime.block, state "select"
 *   chan send     runtime.chansend1 / chansend, state "chan send"
 *   chan receive  runtime.chanrecv1 / chanrecv2 / chanrecv, "chan receive"
 *   nil chan      states "chan send (nil chan)", "chan receive (nil chan)"
 *   mutex         sync.(*Mutex).Lock / Unlock (a mutex profile's leaf)
 *   rwmutex       sync.(*RWMutex).Lock / RLock / Unlock / RUnlock, also
 *                 when the leaf is the sync.(*Mutex) inside its Lock/Unlock
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
 * The user frame is the first frame, leaf first, outside the plumbing:
 * runtime., runtime/..., internal/..., sync., sync/atomic., syscall.,
 * time., net., os., io., bufio., reflect.  When every frame is plumbing
 * it is the leaf and the goroutine counts as runtime internals.  Hotspots
 * (and leaks' goroutine groups) are keyed by user frame and wait kind; the
 * culprit shown is the innermost own frame (heapscope/frames.h) of the
 * first stack seen in the group, with the main module inferred from every
 * input added, and the user frame when no frame is own.  The core never
 * prints. */
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

#include "heapscope/idle.h"   /* after hs_wait_kind, which it uses */

/* "select", "chan send", ... ("none" for HS_WAIT_NONE). */
const char *hs_wait_kind_name(hs_wait_kind k);
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
/* The state a goroutine dump would show for a wait derived from a stack
 * (a goroutine profile has none): "select", "chan send", "chan receive",
 * "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
 * "sync.Cond.Wait", "IO wait", "syscall", "sleep"; else "unknown".  Every
 * command reads a profile's states through this one derivation. */
const char *hs_wait_state_of(hs_wait_kind k);

/* The frames from a culprit down to where its chain ends
 * (hs_owner_chain_end), leaf first: funcs[n - 1] is the culprit, funcs[0]
 * the innermost frame shown; inlined[i]: funcs[i] was inlined into its
 * caller.  n is 0 when no frame of the stack is own code. */
typedef struct hs_chain {
	const char *const *funcs;
	const bool *inlined;
	size_t n;
} hs_chain;

/* One goroutine (or a profile sample), classified. */
/* The side of a lock a contention sample is on: a block profile records
 * where goroutines waited to acquire (Lock, RLock, a channel...), Go's
 * mutex profile where the holder released (Unlock, RUnlock: its delay is
 * the time others waited for that release).  The two are never summed. */
typedef enum hs_lock_side { HS_SIDE_NONE = 0, HS_SIDE_WAITING, HS_SIDE_HOLDING } hs_lock_side;
const char *hs_lock_side_name(hs_lock_side s);   /* "", "waiting", "holding" */

typedef struct hs_wait_info {
	hs_wait_kind kind;
	bool releasing;           /* an Unlock/RUnlock below the user frame */
	const char *culprit;      /* the user frame, or the leaf */
	bool runtime_only;        /* no user frame */
	const char *state;        /* "" unless a dump */
	const char *created_by;   /* "" unless a dump */
	int64_t wait_minutes;
	int64_t dump;             /* the "dump" label, 0 when absent */
	/* a trace's (trace_analysis.h): the creation stack's functions, one per
	 * line (NULL when unknown); its go statement's goroutines started and
	 * ended (-1 when unknown) */
	const char *created_stack;
	int64_t site_created, site_ended;
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

/* What one file showed of a hotspot: numbers, the writers say it. */
typedef struct hs_wait_evidence {
	const char *file;         /* the name given to hs_blocking_add */
	hs_wait_source source;    /* dump, goroutine or contention profile */
	/* dumps and goroutine profiles */
	int64_t goroutines;       /* most in one snapshot of the file */
	int64_t snapshots;        /* "dump" labels it was seen in (1 without) */
	bool grows_within;        /* its count per dump of the file grows
	                           * (hs_series_grows, HS_IDLE_GROWTH_STEP):
	                           * a log of dumps appended over time */
	int64_t wait_minutes;     /* longest wait (dumps) */
	const char *state;        /* the dump state (47 bytes at most), "" else */
	/* block and mutex profiles: waits that ended */
	int64_t contentions, delay_ns;
	/* a trace's goroutines: of `goroutines` (alive at its end), those it
	 * saw created; the rest were there when it started.  -1 for other files */
	int64_t created;
	int64_t moment;           /* the file's (hs_file_moment), for the order */
	uint32_t seq;             /* the file's place in the order given */
	size_t input;             /* its entry in the inventory (hs_blocking_add_input) */
} hs_wait_evidence;
HS_VEC_TYPED(hs_wait_evidence_vec, hs_wait_evidence)

typedef struct hs_hotspot {
	const char *culprit;      /* the own frame, else the user frame */
	hs_chain chain;           /* below the own frame */
	hs_wait_kind kind;
	hs_lock_side side;        /* contention: waiting or holding; else none */
	int64_t goroutines;       /* most waiting at once in one snapshot */
	int64_t wait_minutes;     /* longest wait seen in a dump */
	/* Block and mutex profiles count from the process start: when one
	 * shows the hotspot (its side is one kind's), the last such profile's
	 * values (time order, else the order given; hs_blocking_finish), not a
	 * sum, and a trace's waits, which that profile holds too, are not
	 * added; the traces' sum when no contention profile shows it. */
	int64_t contentions, delay_ns;
	hs_wait_evidence_vec evidence;   /* one per file that shows it, in time
	                                    order (hs_blocking_finish) */
	hs_idle_class idle;       /* the class of its first stack while it stays
	                             idle (idle.h), else HS_IDLE_NONE */
} hs_hotspot;

/* The accumulator: opaque, from hs_blocking_new to hs_blocking_free. */
typedef struct hs_blocking hs_blocking;

hs_blocking *hs_blocking_new(hs_error *err);   /* NULL on no memory */
/* Own code = functions the regex matches (--own), not the inferred main
 * module; HS_E_REGEX when it does not compile. */
hs_err hs_blocking_set_own(hs_blocking *b, const char *re, hs_error *err);
void hs_blocking_free(hs_blocking *b);         /* NULL-safe */
/* Add a loaded profile; `name` labels its evidence.  HS_E_USAGE when the
 * profile is none of a dump, a goroutine, block, mutex or CPU profile (a
 * CPU profile only feeds the lock sites below).  Each
 * file (and each "dump" label in it) is one snapshot: a hotspot's
 * goroutines are the most seen in one snapshot, not a sum. */
hs_err hs_blocking_add(hs_blocking *b, const hs_profile *p, const char *name, hs_error *err);
/* A file holding only some goroutines (a trace, a heap dump:
 * hs_input_kind_partial) shows a goroutine it did not see block as
 * "waiting" with its start function or last stack: a trace's goroutines
 * from before it started, a heap dump's without a wait reason.  Such a
 * hotspot, every record of it from such files in state "waiting", is the
 * same goroutines as the hotspot of the same user frame whose wait is
 * known (the one with most goroutines): at finish it joins that one, its
 * count added to the record of the same file, not a group of its own. */
/* Name the culprits (own code, see above), class the idle waits
 * (heapscope/idle.h: a hotspot stays idle unless its goroutines, one count
 * per file in time order, grow or reach HS_IDLE_MAX_GROUP), then rank:
 * every idle hotspot after every other, then goroutines, then delay, then
 * contentions, then culprit.  Out of memory while inferring
 * the main module leaves the culprits it could not name as user frames. */
void hs_blocking_finish(hs_blocking *b);
/* hs_blocking_add for file `input` of the caller's inventory (inventory.h),
 * finished (hs_inventory_finish) before hs_blocking_finish, which then
 * leaves the twins out: a hotspot keeps the evidence of the files used, its
 * goroutines and wait are the most of those, and one only a twin showed is
 * gone; so is one only traces or heap dumps showed without contentions,
 * when a goroutine dump or profile is used.  inv outlives b. */
struct hs_inventory;
hs_err hs_blocking_add_input(hs_blocking *b, const hs_profile *p,
                             const struct hs_inventory *inv, size_t input, hs_error *err);
/* The hotspots, ranked after hs_blocking_finish; they live as long as b. */
size_t hs_blocking_n(const hs_blocking *b);
const hs_hotspot *hs_blocking_at(const hs_blocking *b, size_t i);

/* ---- lock sites ---------------------------------------------------------
 * A lock site links what waits for a lock to what holds it.  Go's block and
 * mutex profiles and goroutine dumps carry no lock address, so the site is
 * derived from code, by one rule:
 *
 *   1. The lock operation of a stack is the outermost frame of the leading
 *      run of runtime./sync. frames that is sync.(*Mutex).Lock/Unlock or
 *      sync.(*RWMutex).Lock/RLock/Unlock/RUnlock (so an RWMutex's Lock
 *      that waits in its inner sync.(*Mutex).Lock is a write Lock).  A
 *      block profile shows Lock/RLock (waits), the mutex profile
 *      Unlock/RUnlock (releases that others waited for), a dump Lock/RLock
 *      (goroutines waiting now).
 *   2. The function of the operation is the innermost own frame
 *      (heapscope/frames.h) above it, else the frame that calls it.
 *   3. The site is that function's receiver type, "pkg.(*T)" for methods
 *      of T and *T and closures inside them (generic arguments kept as Go
 *      prints them, "[...]"); for a plain function (and its closures) it is
 *      its package, "pkg".  Mutex and RWMutex operations make separate
 *      sites.
 *   4. A holder is a function with a Lock/Unlock (write) or RLock/RUnlock
 *      (read) at the site.  Its critical section is the lines strictly
 *      between the line of its lock call and that of its unlock call, as
 *      any input shows them; when one of the two is unknown that side is
 *      open, and a frame without a line (0) counts as inside.  A dump
 *      goroutine not waiting on a lock whose innermost holder frame is
 *      inside holds the lock now; a CPU sample whose innermost holder frame
 *      is inside ran under the lock, charged to the function that frame
 *      calls (or the holder itself, when it is the leaf).
 *   5. A hotspot waiting at a site is linked to the part holding it up:
 *      readers (RLock) to the writer (Unlock, else Lock), waiters in Lock
 *      to the release others waited for longest (Unlock or RUnlock:
 *      mutex profile delay, then goroutines inside); the write holder
 *      to its waiters (RLock, else Lock), a reader holding to the writers
 *      waiting (Lock); with the CPU the holder ran inside.
 *      Block and mutex profiles count from the process start: a part's
 *      numbers are, per function, those of the latest profile showing it
 *      (a trace's waits only where no profile shows the function).
 *
 * Limits: two locks of one type (say a sharded cache's shards, or a type
 * with two mutex fields) are one site; methods of different types sharing
 * one lock, or plain functions of one package using different locks, are
 * split or merged wrongly; a critical section ended by a deferred Unlock
 * runs up to the line where the function returns; CPU in callees reached
 * through a function that is not a holder is not seen. */
typedef enum hs_lock_op {
	HS_LOCK_OP_NONE = 0,
	HS_LOCK_OP_LOCK,      /* waiting for the (write) lock */
	HS_LOCK_OP_RLOCK,     /* waiting for a read lock */
	HS_LOCK_OP_UNLOCK,    /* releasing the (write) lock: its holder */
	HS_LOCK_OP_RUNLOCK,   /* releasing a read lock: a reader holding */
	HS_LOCK_NOPS
} hs_lock_op;
const char *hs_lock_op_name(hs_lock_op op);   /* "", "Lock", "RLock", "Unlock", "RUnlock" */

/* Rule 1 on a stack given leaf first: the operation, *index its frame and
 * *rw whether it is an RWMutex's; HS_LOCK_OP_NONE when there is none. */
hs_lock_op hs_lock_op_of(const char *const *funcs, size_t n, size_t *index, bool *rw);
/* Rule 3: the site of func written to buf (cut to size); true when it is
 * a receiver type, false for a package. */
bool hs_lock_site_key(const char *func, char *buf, size_t size);

/* One lock operation at a site, summed over the functions doing it. */
typedef struct hs_lock_part {
	const char *func;         /* the one with most delay, then goroutines,
	                             then name; NULL when nothing shows it */
	uint32_t nfuncs;          /* functions seen doing it */
	/* Lock/RLock: waiting in a dump; Unlock/RUnlock: inside the critical
	 * section in a dump (rule 4); most at once in one snapshot */
	int64_t goroutines;
	int64_t contentions, delay_ns;   /* block (Lock/RLock) or mutex profile */
} hs_lock_part;

/* What runs under the lock: CPU samples inside a holder (rule 4). */
typedef struct hs_lock_cpu {
	const char *holder;       /* the holder function */
	bool read;                /* a read holder (RLock/RUnlock) */
	const char *callee;       /* what it calls there; == holder: itself */
	int64_t samples, cpu_ns;
} hs_lock_cpu;
HS_VEC_TYPED(hs_lock_cpu_vec, hs_lock_cpu)

typedef struct hs_lock_site {
	const char *site;         /* "main.(*store)", or "main" */
	bool by_receiver;         /* site is a type, else a package */
	bool rw;                  /* RWMutex, else Mutex */
	hs_lock_part part[HS_LOCK_NOPS];   /* by hs_lock_op; [0] unused */
	int64_t cpu_ns[2];        /* under the write [0] and read [1] lock */
	const char *cpu_file;     /* the first CPU profile that showed it */
	hs_lock_cpu_vec cpu;      /* most CPU first */
} hs_lock_site;

/* The lock sites, after hs_blocking_finish; most waiting (delay, then
 * goroutines) first.  A CPU profile given to hs_blocking_add only feeds
 * them.  They live as long as b. */
size_t hs_blocking_nsites(const hs_blocking *b);
const hs_lock_site *hs_blocking_site(const hs_blocking *b, size_t i);
/* The index of the site a mutex or rwmutex hotspot's culprit takes part
 * in on the hotspot's side (a dump's waits: Lock/RLock), -1 for none. */
int64_t hs_blocking_lock_site_of(const hs_blocking *b, const hs_hotspot *h);
/* The link of a lock hotspot to the other side of its site: *op the
 * operation its culprit does there, *other the part across from it (rule
 * 5: readers waiting in RLock face the write holder, Unlock, else Lock;
 * waiters in Lock the release others waited for longest, Unlock or
 * RUnlock (mutex profile delay, then goroutines inside); the write
 * holder its waiters, RLock, else Lock; a reader holding the writers
 * waiting in Lock), HS_LOCK_OP_NONE when the site shows
 * none.  The site's index as hs_blocking_lock_site_of. */
int64_t hs_blocking_lock_link(const hs_blocking *b, const hs_hotspot *h, hs_lock_op *op,
                              hs_lock_op *other);

#endif
