/* Units, following pprof's measurement tables; see units.h. */
#include <ctype.h>
#include <stdbool.h>
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

/* sniffUnit's form of a name: lower-case, a plural "s" dropped from
 * names longer than two.  False when it does not fit (no unit is that
 * long). */
static bool sniff_form(const char *name, char low[64])
{
	size_t n = strlen(name);
	if (n >= 64)
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[n] = '\0';
	if (n > 2 && low[n - 1] == 's')
		low[n - 1] = '\0';
	return true;
}

static const unit *sniff_low(const unit_type *ut, const char *low)
{
	for (int i = 0; i < ut->n; i++)
		for (int k = 0; k < 4 && ut->units[i].aliases[k]; k++)
			if (strcmp(low, ut->units[i].aliases[k]) == 0)
				return &ut->units[i];
	return NULL;
}

/* The first unit type (in the tables' order) that knows `name`. */
static const unit *sniff_any(const char *name, const unit_type **type)
{
	char low[64];
	if (!sniff_form(name, low))
		return NULL;
	for (size_t t = 0; t < sizeof types / sizeof types[0]; t++) {
		const unit *u = sniff_low(&types[t], low);
		if (u) {
			*type = &types[t];
			return u;
		}
	}
	return NULL;
}

int hs_unit_known(const char *u)
{
	const unit_type *ut;
	return sniff_any(u, &ut) != NULL;
}

/* snprintf(dst, n, "%s%s", a, b) without the format machinery (this is
 * the inner loop of every report's columns). */
static void put2(char *dst, size_t n, const char *a, const char *b)
{
	if (n == 0)
		return;
	size_t la = strlen(a), lb = strlen(b);
	if (la > n - 1)
		la = n - 1;
	if (lb > n - 1 - la)
		lb = n - 1 - la;
	memcpy(dst, a, la);
	memcpy(dst + la, b, lb);
	dst[la + lb] = '\0';
}

double hs_scale(int64_t value, const char *from, const char *to, char unit_out[16])
{
	if (value < 0 && value != INT64_MIN) {
		double v = hs_scale(-value, from, to, unit_out);
		return -v;
	}
	const unit_type *ut;
	const unit *fu = sniff_any(from, &ut);
	if (fu) {
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
			char low[64];
			target = sniff_form(to, low) ? sniff_low(ut, low) : NULL;
		}
		if (!target)
			target = &ut->def;
		put2(unit_out, 16, target->name, "");
		return v / target->factor;
	}
	static const char *const quiet[] = {"count", "sample", "unit", "minimum", "auto"};
	unit_out[0] = '\0';
	int is_quiet = 0;
	for (int i = 0; i < 5; i++)
		is_quiet |= strcmp(to, quiet[i]) == 0;
	if (!is_quiet)
		put2(unit_out, 16, to, "");
	return (double)value;
}

/* snprintf(num, 64, "%.2f", v), which rounds v's exact binary value to
 * nearest.  v * 100 is off by at most half an ulp (2^-13 below 2^40), so
 * away from a half it rounds the same; near one, and for large or odd
 * values, printf decides. */
static void fixed2(double v, char num[64])
{
	double x = fabs(v) * 100, fl = floor(x), f = x - fl;
	if (!(x < 1099511627776.0) || fabs(f - 0.5) < 1.0 / 1024) {
		snprintf(num, 64, "%.2f", v);
		return;
	}
	uint64_t q = (uint64_t)fl + (f > 0.5);
	char tmp[32];
	size_t k = sizeof tmp;
	tmp[--k] = (char)('0' + q % 10);
	tmp[--k] = (char)('0' + q / 10 % 10);
	tmp[--k] = '.';
	q /= 100;
	do {
		tmp[--k] = (char)('0' + q % 10);
		q /= 10;
	} while (q);
	if (signbit(v))
		tmp[--k] = '-';
	memcpy(num, tmp + k, sizeof tmp - k);
	num[sizeof tmp - k] = '\0';
}

void hs_scaled_label(int64_t value, const char *from, const char *to, char *buf, size_t n)
{
	char u[16], num[64];
	double v = hs_scale(value, from, to, u);
	fixed2(v, num);
	size_t len = strlen(num);
	if (len > 3 && strcmp(num + len - 3, ".00") == 0)
		num[len - 3] = '\0';
	if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
		put2(buf, n, "0", "");
		return;
	}
	put2(buf, n, num, u);
}

/* snprintf(out, 16, "%.2g", r) for r in [1e-4, 1), where it writes two
 * significant digits in fixed notation, trailing zeros dropped.  Which
 * decade r is in is exact (no double lies between 0.1 and the double
 * nearest it, and so on); r times a power of ten is off by less than
 * 2^-46, so away from a half it rounds as printf does.  False near a
 * half: printf decides there. */
static bool sig2(double r, char out[16])
{
	double scale = r >= 0.1 ? 100 : r >= 0.01 ? 1e3 : r >= 0.001 ? 1e4 : 1e5;
	int d = r >= 0.1 ? 2 : r >= 0.01 ? 3 : r >= 0.001 ? 4 : 5;   /* decimals */
	double x = r * scale, fl = floor(x), f = x - fl;
	if (fabs(f - 0.5) < 1.0 / 1024)
		return false;
	unsigned q = (unsigned)fl + (f > 0.5);
	if (q >= 100) {   /* rounded up into the next decade: 1.0e(X+1) */
		q = 10;
		d--;
	}
	if (q < 10)
		return false;
	size_t k = 0;
	if (d == 1) {
		out[k++] = (char)('0' + q / 10);
		out[k++] = '.';
	} else {
		out[k++] = '0';
		out[k++] = '.';
		for (int z = 0; z < d - 2; z++)
			out[k++] = '0';
		out[k++] = (char)('0' + q / 10);
	}
	out[k++] = (char)('0' + q % 10);
	while (out[k - 1] == '0')   /* %g drops trailing zeros, then the point */
		k--;
	if (out[k - 1] == '.')
		k--;
	out[k] = '\0';
	return true;
}

void hs_percentage(int64_t value, int64_t total, char *buf, size_t n)
{
	double ratio = 0;
	if (total != 0)
		ratio = fabs((double)value / (double)total) * 100;
	char num[64], cell[72];
	if (ratio >= 99.95 && ratio <= 100.05) {
		put2(buf, n, "  100%", "");
		return;
	}
	if (ratio >= 1.0)
		fixed2(ratio, num);   /* "%5.2f" */
	else if (ratio == 0)
		put2(num, sizeof num, "0", "");
	else if (!(ratio >= 1e-4 && sig2(ratio, num))) {
		snprintf(buf, n, "%5.2g%%", ratio);
		return;
	}
	/* "%5s%%" */
	size_t len = strlen(num), pad = len < 5 ? 5 - len : 0;
	memset(cell, ' ', pad);
	memcpy(cell + pad, num, len);
	cell[pad + len] = '%';
	cell[pad + len + 1] = '\0';
	put2(buf, n, cell, "");
}
