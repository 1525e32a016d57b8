/* Private to src/formats: what the legacy loaders (legacy_cpu.c,
 * legacy_text.c) share, as Go 1.19's vendored pprof shares it between its
 * legacy parsers (profile/legacy_profile.go):
 *   - a small regex engine that runs pprof's own pattern text with Go's
 *     leftmost-first submatch semantics;
 *   - strings.TrimSpace;
 *   - a table of distinct frame addresses (one location per address);
 *   - the memory-map trailer (ParseMemoryMapFromScanner): parsing the
 *     maps text, massageMappings, remapLocationIDs, remapMappingIDs;
 *   - stack surgery (cleanupDuplicateLocations).
 * See doc/format-legacy-cpu.md and doc/format-legacy-text.md. */
#ifndef HS_FORMATS_LEGACY_MAPS_H
#define HS_FORMATS_LEGACY_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heapscope/model.h"
#include "../core/hashmap.h"

/* ---- regex engine --------------------------------------------------------
 * Syntax: literals and \-escapes, [classes] (ranges, negation, [:digit:],
 * [:xdigit:], \s \d \w), . \s \S \d \w, (groups) and (?:groups), the
 * greedy quantifiers ? * +, ^ or \A at the start (anchored match), $ or \z
 * (end of text).  No alternation, no counted repetition.  A pattern
 * without ^/\A is searched for, leftmost first, as Go's FindStringSubmatch
 * does.  Matching never revisits an (instruction, position) pair, so time
 * is linear in the subject; memory is a bitmap of instructions x bytes,
 * and above LM_RX_BITMAP_MAX bits a Pike VM (memory independent of the
 * subject) gives the same submatches. */

#define LM_RX_MAX_INST 128
#define LM_RX_MAX_SAVE 14          /* group 0 and six capturing groups */
#ifndef LM_RX_BITMAP_MAX         /* overridable, to test the Pike VM */
#define LM_RX_BITMAP_MAX (UINT64_C(1) << 23)
#endif

typedef struct lm_rx_inst {
	uint8_t op, slot;
	uint16_t x, y;                 /* SPLIT tries x first, then y */
	uint8_t set[32];               /* CLASS: the bytes it accepts */
} lm_rx_inst;

typedef struct lm_rx {
	lm_rx_inst in[LM_RX_MAX_INST];
	unsigned n, ncap;
	unsigned body;                 /* first instruction after the search loop */
	bool bad, anchored;
} lm_rx;

typedef struct lm_rx_run {
	uint64_t *seen, *jobs;
	size_t seen_words, njobs, jobs_cap;
	int32_t *threads;              /* Pike VM thread lists */
	size_t threads_cap;
	/* After a match attempt: the furthest position at which the pattern
	 * (not the search loop) wanted a byte it did not get; for columns in
	 * error messages. */
	size_t far;
} lm_rx_run;

bool lm_rx_compile(lm_rx *re, const char *pattern);
/* 1: matched, cap[2k], cap[2k+1] bound group k (or -1); 0: no match;
 * -1: out of memory.  n must be below 2^31. */
int lm_rx_match(const lm_rx *re, lm_rx_run *r, const char *s, size_t n, int32_t *cap);
void lm_rx_run_release(lm_rx_run *r);

/* ---- text --------------------------------------------------------------- */

/* bufio.Scanner's default token limit: a line of this many bytes or more
 * (before its \n, a trailing \r included) stops pprof's scanner. */
#define LM_SCAN_MAX 65536

/* Bytes of Unicode white space (Go's unicode.IsSpace) at the start of s. */
size_t lm_space_at(const unsigned char *s, size_t n);
/* strings.TrimSpace. */
void lm_trim_space(const char **s, size_t *n);

/* ---- frames: one location per distinct address --------------------------- */

typedef struct lm_frames {
	hs_vec addrs;                  /* uint64: address of each distinct frame */
	hs_idmap by_addr;              /* address -> index into addrs */
} lm_frames;

bool lm_frames_init(lm_frames *f);
void lm_frames_release(lm_frames *f);
/* The index of addr, added if new.  HS_E_NOMEM or HS_E_LIMIT on failure. */
hs_err lm_frame_index(lm_frames *f, uint64_t addr, uint32_t *out);

/* ---- the memory map and ids ---------------------------------------------- */

/* Where errors point: byte offsets (line == 0, the binary CPU profile) or
 * line:column, `line` being the number of the line at `off`. */
hs_err lm_read_maps(hs_profile *p, hs_error *err, const uint8_t *data, size_t n, size_t off,
                    uint32_t line);
/* massageMappings: merge split neighbours, move the main binary first. */
hs_err lm_massage_mappings(hs_profile *p, hs_error *err);
/* remapLocationIDs: stacks hold frame indices; afterwards they hold
 * location ids 1.. given by first use, and p->locations has one location
 * per frame still used, with its address. */
hs_err lm_assign_location_ids(hs_profile *p, const lm_frames *f, hs_error *err);
/* remapMappingIDs. */
hs_err lm_attach_mappings(hs_profile *p, hs_error *err);

/* ---- stack surgery -------------------------------------------------------- */

typedef bool (*lm_second_frame_pred)(const void *ctx, const uint32_t *stk);
/* Remove frame 1 from every (interned) stack of two frames or more for
 * which drop() holds. */
void lm_drop_second_frames(hs_profile *p, lm_second_frame_pred drop, const void *ctx);
/* cleanupDuplicateLocations' test, once stacks hold location ids and ids
 * are indices + 1: the leaf recorded twice, the copy adjusted by -1.
 * ctx is the profile. */
bool lm_duplicate_leaf(const void *ctx, const uint32_t *stk);

/* Java legacy CPU profiles (legacy_cpu.c) end in the same location text
 * as heapz/contentionz ones: give the samples' addresses their Java
 * frames, number ids and drop the addresses, as pprof's
 * parseJavaLocations and Aggregate do (legacy_text.c).  The text is
 * data[off..n); its line numbers in errors count from its first line. */
hs_err lt_java_locations(hs_profile *p, lm_frames *frames, const uint8_t *data, size_t n,
                         size_t off, hs_error *err);

#endif
