#!/bin/sh
# Regenerates testdata/pprof/creators/ for `heapscope leaks` (where a
# goroutine group comes from: a per-request expiry loop whose creator's
# callers only the heap profile holds; tests/golden/verify_incidents.py
# checks the goldens against its counts.json, the dumps and pprof -raw).
# Needs go (made with go1.19); ~3 s.
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$gen")/pprof/creators
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go build -trimpath -o "$tmp/bin" ./creators
"$tmp/bin" -out "$tmp/creators"
rm -rf "$out"
mkdir -p "$out"
cp "$tmp/creators"/* "$out/"
echo "generate-creators.sh: wrote $(ls "$out" | grep -c .) files"
