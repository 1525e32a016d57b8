/* Differential folded stacks, "root;...;leaf BASE NEW", the form
 * FlameGraph's difffolded.pl writes and flamegraph.pl draws (width from
 * NEW, colour from the difference).  Grammar: ../shared/FOLDED.md. */
#include "diff_out.h"
#include "folded_stacks.h"

/* Both sides' values of a stack; a stack at 0 in both is left out. */
static bool sides(const void *ctx, uint32_t id, int64_t *vals)
{
	const hs_diff_sums *s = ctx;
	vals[0] = s->stack[HS_DIFF_BASE][id];
	vals[1] = s->stack[HS_DIFF_NEW][id];
	return vals[0] != 0 || vals[1] != 0;
}

bool diff_print_folded(FILE *out, const hs_view *v, const hs_diff_sums *s)
{
	return folded_write(out, v, s->nstacks, 2, sides, s);
}
