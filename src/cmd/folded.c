/* heapscope folded: one line per distinct stack, for flamegraph.pl.
 * Grammar and traps: ../shared/FOLDED.md (stack SP count, ';' splits). */
#include <stdlib.h>
#include <string.h>

#include "../output/folded_name.h"
#include "../core/hashmap.h"
#include "cmd.h"

typedef struct fold_ctx {
	const hs_view *v;
	hs_arena arena;
	hs_strmap index;       /* stack bytes -> slot in sums */
	hs_vec sums;           /* stack_sum2 */
} fold_ctx;

typedef struct stack_sum2 {
	const uint32_t *ids;
	uint32_t len;
	int64_t value;
} stack_sum2;

static const fold_ctx *sort_ctx;

static int cmp_stacks(const void *pa, const void *pb)
{
	const stack_sum2 *a = pa, *b = pb;
	const hs_vec *nodes = &sort_ctx->v->nodes;
	for (uint32_t i = 0; i < a->len && i < b->len; i++) {
		int c = strcmp(HS_VEC_AT(nodes, hs_node_info, a->ids[i]).name,
		               HS_VEC_AT(nodes, hs_node_info, b->ids[i]).name);
		if (c)
			return c;
	}
	return a->len < b->len ? -1 : a->len > b->len;
}

static bool fold_sample(fold_ctx *c, const uint32_t *ids, size_t n, int64_t val)
{
	size_t bytes = n * sizeof *ids;
	uint32_t slot = hs_strmap_get(&c->index, (const char *)ids, bytes);
	if (slot == UINT32_MAX) {
		uint32_t *copy = hs_arena_alloc(&c->arena, bytes ? bytes : 1);
		stack_sum2 *s = copy ? hs_vec_push(&c->sums, 1) : NULL;
		if (!s)
			return false;
		memcpy(copy, ids, bytes);
		s->ids = copy;
		s->len = (uint32_t)n;
		slot = (uint32_t)(c->sums.len - 1);
		if (hs_strmap_get_or_put(&c->index, (const char *)copy, bytes, slot) == UINT32_MAX)
			return false;
	}
	stack_sum2 *sum = &HS_VEC_AT(&c->sums, stack_sum2, slot);
	sum->value = hs_add(sum->value, val);
	return true;
}

/* Sanitized names per node, inner and leaf forms, made once. */
static bool clean_names(fold_ctx *c, char ***inner, char ***leaf)
{
	size_t nn = c->v->nodes.len;
	*inner = calloc(nn + 1, sizeof **inner);
	*leaf = calloc(nn + 1, sizeof **leaf);
	if (!*inner || !*leaf)
		return false;
	for (size_t i = 0; i < nn; i++) {
		const char *name = HS_VEC_AT(&c->v->nodes, hs_node_info, i).name;
		(*inner)[i] = folded_name(&c->arena, name, false);
		(*leaf)[i] = folded_name(&c->arena, name, true);
		if (!(*inner)[i] || !(*leaf)[i])
			return false;
	}
	return true;
}

static bool print_folded(FILE *out, fold_ctx *c)
{
	sort_ctx = c;
	if (c->sums.len)
		qsort(c->sums.data, c->sums.len, sizeof(stack_sum2), cmp_stacks);
	sort_ctx = NULL;
	char **inner, **leaf;
	bool ok = clean_names(c, &inner, &leaf);
	for (size_t i = 0; ok && i < c->sums.len; i++) {
		const stack_sum2 *s = &HS_VEC_AT(&c->sums, stack_sum2, i);
		if (s->value == 0 || s->len == 0)
			continue;
		for (uint32_t k = 0; k < s->len; k++) {
			if (k)
				putc(';', out);
			fputs(k == s->len - 1 ? leaf[s->ids[k]] : inner[s->ids[k]], out);
		}
		fprintf(out, " %lld\n", (long long)s->value);
	}
	free(inner);
	free(leaf);
	return ok;
}

static int fold(const hs_view *v, FILE *out)
{
	fold_ctx c = {.v = v};
	hs_arena_init(&c.arena);
	hs_vec_init(&c.sums, sizeof(stack_sum2));
	size_t maxf = hs_view_max_frames(v);
	uint32_t *ids = malloc((maxf + 1) * sizeof *ids);
	bool ok = ids && hs_strmap_init(&c.index, v->p->nstacks + 16);
	const hs_profile *p = v->p;
	for (uint32_t id = 0; ok && id < p->nstacks; id++) {
		if (!v->stack_live[id])
			continue;
		size_t n = hs_view_stack_frames(v, id, ids, NULL);
		ok = fold_sample(&c, ids, n, v->stack_value[id]);
	}
	if (!ok || !print_folded(out, &c)) {
		ok = false;
		cli_error("out of memory folding stacks");
	}
	free(ids);
	hs_strmap_release(&c.index);
	hs_vec_release(&c.sums);
	hs_arena_release(&c.arena);
	return ok ? HS_EXIT_OK : HS_EXIT_USAGE;
}

int cmd_folded_with(int argc, char **argv, const cli_loader *load)
{
	cli_opts o;
	const hs_command *cmd = hs_find_command("folded");
	int rc = cli_parse(cmd, argc, argv, &o);
	if (rc)
		return rc < 0 ? HS_EXIT_OK : rc;
	o.load = load;
	if (o.nfiles != 1) {
		cli_error("folded: takes exactly one profile");
		return HS_EXIT_USAGE;
	}
	hs_profile p;
	hs_view v;
	hs_profile_init(&p);
	rc = HS_EXIT_USAGE;
	if (cli_load_opts(&p, o.files[0], &o) && cli_view(&v, &p, o.files[0], &o)) {
		FILE *out = cli_open_output(&o);
		if (out) {
			rc = fold(&v, out);
			if (!cli_close_output(out, &o))
				rc = HS_EXIT_USAGE;
		}
		hs_view_release(&v);
	}
	hs_profile_release(&p);
	return rc;
}

int cmd_folded(int argc, char **argv)
{
	return cmd_folded_with(argc, argv, NULL);
}
