#!/bin/sh
# Regenerates testdata/pprof/twins/ for `heapscope leaks` (twins: a
# ?debug=1 profile and a debug=2 dump of each of two moments, named by
# their timestamps; tests/golden/verify_incidents.py counts the series from
# the files' own headers).  Needs go (made with go1.19); ~3 s.
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$gen")/pprof/twins
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go run -trimpath ./twins -out "$tmp/twins"
rm -rf "$out"
mkdir -p "$out"
cp "$tmp/twins"/* "$out/"
echo "generate-twins.sh: wrote $(ls "$out" | grep -c .) files"
