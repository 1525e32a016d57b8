/* Private to the flame graph writer: the stacks flame.c collects, and the
 * frames its sweep keeps for flame_svg.c to draw. */
#ifndef HS_OUTPUT_FLAME_TREE_H
#define HS_OUTPUT_FLAME_TREE_H

#include "../core/hashmap.h"
#include "flame.h"

/* A distinct frame sequence of one view, root first, names as indices
 * into flame.names (ranks in sibling order once flame_sweep sorted them). */
typedef struct flame_stack {
	uint32_t *frames;
	uint32_t len;
	int64_t v[2];        /* FLAME_NEW, FLAME_BASE */
} flame_stack;

struct flame {
	hs_arena arena;          /* names and frame sequences */
	hs_strmap name_index;    /* name -> index into names */
	hs_vec names;            /* const char * */
	hs_vec stacks;           /* flame_stack */
	int64_t total;           /* NEW's values summed */
};

/* A frame to draw: left edge and width in value units. */
typedef struct flame_frame {
	const char *name;        /* NULL: the root, "all" */
	uint32_t depth;          /* the root is 0 */
	int64_t start, total;
	int64_t delta;           /* NEW - BASE of the stacks ending here */
} flame_frame;

typedef struct flame_drawn {
	hs_vec frames;           /* flame_frame */
	size_t trimmed;          /* frames narrower than min_value */
	uint32_t maxdepth;       /* of the drawn frames */
	int64_t maxdelta;        /* largest |delta| of any frame, at least 1 */
} flame_drawn;

/* Sort the stacks as flamegraph.pl sorts folded lines (a name compared as
 * if followed by ';', so siblings are in its order and a frame's own value
 * comes before its callees) and sweep them as its flow() does: each frame
 * closes when the next stack leaves it, and is kept when its value is at
 * least min_value.  The root is always kept.  False when out of memory;
 * release d->frames after. */
bool flame_sweep(flame *f, double min_value, flame_drawn *d);

#endif
