/* Units, following pprof's measurement tables; see units.h. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "heapscope/units.h"

typedef struct unit {
	const char *name;
	const char *aliases[4];
	double factor;
} unit;

typedef struct unit_type {
	unit def;
	unit units[9];
	int n;
} unit_type;

static const unit_type types[] = {
	{{"B", {"b", "byte"}, 1},
	 {{"B", {"b", "byte"}, 1},
	  {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
	  {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
	  {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
	  {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
	  {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0}},
	 6},
	{{"s", {NULL}, 1e9},
	 {{"ns", {"ns", "nanosecond"}, 1},
	  {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
	  {"ms", {"ms", "millisecond"}, 1e6},
	  {"s", {"s", "sec", "second"}, 1e9},
	  {"hrs", {"hour", "hr"}, 3600e9}},
	 5},
	{{"GCU", {NULL}, 1},
	 {{"n*GCU", {"nanogcu"}, 1e-9},
	  {"u*GCU", {"microgcu"}, 1e-6},
	  {"m*GCU", {"milligcu"}, 1e-3},
	  {"GCU", {"gcu"}, 1},
	  {"k*GCU", {"kilogcu"}, 1e3},
	  {"M*GCU", {"megagcu"}, 1e6},
	  {"G*GCU", {"gigagcu"}, 1e9},
	  {"T*GCU", {"teragcu"}, 1e12},
	  {"P*GCU", {"petagcu"}, 1e15}},
	 9},
};

/* sniffUnit: lower-case, drop a plural "s" from names longer than two. */
static const unit *sniff(const unit_type *ut, const char *name)
{
	char low[64];
	size_t n = strlen(name);
	if (n >= sizeof low)
		return NULL;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	if (n > 2 && low[n - 1] == 's')
		low[n - 1] = '\0';
	for (int i = 0; i < ut->n; i++)
		for (int k = 0; k < 4 && ut->units[i].aliases[k]; k++)
			if (strcmp(low, ut->units[i].aliases[k]) == 0)
				return &ut->units[i];
	return NULL;
}

int hs_unit_known(const char *u)
{
	for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
		if (sniff(&types[t], u))
			return 1;
	return 0;
}

static int convert(const unit_type *ut, int64_t value, const char *from, const char *to,
                   double *out, char unit_out[16])
{
	const unit *fu = sniff(ut, from);
	if (!fu)
		return 0;
	double v = (double)value * fu->factor;
	const unit *target = NULL;
	if (strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0) {
		double f = 0;
		for (int i = 0; i < ut->n; i++)
			if (ut->units[i].factor >= f && v / ut->units[i].factor >= 1.0) {
				f = ut->units[i].factor;
				target = &ut->units[i];
			}
	} else {
		target = sniff(ut, to);
	}
	if (!target)
		target = &ut->def;
	*out = v / target->factor;
	snprintf(unit_out, 16, "%s", target->name);
	return 1;
}

double hs_scale(int64_t value, const char *from, const char *to, char unit_out[16])
{
	if (value < 0 && value != INT64_MIN) {
		double v = hs_scale(-value, from, to, unit_out);
		return -v;
	}
	double out;
	for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
		if (convert(&types[t], value, from, to, &out, unit_out))
			return out;
	static const char *const quiet[] = {"count", "sample", "unit", "minimum", "auto"};
	unit_out[0] = '\0';
	int is_quiet = 0;
	for (int i = 0; i < 5; i++)
		is_quiet |= strcmp(to, quiet[i]) == 0;
	if (!is_quiet)
		snprintf(unit_out, 16, "%s", to);
	return (double)value;
}

void hs_scaled_label(int64_t value, const char *from, const char *to, char *buf, size_t n)
{
	char u[16], num[64];
	double v = hs_scale(value, from, to, u);
	snprintf(num, sizeof num, "%.2f", v);
	size_t len = strlen(num);
	if (len > 3 && strcmp(num + len - 3, ".00") == 0)
		num[len - 3] = '\0';
	if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
		snprintf(buf, n, "0");
		return;
	}
	snprintf(buf, n, "%s%s", num, u);
}

void hs_percentage(int64_t value, int64_t total, char *buf, size_t n)
{
	double ratio = 0;
	if (total != 0)
		ratio = fabs((double)value / (double)total) * 100;
	if (ratio >= 99.95 && ratio <= 100.05)
		snprintf(buf, n, "  100%%");
	else if (ratio >= 1.0)
		snprintf(buf, n, "%5.2f%%", ratio);
	else
		snprintf(buf, n, "%5.2g%%", ratio);
}
