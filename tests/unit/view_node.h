/* Test helper: the id of the node named `name` in a view; fails the test
 * when there is none.  Include after cmocka.h. */
#ifndef HS_TEST_VIEW_NODE_H
#define HS_TEST_VIEW_NODE_H

#include <string.h>

#include "heapscope/graph.h"

static inline uint32_t node(const hs_view *v, const char *name)
{
	for (uint32_t i = 0; i < v->nodes.len; i++)
		if (strcmp(hs_view_node(v, i)->name, name) == 0)
			return i;
	fail_msg("no node %s", name);
	return 0;
}

#endif
