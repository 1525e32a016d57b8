/* heapscope dot: placeholder until the DOT writer lands (same session). */
#include "cmd.h"

int cmd_dot(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("dot: not built yet");
	return HS_EXIT_USAGE;
}
