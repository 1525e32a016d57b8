/* Replays fuzz corpora as an ordinary test: every file in the given
 * directories (or the files themselves) goes through the target once.
 * Linked instead of libFuzzer when fuzzing is not built.  Every argument
 * must exist and give at least one input: an empty or absent corpus fails
 * (the arguments are the repository's own corpora and testdata). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return 1;
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int before = files;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "FAIL: %s is absent\n", argv[i]);
			bad++;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad += run_file(argv[i]);
			files++;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				bad += run_file(path);
				files++;
			}
		}
		if (d)
			closedir(d);
		printf("%s: %d inputs\n", argv[i], files - before);
		if (files == before) {
			fprintf(stderr, "FAIL: %s holds no input\n", argv[i]);
			bad++;
		}
	}
	printf("replayed %d inputs, minimum %d (one per argument)\n", files, argc - 1);
	return bad || files < argc - 1 ? 1 : 0;
}
