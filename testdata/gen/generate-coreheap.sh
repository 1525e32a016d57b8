#!/bin/sh
# Regenerate testdata/coreheap/: a gcore of testdata/gen/coreheap (go1.19,
# -trimpath, static, GOMAXPROCS=2) taken right after the program wrote a
# heap dump of itself (debug.WriteHeapDump after one forced GC, with the GC
# then off, so the dump and the core are one moment), both zstd -19, the
# executable slimmed as generate-core.sh slims it, and counts.json (what
# the program built, its MemStats before the dump).
# With GO=/usr/lib/go-1.23/bin/go (another toolchain, by its full path) the
# same program built by that Go goes to OUT (testdata/coreheap123/ is Go
# 1.23's: allocation headers), with gdb's `info goroutines` of the core
# (that Go's runtime-gdb.py) in gdb-goroutines.txt:
#   GO=/usr/lib/go-1.23/bin/go OUT=testdata/coreheap123 generate-coreheap.sh
# Needs go, gdb (gcore), objcopy and zstd.
set -eu
GO=${GO:-go}
# OUT relative to where the script is called from (gcore-lib.sh cds)
case "${OUT:-}" in '' | /*) ;; *) OUT=$(pwd)/$OUT ;; esac
. "$(dirname "$0")/gcore-lib.sh"
OUT=${OUT:-$GEN/../coreheap}
mkdir -p "$OUT"
gcore_of coreheap
if [ "$GO" != go ]; then
	gdb -batch -nx -ex "source $("$GO" env GOROOT)/src/runtime/runtime-gdb.py" \
		-ex "info goroutines" "$TMP/core.exe" "$TMP"/core.[0-9]* 2>/dev/null |
		grep -E '^[* ] +[0-9]+ ' > "$OUT/gdb-goroutines.txt"
fi
zstd -q -19 -f -o "$OUT/core.core.zst" "$TMP"/core.[0-9]*
zstd -q -19 -f -o "$OUT/heap.dump.zst" "$TMP/heap.dump"
slim_exe "$OUT/core.exe.zst"
cp "$TMP/counts.json" "$OUT/"
chmod 644 "$OUT"/*
ls -l "$OUT"
