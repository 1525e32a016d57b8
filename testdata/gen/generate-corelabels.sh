#!/bin/sh
# Regenerate testdata/corelabels/: a gcore of testdata/gen/corelabels (go1.19,
# -trimpath, static, GOMAXPROCS=2) whose goroutines run under known pprof
# labels (pprof.Do, SetGoroutineLabels, inherited by a child) or none, taken
# after the program wrote its goroutine profile, debug=1 text
# (goroutine-debug1.txt: "# labels: {...}" per stack) and debug=0 proto
# (goroutine.pb.gz): Go's own account of every goroutine's labels.  The
# core and the executable (slimmed as generate-core.sh slims it) are zstd
# -19; counts.json is what the program built.
# With GO=/usr/lib/go-1.23/bin/go (another toolchain, by its full path) the
# same program built by that Go goes to OUT:
#   GO=/usr/lib/go-1.23/bin/go OUT=testdata/corelabels/go123 generate-corelabels.sh
# Needs go, gdb (gcore), objcopy and zstd.
set -eu
GO=${GO:-go}
# OUT relative to where the script is called from (gcore-lib.sh cds)
case "${OUT:-}" in '' | /*) ;; *) OUT=$(pwd)/$OUT ;; esac
. "$(dirname "$0")/gcore-lib.sh"
OUT=${OUT:-$GEN/../corelabels}
mkdir -p "$OUT"
gcore_of corelabels
zstd -q -19 -f -o "$OUT/core.core.zst" "$TMP"/core.[0-9]*
slim_exe "$OUT/core.exe.zst"
cp "$TMP/counts.json" "$TMP/goroutine-debug1.txt" "$TMP/goroutine.pb.gz" "$OUT/"
chmod 644 "$OUT"/*
ls -l "$OUT"
