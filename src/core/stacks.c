/* heapscope: stacks kept for the own-code culprit (stacks.h). */
#include <stdlib.h>
#include <string.h>

#include "stacks.h"

bool hs_stacks_init(hs_stacks *s)
{
	memset(s, 0, sizeof *s);
	hs_arena_init(&s->arena);
	hs_strvec_init(&s->string_list);
	hs_stack_vec_init(&s->stacks);
	if (!hs_strmap_init(&s->strings, 256))
		return false;
	if (!hs_strmap_init(&s->index, 256)) {
		hs_strmap_release(&s->strings);
		return false;
	}
	s->owner = hs_owner_new();
	if (!s->owner) {
		hs_strmap_release(&s->index);
		hs_strmap_release(&s->strings);
		return false;
	}
	return true;
}

void hs_stacks_release(hs_stacks *s)
{
	hs_owner_free(s->owner);
	hs_strmap_release(&s->strings);
	hs_strmap_release(&s->index);
	hs_strvec_release(&s->string_list);
	hs_stack_vec_release(&s->stacks);
	hs_arena_release(&s->arena);
}

hs_err hs_stacks_add_functions(hs_stacks *s, const hs_profile *p, hs_error *err)
{
	for (size_t i = 0; i < p->functions.len; i++) {
		const hs_function *f = hs_function_at(p, i);
		const char *file = hs_s(p, f->filename);
		if (hs_owner_add_frame(s->owner, hs_s(p, f->name), *file ? file : NULL) != HS_OK)
			return hs_fail(err, HS_E_NOMEM, "out of memory");
	}
	return HS_OK;
}

/* The one copy of string str (NULL stays NULL), NULL on no memory. */
static const char *intern(hs_stacks *s, const char *str, bool *ok)
{
	if (!str)
		return NULL;
	size_t n = strlen(str);
	uint32_t i = hs_strmap_get(&s->strings, str, n);
	if (i != UINT32_MAX)
		return *hs_strvec_at(&s->string_list, i);
	char *c = hs_arena_strndup(&s->arena, str, n);
	const char **slot = c ? hs_strvec_push(&s->string_list) : NULL;
	if (!slot || hs_strmap_get_or_put(&s->strings, c, n,
	                                  (uint32_t)(hs_strvec_len(&s->string_list) - 1)) ==
	                 UINT32_MAX) {
		*ok = false;
		return NULL;
	}
	return *slot = c;
}

/* A new stack of n frames from the arena, NULL on no memory. */
static hs_stack *new_stack(hs_stacks *s, size_t n)
{
	size_t k = n ? n : 1;
	const char **funcs = hs_arena_alloc(&s->arena, k * sizeof *funcs);
	const char **files = hs_arena_alloc(&s->arena, k * sizeof *files);
	bool *inl = hs_arena_alloc(&s->arena, k * sizeof *inl);
	hs_stack *st = funcs && files && inl ? hs_stack_vec_push(&s->stacks) : NULL;
	if (st)
		*st = (hs_stack){funcs, files, inl, n};
	return st;
}

const char *hs_stacks_string(hs_stacks *s, const char *str, bool *ok)
{
	return intern(s, str, ok);
}

/* The id of the stack of n frames (n <= HS_STACKS_MAX_FRAMES), each
 * function and file name already interned, UINT32_MAX on no memory. */
static uint32_t intern_frames(hs_stacks *s, const char *const *funcs, const char *const *files,
                              const bool *inl, size_t n)
{
	typedef struct {
		const char *func, *file;
		size_t inl;
	} key_frame;
	key_frame key[HS_STACKS_MAX_FRAMES];
	memset(key, 0, sizeof key);
	for (size_t i = 0; i < n; i++)
		key[i] = (key_frame){funcs[i], files ? files[i] : NULL, inl && inl[i]};
	size_t kl = n * sizeof key[0];
	uint32_t id = hs_strmap_get(&s->index, (const char *)key, kl);
	if (id != UINT32_MAX)
		return id;
	char *kc = hs_arena_alloc(&s->arena, kl ? kl : 1);
	hs_stack *st = kc ? new_stack(s, n) : NULL;
	if (!st)
		return UINT32_MAX;
	memcpy(kc, key, kl);
	for (size_t i = 0; i < n; i++) {
		st->funcs[i] = key[i].func;
		st->files[i] = key[i].file;
		st->inl[i] = key[i].inl != 0;
	}
	id = (uint32_t)(hs_stack_vec_len(&s->stacks) - 1);
	return hs_strmap_get_or_put(&s->index, kc, kl, id);
}

uint32_t hs_stacks_intern(hs_stacks *s, const char *const *funcs, const char *const *files,
                          const bool *inl, size_t n)
{
	if (n > HS_STACKS_MAX_FRAMES)
		n = HS_STACKS_MAX_FRAMES;
	const char *fn[HS_STACKS_MAX_FRAMES], *fl[HS_STACKS_MAX_FRAMES];
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		fn[i] = intern(s, funcs[i] ? funcs[i] : "", &ok);
		fl[i] = intern(s, files ? files[i] : NULL, &ok);
	}
	return ok ? intern_frames(s, fn, fl, inl, n) : UINT32_MAX;
}

uint32_t hs_stacks_intern_interned(hs_stacks *s, const char *const *funcs,
                                   const char *const *files, const bool *inl, size_t n)
{
	if (n > HS_STACKS_MAX_FRAMES)
		n = HS_STACKS_MAX_FRAMES;
	return intern_frames(s, funcs, files, inl, n);
}

size_t hs_sample_frames_lines(const hs_profile *p, size_t sample, const char **funcs,
                              const char **files, bool *inl, int32_t *lines, size_t max)
{
	size_t n = 0;
	uint32_t ns;
	const uint32_t *st = hs_sample_stack(p, sample, &ns);
	for (uint32_t i = 0; i < ns && n < max; i++) {
		const hs_location *l = hs_location_at(p, st[i]);
		for (uint32_t j = 0; j < l->nlines && n < max; j++) {
			const hs_line *ln = hs_line_at(p, l->line_start + j);
			const hs_function *f = ln->function < p->functions.len
			                           ? hs_function_at(p, ln->function) : NULL;
			if (funcs)
				funcs[n] = f ? hs_s(p, f->name) : "";
			if (files)
				files[n] = f && *hs_s(p, f->filename) ? hs_s(p, f->filename) : NULL;
			if (inl)
				inl[n] = j + 1 < l->nlines;
			if (lines)
				lines[n] = ln->line > 0 && ln->line <= INT32_MAX ? (int32_t)ln->line : 0;
			n++;
		}
	}
	return n;
}

size_t hs_sample_frames(const hs_profile *p, size_t sample, const char **funcs,
                        const char **files, bool *inl, size_t max)
{
	return hs_sample_frames_lines(p, sample, funcs, files, inl, NULL, max);
}

uint32_t hs_stacks_of_sample(hs_stacks *st, const hs_profile *p, size_t s)
{
	const char *funcs[HS_STACKS_MAX_FRAMES], *files[HS_STACKS_MAX_FRAMES];
	bool inl[HS_STACKS_MAX_FRAMES];
	size_t n = hs_sample_frames(p, s, funcs, files, inl, HS_STACKS_MAX_FRAMES);
	return hs_stacks_intern(st, funcs, files, inl, n);
}

const hs_stack *hs_stacks_at(const hs_stacks *s, uint32_t id)
{
	return hs_stack_vec_at(&s->stacks, id);
}

const char *hs_stacks_culprit(const hs_stacks *s, uint32_t id, hs_chain *chain)
{
	*chain = (hs_chain){NULL, NULL, 0};
	const hs_stack *st = hs_stacks_at(s, id);
	const char *const *funcs = st->funcs, *const *files = st->files;
	size_t c;
	if (!hs_owner_culprit(s->owner, funcs, files, st->n, &c))
		return NULL;
	size_t end = hs_owner_chain_end(s->owner, funcs, files, c);
	*chain = (hs_chain){funcs + end, st->inl + end, c - end + 1};
	return funcs[c];
}
