/* When was a file written, from its name or its metadata, for inputs that
 * carry no time of their own (include/heapscope/filetime.h). */
#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

#include "heapscope/filetime.h"

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's
 * days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at s as a number; -1 when one is not a digit. */
static int64_t digits(const char *s, int n)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int month_days(int64_t y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* A plausible UTC date and time to nanoseconds; false when out of range. */
static bool civil_ns(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s,
                     int64_t *ns)
{
	if (y < HS_FILETIME_MIN_YEAR || y > HS_FILETIME_MAX_YEAR || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, (int)mo) || h > 23 || mi > 59 || s > 60 || h < 0 || mi < 0 || s < 0)
		return false;
	int64_t secs = days_from_civil(y, (int)mo, (int)d) * 86400 + h * 3600 + mi * 60 + s;
	*ns = secs * 1000000000;
	return true;
}

/* At s: "YYYY-MM-DD" then 'T', '_', '-' or ' ', then "HH:MM:SS" (':' or
 * '-' or nothing between the fields). */
static bool iso_at(const char *s, size_t n, int64_t *ns)
{
	if (n < 17 || s[4] != '-' || s[7] != '-' || !strchr("T_- ", s[10]))
		return false;
	const char *t = s + 11;
	size_t left = n - 11;
	char sep = left > 2 && (t[2] == ':' || t[2] == '-') ? t[2] : 0;
	if (left < (sep ? 8u : 6u) || (sep && t[5] != sep))
		return false;
	int64_t hh = digits(t, 2), mm = digits(t + (sep ? 3 : 2), 2), ss = digits(t + (sep ? 6 : 4), 2);
	int64_t y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || mo < 0 || d < 0 || hh < 0 || mm < 0 || ss < 0)
		return false;
	return civil_ns(y, mo, d, hh, mm, ss, ns);
}

/* At s: "YYYYMMDD", then nothing or one of 'T', '-', '_', then "HHMMSS". */
static bool compact_at(const char *s, size_t n, int64_t *ns)
{
	if (n < 14)
		return false;
	size_t t = isdigit((unsigned char)s[8]) ? 8 : 9;
	if (t == 9 && !strchr("T-_", s[8]))
		return false;
	if (n < t + 6 || (n > t + 6 && isdigit((unsigned char)s[t + 6])))
		return false;
	int64_t y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2);
	int64_t hh = digits(s + t, 2), mm = digits(s + t + 2, 2), ss = digits(s + t + 4, 2);
	if (y < 0 || mo < 0 || d < 0 || hh < 0 || mm < 0 || ss < 0)
		return false;
	return civil_ns(y, mo, d, hh, mm, ss, ns);
}

/* A run of exactly 10 (seconds) or 13 (milliseconds) digits since the
 * Unix epoch, inside the plausible years. */
static bool unix_at(const char *s, size_t run, int64_t *ns)
{
	if (run != 10 && run != 13)
		return false;
	int64_t v = digits(s, (int)run);
	int64_t secs = run == 13 ? v / 1000 : v;
	int64_t lo, hi;
	civil_ns(HS_FILETIME_MIN_YEAR, 1, 1, 0, 0, 0, &lo);
	civil_ns(HS_FILETIME_MAX_YEAR, 12, 31, 23, 59, 59, &hi);
	if (secs * 1000000000 < lo || secs * 1000000000 > hi)
		return false;
	*ns = run == 13 ? v * 1000000 : v * 1000000000;
	return true;
}

bool hs_time_from_name(const char *path, int64_t *ns)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)base[i]) || (i && isdigit((unsigned char)base[i - 1])))
			continue;          /* at the start of a run of digits */
		size_t run = i;
		while (run < n && isdigit((unsigned char)base[run]))
			run++;
		run -= i;
		if (iso_at(base + i, n - i, ns) || compact_at(base + i, n - i, ns) ||
		    unix_at(base + i, run, ns))
			return true;
	}
	return false;
}

bool hs_time_from_mtime(const char *path, int64_t *ns)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
		return false;
	*ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	return true;
}

/* The LastGC line of a Go text heap profile's MemStats, 0 when none. */
static int64_t last_gc(const hs_profile *p)
{
	for (size_t i = 0; i < p->memstats.len; i++) {
		const hs_memstat *m = &HS_VEC_AT(&p->memstats, hs_memstat, i);
		if (strcmp(hs_s(p, m->key), "LastGC") == 0)
			return m->value;
	}
	return 0;
}

hs_time_from hs_file_moment(const char *path, const hs_profile *p, int64_t *ns)
{
	if (p && (*ns = p->time_nanos) != 0)
		return HS_TIME_PROFILE;
	if (p && (*ns = last_gc(p)) > 0)
		return HS_TIME_LASTGC;
	if (path && *path && hs_time_from_name(path, ns))
		return HS_TIME_NAME;
	if (path && *path && hs_time_from_mtime(path, ns)) {
		/* Whole seconds: files copied or checked out together differ by
		 * nanoseconds that say nothing of when they were taken, so they
		 * tie and go by name (hs_moment_cmp). */
		*ns -= *ns % 1000000000;
		return HS_TIME_MTIME;
	}
	*ns = 0;
	return HS_TIME_NONE;
}

bool hs_moments_order(unsigned seen)
{
	bool mtime = seen & (1u << HS_TIME_MTIME);
	return !(seen & (1u << HS_TIME_NONE)) && (!mtime || seen == 1u << HS_TIME_MTIME);
}

int hs_moment_cmp(int64_t ma, const char *na, int64_t mb, const char *nb)
{
	if (ma != mb)
		return ma < mb ? -1 : 1;
	return strverscmp(na, nb);
}
