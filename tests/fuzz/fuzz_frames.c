/* libFuzzer target for whose-code (src/core/frames.c): lines of
 * "FUNC<TAB>FILE" are fed to an owner, which then classifies every frame
 * and finds the culprit and chain of them all as one stack (leaf first).
 * A first line "!" sets an override regex.  Nothing may crash, read out of
 * bounds or keep more than the owner's bounds. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/output/chain.h"
#include "heapscope/frames.h"

enum { MAX_FRAMES = 256 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Split text (NUL-terminated, modified) into funcs and files. */
static size_t split(char *text, const char **funcs, const char **files)
{
	size_t n = 0;
	for (char *line = text; line && n < MAX_FRAMES;) {
		char *nl = strchr(line, '\n'), *tab;
		if (nl)
			*nl = '\0';
		tab = strchr(line, '\t');
		if (tab)
			*tab = '\0';
		funcs[n] = line;
		files[n++] = tab ? tab + 1 : NULL;
		line = nl ? nl + 1 : NULL;
	}
	return n;
}

static void run(hs_owner *o, const char **funcs, const char **files, size_t n)
{
	const char *const *fu = funcs, *const *fi = files;
	bool inl[MAX_FRAMES];
	char buf[64];
	size_t c;
	for (size_t i = 0; i < n; i++) {
		(void)hs_owner_add_frame(o, funcs[i], files[i]);
		inl[i] = i % 2 == 0;
	}
	(void)hs_owner_finish(o);
	for (size_t i = 0; i < n; i++)
		(void)hs_frame_class_name(hs_owner_classify(o, funcs[i], files[i]));
	for (size_t i = 0; i < hs_owner_nprefixes(o); i++)
		(void)strlen(hs_owner_prefix(o, i));
	if (hs_owner_culprit(o, fu, fi, n, &c)) {
		size_t end = hs_owner_chain_end(o, fu, fi, c);
		(void)chain_format(buf, sizeof buf, fu, inl, c, end);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *funcs[MAX_FRAMES], *files[MAX_FRAMES];
	char *text = malloc(size + 1);
	hs_owner *o = hs_owner_new();
	if (text && o) {
		memcpy(text, data, size);
		text[size] = '\0';
		size_t n = split(text, funcs, files);
		hs_error e;
		hs_error_clear(&e);
		if (n > 0 && strcmp(funcs[0], "!") == 0)
			(void)hs_owner_set_regex(o, "^example\\.com/", &e);
		run(o, funcs, files, n);
	}
	hs_owner_free(o);
	free(text);
	return 0;
}
