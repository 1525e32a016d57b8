/* core_text CORE EXE: the goroutines of a core as runtime.Stack text
 * (hs_core_goroutine_text), for tests/golden/verify_core.py to set beside
 * the program's own runtime.Stack output. */
#include <stdio.h>
#include <stdlib.h>

#include "heapscope/core.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: core_text CORE EXE\n");
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
	    hs_core_goroutine_text(c, &text, &n, &e) != HS_OK) {
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
