/* Private to the flame graph writer: the tree of distinct frames that
 * flame.c merges stacks into and flame_svg.c draws. */
#ifndef HS_OUTPUT_FLAME_TREE_H
#define HS_OUTPUT_FLAME_TREE_H

#include "../core/hashmap.h"
#include "flame.h"

enum { FLAME_ROOT = 0 };

typedef struct flame_node {
	uint32_t name;       /* index into flame.names; UINT32_MAX for the root */
	uint32_t parent;
	uint32_t depth;      /* the root is 0 */
	int64_t total;       /* NEW's value through this frame */
	int64_t self[2];     /* NEW's and BASE's values of the stacks ending here */
	int64_t start;       /* set by flame_layout: left edge, in value units */
} flame_node;

struct flame {
	hs_arena arena;          /* the names */
	hs_strmap name_index;    /* name -> index into names */
	hs_vec names;            /* const char * */
	hs_idmap kids;           /* parent << 32 | name -> node */
	hs_vec nodes;            /* flame_node; FLAME_ROOT first */
	uint32_t *order;         /* set by flame_layout: the root, then each node's callees */
};

#define FLAME_NODE(f, i) HS_VEC_AT(&(f)->nodes, flame_node, i)

/* Order siblings as flamegraph.pl's sorted lines do and place every frame
 * (start); false when out of memory. */
bool flame_layout(flame *f);

#endif
