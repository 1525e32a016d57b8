/* Test tool: load an execution trace through hs_trace_load and print, as
 * one JSON object, what the loader delivered: counts per normalized event
 * kind, GO_BLOCK counts per wait kind, goroutines created, the trace info,
 * or the error.  With --events it prints every event, one per line, for
 * the unit tests' hand checks.  With --whole the file is read into memory
 * and decompressed at once (hs_input_from_buffer), not streamed by the
 * background inflater (tests/conformance/check_trace_stream.py compares
 * the two).  Built for tests only. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heapscope/trace.h"

static const char *const kind_names[HS_TEV_COUNT] = {
	"GO_CREATE", "GO_EXISTING", "GO_START", "GO_STOP", "GO_BLOCK", "GO_UNBLOCK", "GO_END",
	"SYSCALL", "SYSCALL_BLOCK", "SYSCALL_EXIT", "PROC_START", "PROC_STOP", "GC_START",
	"GC_END", "STW_START", "STW_END", "HEAP_ALLOC", "HEAP_GOAL", "CPU_SAMPLE",
	"TASK_BEGIN", "TASK_END", "REGION_BEGIN", "REGION_END", "LOG",
};

typedef struct counts {
	uint64_t kind[HS_TEV_COUNT];
	uint64_t wait[HS_TWAIT_COUNT];
	int64_t last_ts;
	bool ordered;
	bool print;
} counts;

static hs_err sink(void *ctx, const hs_tev *ev)
{
	counts *c = ctx;
	if ((unsigned)ev->kind >= HS_TEV_COUNT)
		return HS_E_INVALID;
	c->kind[ev->kind]++;
	if (ev->kind == HS_TEV_GO_BLOCK && (unsigned)ev->wait < HS_TWAIT_COUNT)
		c->wait[ev->wait]++;
	if (ev->ts < c->last_ts)
		c->ordered = false;
	c->last_ts = ev->ts;
	if (c->print)
		printf("%" PRId64 " %s g=%" PRIu64 " p=%" PRId64 " stack=%u arg0=%" PRIu64
		       " arg1=%" PRIu64 " wait=%s str=%.*s\n",
		       ev->ts, kind_names[ev->kind], ev->g, ev->p, ev->stack, ev->arg0, ev->arg1,
		       hs_twait_name(ev->wait), (int)ev->str_len, ev->str ? ev->str : "");
	return HS_OK;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	putchar('"');
}

int main(int argc, char **argv)
{
	counts c = {.ordered = true};
	const char *path = NULL;
	bool whole = false;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--events") == 0)
			c.print = true;
		else if (strcmp(argv[i], "--whole") == 0)
			whole = true;
		else
			path = argv[i];
	if (!path) {
		fprintf(stderr, "usage: trace_count [--events] [--whole] FILE\n");
		return 2;
	}
	hs_input in;
	hs_error err = {0};
	hs_trace_info info;
	memset(&info, 0, sizeof info);
	hs_profile stacks;
	hs_profile_init(&stacks);
	hs_err rc;
	if (whole) {
		FILE *f = fopen(path, "rb");
		size_t n = 0, cap = 1 << 16;
		uint8_t *buf = malloc(cap);
		for (size_t got; f && buf && (got = fread(buf + n, 1, cap - n, f)) > 0;) {
			n += got;
			if (n == cap) {
				uint8_t *nb = realloc(buf, cap *= 2);
				if (!nb)
					break;
				buf = nb;
			}
		}
		rc = f && buf ? hs_input_from_buffer(&in, buf, n, 0, &err) : HS_E_IO;
		if (f)
			fclose(f);
		free(buf);
	} else {
		rc = hs_input_open(&in, path, 0, &err);
	}
	if (rc == HS_OK) {
		rc = hs_trace_load(&in, &stacks, sink, &c, &info, &err);
		hs_input_release(&in);
	}
	printf("{\"ok\": %s", rc == HS_OK ? "true" : "false");
	if (rc != HS_OK) {
		char buf[400];
		hs_error_format(&err, buf, sizeof buf);
		printf(", \"code\": %d, \"error\": ", (int)rc);
		json_str(buf);
		printf(", \"offset\": %" PRIu64, err.has_offset ? err.offset : 0);
	}
	printf(", \"version\": %d, \"events\": %" PRIu64 ", \"generations\": %" PRIu64
	       ", \"duration_ns\": %" PRId64 ", \"ticks_per_sec\": %" PRId64
	       ", \"ordered\": %s, \"stacks\": %zu, \"truncated\": %s",
	       info.go_version, info.events, info.generations, info.duration_ns,
	       info.ticks_per_sec, c.ordered ? "true" : "false", stacks.nstacks,
	       info.truncated ? "true" : "false");
	if (info.truncated) {
		printf(", \"truncated_at\": %" PRIu64 ", \"truncated_why\": ", info.truncated_at);
		json_str(info.truncated_why);
	}
	printf(", \"kinds\": {");
	for (int k = 0; k < HS_TEV_COUNT; k++)
		printf("%s\"%s\": %" PRIu64, k ? ", " : "", kind_names[k], c.kind[k]);
	printf("}, \"blocks\": {");
	for (int w = 0; w < HS_TWAIT_COUNT; w++)
		printf("%s\"%s\": %" PRIu64, w ? ", " : "", hs_twait_name((hs_twait)w), c.wait[w]);
	printf("}}\n");
	hs_profile_release(&stacks);
	return rc == HS_OK ? 0 : 1;
}
