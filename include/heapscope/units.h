/* heapscope: units and human formatting, as pprof's measurement package
 * prints them (so `top` columns read the same as `go tool pprof -top`). */
#ifndef HEAPSCOPE_UNITS_H
#define HEAPSCOPE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Scale value from `from` to `to` ("minimum"/"auto" pick a unit).
 * Writes the resulting unit name ("" for counts) into unit[16]. */
double hs_scale(int64_t value, const char *from, const char *to, char unit[16]);
/* "%.2f" trimmed of ".00", then the unit; "0" for zero. */
void hs_scaled_label(int64_t value, const char *from, const char *to, char *buf, size_t n);
/* pprof's Percentage: "  100%", "12.34%", " 0.5%"... */
void hs_percentage(int64_t value, int64_t total, char *buf, size_t n);
/* Is `unit` a unit pprof knows how to scale (bytes or time)? */
int hs_unit_known(const char *unit);

#endif
