#!/bin/sh
# Generate testdata/allocsite/: testdata/gen/allocsite (go1.19, -trimpath,
# built without DWARF) with every allocation sampled (MemProfileRate 1)
# writes, at one moment after two GCs with the GC then off, its heap
# profile (heap.pb.gz, the oracle of the allocation sites) and a heap dump
# (heap.dump.zst), and counts.json (which function built how many objects);
# allocsite.sym is the program's symbol table alone (objcopy
# --only-keep-debug), for heapdump --exe; rate/: the same executable run
# with -rate 4096 (one sample per 4 KiB allocated on average).
# Needs go, objcopy and zstd.
set -eu
GEN=$(cd "$(dirname "$0")" && pwd)
OUT=$GEN/../allocsite
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT/rate" "$TMP/rate"
cd "$GEN"
go build -trimpath -ldflags=-w -o "$TMP/allocsite" ./allocsite
"$TMP/allocsite" -out "$TMP"
"$TMP/allocsite" -out "$TMP/rate" -rate 4096
objcopy --only-keep-debug "$TMP/allocsite" "$OUT/allocsite.sym"
for d in . rate; do
	zstd -q -19 -f -o "$OUT/$d/heap.dump.zst" "$TMP/$d/heap.dump"
	cp "$TMP/$d/heap.pb.gz" "$TMP/$d/counts.json" "$OUT/$d/"
done
chmod 644 "$OUT"/*.* "$OUT"/rate/*
ls -lR "$OUT"
