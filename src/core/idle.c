/* heapscope: idle waits (idle.h). */
#include <string.h>

#include "heapscope/frames.h"
#include "heapscope/idle.h"

static const char *const class_names[HS_IDLE_NCLASSES] = {
	"", "profiler", "signal", "runtime", "accept", "connection", "main", "sleep loop",
	"worker loop",
};

const char *hs_idle_class_name(hs_idle_class c)
{
	return (unsigned)c < HS_IDLE_NCLASSES ? class_names[c] : "";
}

/* Is func's import path exactly pkg, or (sub) under pkg/? */
static bool in_package(const char *func, const char *pkg, bool sub)
{
	size_t n = func ? hs_frame_import_path(func) : 0, pl = strlen(pkg);
	if (n < pl || strncmp(func, pkg, pl) != 0)
		return false;
	return n == pl || (sub && func[pl] == '/');
}

/* A standard package: an import path whose first element has no dot. */
static bool is_std(const char *func)
{
	size_t n = func ? hs_frame_import_path(func) : 0;
	const char *slash = n ? memchr(func, '/', n) : NULL;
	size_t first = slash ? (size_t)(slash - func) : n;
	return n && !memchr(func, '.', first);
}

/* The method or function name after the import path and type. */
static bool named(const char *func, const char *name)
{
	const char *dot = strrchr(func, '.');
	return dot && strcmp(dot + 1, name) == 0;
}

/* A closure or a go-statement wrapper: `.funcN` or `.gowrapN` at the end. */
static bool is_wrapper(const char *func)
{
	const char *dot = strrchr(func, '.');
	if (!dot)
		return false;
	const char *d = strncmp(dot + 1, "func", 4) == 0     ? dot + 5
	                : strncmp(dot + 1, "gowrap", 6) == 0 ? dot + 7
	                                                     : NULL;
	if (!d || !*d)
		return false;
	while (*d >= '0' && *d <= '9')
		d++;
	return *d == '\0';
}

/* Is frame u the goroutine's entry function (idle.h)? */
static bool is_entry(const char *const *funcs, size_t n, size_t u)
{
	while (n > 0 && funcs[n - 1] && strcmp(funcs[n - 1], "runtime.goexit") == 0)
		n--;
	if (u + 1 == n)
		return true;
	return u + 2 == n && funcs[n - 1] && is_wrapper(funcs[n - 1]);
}

static bool profiler(const char *const *funcs, size_t n, size_t u)
{
	bool seen = false;
	for (size_t i = 0; i < n; i++)
		seen |= in_package(funcs[i], "net/http/pprof", false) ||
		        in_package(funcs[i], "runtime/pprof", false);
	return seen && (u == n || in_package(funcs[u], "net/http/pprof", false));
}

static bool accepting(const char *const *funcs, size_t n, size_t u)
{
	for (size_t i = 0; i < n && i <= u; i++)
		if (funcs[i] && is_std(funcs[i]) && (named(funcs[i], "Accept") || named(funcs[i], "accept")))
			return true;
	return false;
}

static bool network_library(const char *f)
{
	return in_package(f, "net/http", true) || in_package(f, "net/rpc", true) ||
	       in_package(f, "crypto/tls", false) || in_package(f, "net", true);
}

hs_idle_class hs_idle_classify(hs_wait_kind k, const char *const *funcs, size_t n)
{
	if (k == HS_WAIT_NONE || n == 0)
		return HS_IDLE_NONE;
	size_t u = hs_user_frame(funcs, n);
	if (profiler(funcs, n, u))
		return HS_IDLE_PROFILER;
	if (u < n && in_package(funcs[u], "os/signal", false))
		return HS_IDLE_SIGNAL;
	if (u == n)
		return HS_IDLE_RUNTIME;
	bool net = k == HS_WAIT_NETWORK || k == HS_WAIT_SYSCALL;
	if (net && accepting(funcs, n, u))
		return HS_IDLE_ACCEPT;
	if (network_library(funcs[u]))
		return HS_IDLE_CONNECTION;
	bool recv = k == HS_WAIT_SELECT || k == HS_WAIT_CHAN_RECV;
	if (strcmp(funcs[u], "main.main") == 0 &&
	    (recv || net || k == HS_WAIT_WAITGROUP || k == HS_WAIT_SLEEP))
		return HS_IDLE_MAIN;
	if (!is_entry(funcs, n, u))
		return HS_IDLE_NONE;
	return k == HS_WAIT_SLEEP ? HS_IDLE_SLEEP_LOOP : recv ? HS_IDLE_WORKER_LOOP : HS_IDLE_NONE;
}

bool hs_series_grows(const int64_t *s, size_t n, int64_t step)
{
	if (n < 2 || s[n - 1] - s[0] < step)
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] < s[i - 1])
			return false;
	return true;
}

bool hs_idle_stays(hs_idle_class c, int64_t most, bool grows, int64_t ended)
{
	if (c == HS_IDLE_NONE)
		return false;
	if (c == HS_IDLE_RUNTIME)
		return true;
	bool loop = c == HS_IDLE_WORKER_LOOP || c == HS_IDLE_SLEEP_LOOP;
	return !grows && most < HS_IDLE_MAX_GROUP && !(loop && ended > 0);
}
