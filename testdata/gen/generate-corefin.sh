#!/bin/sh
# Regenerate testdata/corefin123/ (issue 15, types of finalized objects): a
# gcore of testdata/gen/corefin built by Go 1.23 (-trimpath, static,
# GOMAXPROCS=2), taken once it set finalizers on objects nothing else
# keeps, zstd -19, the executable slimmed as generate-core.sh slims it,
# and counts.json (what it built, reflect's names of the types).  Another
# Go by GO=..., into OUT:
#   GO=/usr/lib/go-1.21/bin/go OUT=testdata/corefin121 generate-corefin.sh
# Needs go, gdb (gcore), objcopy and zstd.
set -eu
GO=${GO:-/usr/lib/go-1.23/bin/go}
case "${OUT:-}" in '' | /*) ;; *) OUT=$(pwd)/$OUT ;; esac
. "$(dirname "$0")/gcore-lib.sh"
OUT=${OUT:-$GEN/../corefin123}
mkdir -p "$OUT"
gcore_of corefin
zstd -q -19 -f -o "$OUT/core.core.zst" "$TMP"/core.[0-9]*
slim_exe "$OUT/core.exe.zst"
cp "$TMP/counts.json" "$OUT/"
chmod 644 "$OUT"/*
ls -l "$OUT"
