/* heapscope top: pprof's -top report. */
#include <string.h>

#include "../output/json.h"
#include "report_cmd.h"

static void top_json(FILE *out, const report_fmt *f)
{
	const hs_report *r = f->r;
	json_w w;
	json_init(&w, out);
	json_begin_object(&w);
	report_json_header(&w, f);
	json_key(&w, "rows");
	json_begin_array(&w);
	for (size_t i = 0; i < r->g.npresent; i++) {
		uint32_t id = r->g.present[i];
		const hs_node_info *ni = &HS_VEC_AT(&f->v->nodes, hs_node_info, id);
		json_begin_object(&w);
		json_key(&w, "name");
		json_string(&w, ni->name);
		json_key(&w, "flat");
		json_int(&w, r->g.flat[id]);
		json_key(&w, "cum");
		json_int(&w, r->g.cum[id]);
		const char *inl = hs_report_inline_label(r, id);
		if (*inl) {
			json_key(&w, "inline");
			json_string(&w, strcmp(inl, "(inline)") == 0 ? "inline" : "partial-inline");
		}
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

static const struct {
	const char *name;
	void (*print)(FILE *, const report_fmt *);
} top_formats[] = {
	{"text", print_top_text},
	{"json", top_json},
};

static int top_one(const cli_opts *o, FILE *out)
{
	report_cmd c;
	hs_report_opts ro = {.nodecount = o->nodecount < 0 ? 0 : o->nodecount,
	                     .nodefraction = o->nodefraction, .edgefraction = o->edgefraction,
	                     .cum_sort = o->cum};
	int rc = HS_EXIT_USAGE;
	if (report_cmd_open(&c, o, &ro)) {
		for (size_t i = 0; i < sizeof top_formats / sizeof top_formats[0]; i++)
			if (strcmp(o->format, top_formats[i].name) == 0)
				top_formats[i].print(out, &c.f);
		rc = HS_EXIT_OK;
	}
	report_cmd_close(&c);
	return rc;
}

static int run(const hs_command *self, cli_opts *o)
{
	return report_cmd_run(self, o, top_one);
}

static const cli_option options[] = {
	CLI_OPTS_REPORT,
	CLI_OPT_CUM,
	CLI_OPT_FORMAT,
	CLI_OPT_OUTPUT,
	CLI_OPT_ADDRESSES,
	CLI_OPT_END,
};

const hs_command cmd_top = {
	CLI_COMMAND("top", run, options, cli_opts, "text,json", "FILE",
	            "Functions by flat (or --cum) value, as go tool pprof -top prints them."),
};
