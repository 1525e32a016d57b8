/* Writing a profile back out as profile.proto, encoded by protobuf-c's
 * code generated from proto/profile.proto. */
#ifndef HS_OUTPUT_PPROF_WRITE_H
#define HS_OUTPUT_PPROF_WRITE_H

#include <stdbool.h>
#include <stdio.h>

#include "heapscope/model.h"

/* Encode p (a finished profile) and write it to out, gzipped when gzip is
 * set (pprof's own form: deterministic, no file name or time in the gzip
 * header).  Ids are written as index + 1; every string of the table is
 * written, index 0 being "".  HS_E_NOMEM, or HS_E_IO after a write error
 * (errno in the detail). */
hs_err pprof_write(FILE *out, const hs_profile *p, bool gzip, hs_error *err);

/* The same into a malloc'd buffer (*data, *len), for tests. */
hs_err pprof_encode(const hs_profile *p, bool gzip, unsigned char **data, size_t *len,
                    hs_error *err);

#endif
