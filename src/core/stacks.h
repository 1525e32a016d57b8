/* Private: the stacks an analysis keeps past their profiles, so that it
 * can name a culprit once the owner (heapscope/frames.h) has seen the
 * frames of every input.  Strings and stacks are interned: a stack seen
 * again, in any profile, keeps its id. */
#ifndef HS_CORE_STACKS_H
#define HS_CORE_STACKS_H

#include "hashmap.h"
#include "heapscope/blocking.h"
#include "heapscope/frames.h"

/* One interned stack, leaf first; inl[i]: funcs[i] was inlined into its
 * caller. */
typedef struct hs_stack {
	const char **funcs, **files;
	bool *inl;
	size_t n;
} hs_stack;
HS_VEC_TYPED(hs_stack_vec, hs_stack)

typedef struct hs_stacks {
	hs_arena arena;
	hs_strmap strings;        /* interned function and file names */
	hs_strvec string_list;
	hs_strmap index;          /* frames -> stack id */
	hs_stack_vec stacks;
	hs_owner *owner;
} hs_stacks;

enum { HS_STACKS_MAX_FRAMES = 256 };

bool hs_stacks_init(hs_stacks *s);   /* false on no memory */
void hs_stacks_release(hs_stacks *s);
/* Feed every function of p to the owner. */
hs_err hs_stacks_add_functions(hs_stacks *s, const hs_profile *p, hs_error *err);
/* The id of a stack given leaf first (files and inl may be NULL),
 * UINT32_MAX on no memory. */
uint32_t hs_stacks_intern(hs_stacks *s, const char *const *funcs, const char *const *files,
                          const bool *inl, size_t n);
/* The one copy of str kept by s (NULL stays NULL); *ok is set false on no
 * memory.  Stacks of such copies go to hs_stacks_intern_interned, which
 * skips looking each name up again. */
const char *hs_stacks_string(hs_stacks *s, const char *str, bool *ok);
uint32_t hs_stacks_intern_interned(hs_stacks *s, const char *const *funcs,
                                   const char *const *files, const bool *inl, size_t n);
/* Sample `sample` of p, inlined frames apart, at most `max` frames leaf
 * first: the count. */
size_t hs_sample_frames(const hs_profile *p, size_t sample, const char **funcs,
                        const char **files, bool *inl, size_t max);
/* The same with each frame's line (0 when unknown or past int32); any of
 * funcs, files, inl, lines may be NULL. */
size_t hs_sample_frames_lines(const hs_profile *p, size_t sample, const char **funcs,
                              const char **files, bool *inl, int32_t *lines, size_t max);
/* The id of sample s of p's stack, UINT32_MAX on no memory. */
uint32_t hs_stacks_of_sample(hs_stacks *st, const hs_profile *p, size_t s);
const hs_stack *hs_stacks_at(const hs_stacks *s, uint32_t id);
/* Own-code culprit of stack id (after hs_owner_finish): its name and the
 * chain below it, or NULL and an empty chain when no frame is own. */
const char *hs_stacks_culprit(const hs_stacks *s, uint32_t id, hs_chain *chain);

#endif
