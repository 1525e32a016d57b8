#!/bin/sh
# Regenerate testdata/coreprof/: a gcore of testdata/gen/coreprof (go1.19,
# -trimpath, static, GOMAXPROCS=2) taken right after the program wrote its
# own heap profile (pprof.WriteHeapProfile with runtime.MemProfileRate = 1,
# after two forced GCs, with the GC then off, so the profile the runtime
# published is the one in the core), the core zstd -19, the executable
# slimmed as generate-core.sh slims it, heap.pb.gz (the oracle) and
# counts.json (what the program allocated where); loop.core.zst and
# outside.core.zst, the core with its bucket list broken (badlist.py);
# rate/: a core of the same executable run with -rate 4096 (samples that
# runtime/pprof scales), its heap.pb.gz and counts.json.
# With GO=/usr/lib/go-1.23/bin/go (another toolchain, by its full path) the
# same program built by that Go goes to OUT (an absolute path: the script
# works in testdata/gen), only core.core.zst, core.exe.zst, heap.pb.gz and
# counts.json (no broken lists, no rate/):
#   GO=/usr/lib/go-1.23/bin/go OUT=$PWD/testdata/coreprof123 generate-coreprof.sh
# Needs go, gdb (gcore), objcopy and zstd.
set -eu
. "$(dirname "$0")/gcore-lib.sh"
OUT=${OUT:-$GEN/../coreprof}
case $OUT in /*) ;; *) echo "OUT must be an absolute path" >&2; exit 2 ;; esac
mkdir -p "$OUT"
gcore_of coreprof
zstd -q -19 -f -o "$OUT/core.core.zst" "$TMP"/core.[0-9]*
if [ "${GO:-go}" != go ]; then
	cp "$TMP/heap.pb.gz" "$TMP/counts.json" "$OUT/"
	slim_exe "$OUT/core.exe.zst"
	chmod 644 "$OUT"/*
	ls -l "$OUT"
	exit 0
fi
# the bucket list made to loop and to leave the core (bad.json: where)
python3 coreprof/badlist.py "$TMP/core.exe" "$TMP"/core.[0-9]* "$TMP"
zstd -q -19 -f -o "$OUT/loop.core.zst" "$TMP/loop.core"
zstd -q -19 -f -o "$OUT/outside.core.zst" "$TMP/outside.core"
cp "$TMP/bad.json" "$OUT/"
cp "$TMP/heap.pb.gz" "$OUT/"
slim_exe "$OUT/core.exe.zst"
cp "$TMP/counts.json" "$OUT/"
# the same program sampling one allocation per 4 KiB on average (the
# same executable: its core and what it wrote go to rate/)
rm "$TMP"/core.[0-9]*
gcore_of coreprof -rate 4096
mkdir -p "$OUT/rate"
zstd -q -19 -f -o "$OUT/rate/core.core.zst" "$TMP"/core.[0-9]*
cp "$TMP/heap.pb.gz" "$TMP/counts.json" "$OUT/rate/"
chmod 644 "$OUT"/*.* "$OUT"/rate/*
ls -lR "$OUT"
