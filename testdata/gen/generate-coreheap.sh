#!/bin/sh
# Regenerate testdata/coreheap/: a gcore of testdata/gen/coreheap (go1.19,
# -trimpath, static, GOMAXPROCS=2) taken right after the program wrote a
# heap dump of itself (debug.WriteHeapDump after one forced GC, with the GC
# then off, so the dump and the core are one moment), both zstd -19, the
# executable slimmed as generate-core.sh slims it, and counts.json (what
# the program built, its MemStats before the dump).
# Needs go, gdb (gcore), objcopy and zstd.
set -eu
. "$(dirname "$0")/gcore-lib.sh"
OUT=$GEN/../coreheap
mkdir -p "$OUT"
gcore_of coreheap
zstd -q -19 -f -o "$OUT/core.core.zst" "$TMP"/core.[0-9]*
zstd -q -19 -f -o "$OUT/heap.dump.zst" "$TMP/heap.dump"
slim_exe "$OUT/core.exe.zst"
cp "$TMP/counts.json" "$OUT/"
chmod 644 "$OUT"/*
ls -l "$OUT"
