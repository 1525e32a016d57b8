/* The "inputs" array of --format json (inputs_out.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "inputs_out.h"

static const char *const kind_words[HS_IN_NKINDS] = {
	"heap profile", "heap profile (debug=1)", "allocs profile", "goroutine dump (debug=2)",
	"goroutine profile", "goroutine profile (debug=1)", "cpu profile",
	"block or mutex profile", "threadcreate profile", "profile", "execution trace",
	"gctrace log", "heap dump", "core file", "other file", "unreadable file",
};

const char *out_input_kind_words(hs_input_kind k)
{
	return (unsigned)k < HS_IN_NKINDS ? kind_words[k] : "file";
}

static const char *const from_names[] = {"profile", "lastgc", "name", "mtime", NULL};

void out_rfc3339(int64_t ns, char buf[OUT_RFC3339_LEN])
{
	int64_t sec = ns / 1000000000, frac = ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, OUT_RFC3339_LEN, "?");
		return;
	}
	size_t n = strftime(buf, OUT_RFC3339_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac) {
		char f[16];
		snprintf(f, sizeof f, ".%09lld", (long long)frac);
		size_t len = strlen(f);
		while (f[len - 1] == '0')
			f[--len] = '\0';
		snprintf(buf + n, OUT_RFC3339_LEN - n, "%s", f);
		n += len;
	}
	snprintf(buf + n, OUT_RFC3339_LEN - n, "Z");
}

static void why_json(json_w *w, const hs_inventory *inv, const hs_input_entry *e,
                     const char *command)
{
	char buf[600];
	json_key(w, "why");
	switch (e->why) {
	case HS_WHY_USED:
		json_null(w);
		return;
	case HS_WHY_TWIN:
		snprintf(buf, sizeof buf, "twin of %s", hs_inventory_at(inv, e->other)->path);
		break;
	case HS_WHY_KIND:
		snprintf(buf, sizeof buf, "%s: not used by %s", out_input_kind_words(e->kind), command);
		break;
	case HS_WHY_UNREADABLE:
		snprintf(buf, sizeof buf, "could not be read");
		break;
	case HS_WHY_PARTIAL:
		snprintf(buf, sizeof buf, "partial: %s, not a point of the series beside whole goroutine snapshots",
		         e->kind == HS_IN_TRACE ? "the goroutines at the end of a trace"
		                                : "a heap dump's goroutines, without wait reasons");
		break;
	}
	json_string(w, buf);
}

void out_inputs_json(json_w *w, const hs_inventory *inv, const char *command)
{
	json_key(w, "inputs");
	json_begin_array(w);
	for (size_t i = 0; inv && i < hs_inventory_n(inv); i++) {
		const hs_input_entry *e = hs_inventory_at(inv, i);
		json_begin_object(w);
		json_kv_string(w, "path", e->path);
		json_kv_string(w, "kind", hs_input_kind_name(e->kind));
		json_key(w, "time");
		if (e->time_from == HS_TIME_NONE) {
			json_null(w);
		} else {
			char t[OUT_RFC3339_LEN];
			out_rfc3339(e->time, t);
			json_string(w, t);
		}
		json_key(w, "time_from");
		if (e->time_from < HS_TIME_NONE)
			json_string(w, from_names[e->time_from]);
		else
			json_null(w);
		json_key(w, "snapshot");
		if (e->snapshot >= 0)
			json_int(w, e->snapshot);
		else
			json_null(w);
		json_key(w, "used");
		json_bool(w, e->used);
		why_json(w, inv, e, command);
		json_end_object(w);
	}
	json_end_array(w);
}
