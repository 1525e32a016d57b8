#!/bin/sh
# The logs of testdata/bundle/logs, made from the bundle's own files
# (testdata/gen/bundle): a SIGQUIT-style log of its three debug=2
# goroutine dumps appended one after another, and a log of its three
# ?debug=1 goroutine profiles appended (`curl ...?debug=1 >> log`).
# Run from the repository root; needs zstd.
set -eu
d=testdata/bundle/dumps
o=testdata/bundle/logs
mkdir -p "$o"
{ cat "$d/goroutine-dump-20261122_034100.txt"
  gzip -dc "$d/goroutine-dump-1795318920.txt.gz"
  zstd -dc "$d/goroutine-dump-1795318980000.txt.zst"; } | gzip -9n > "$o/goroutine-dumps.log.gz"
cat "$d/goroutine-2026-11-22T03:41:00Z.txt" "$d/goroutine-2026-11-22T03:42:00Z.txt" \
    "$d/goroutine-2026-11-22T03:43:00Z.txt" > "$o/goroutine-profiles.log"
