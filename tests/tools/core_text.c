/* core_text [--system] CORE EXE: the goroutines of a core as
 * runtime.Stack text (hs_core_goroutine_text; --system: the runtime's
 * goroutines and frames too), to set beside the program's own
 * runtime.Stack output and gdb's `info goroutines`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/core.h"

int main(int argc, char **argv)
{
	bool system = argc == 4 && strcmp(argv[1], "--system") == 0;
	argv += system;
	argc -= system;
	if (argc != 3) {
		fprintf(stderr, "usage: core_text [--system] CORE EXE\n");
		return 2;
	}
	hs_input in;
	hs_error e;
	hs_error_clear(&e);
	hs_core *c = NULL;
	hs_core_side side;
	char *text = NULL;
	size_t n = 0;
	if (hs_input_open(&in, argv[1], 0, &e) != HS_OK ||
	    hs_core_open_input(&c, &in, argv[2], &side, &e) != HS_OK ||
	    hs_core_goroutine_text(c, system, &text, &n, &e) != HS_OK) {
		fprintf(stderr, "core_text: %s\n", e.detail);
		hs_core_close(c);
		return 2;
	}
	fwrite(text, 1, n, stdout);
	fprintf(stderr, "core_text: %llu bytes of data kept\n",
	        (unsigned long long)hs_core_data_bytes(c));
	free(text);
	hs_core_close(c);
	return 0;
}
