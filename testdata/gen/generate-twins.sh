#!/bin/sh
# Regenerates the twins fixtures (one moment written in two formats):
#   testdata/pprof/twins/      for `heapscope leaks`: a ?debug=1 profile and
#     a debug=2 dump of each of two moments, named by their timestamps
#     (tests/golden/verify_incidents.py counts the series from the files'
#     own headers);
#   testdata/pprof/heaptwins/  for `heapscope growth`: a protobuf heap
#     profile and its ?debug=1 text at each of three moments, told apart by
#     their times only (tests/golden/verify_growth.py).
# Usage: generate-twins.sh [twins|heaptwins]... (default both).  Needs go
# (made with go1.19); ~3 s and ~5 s.
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
for name in ${*:-twins heaptwins}; do
	out=$(dirname "$gen")/pprof/$name
	go run -trimpath "./$name" -out "$tmp/$name"
	rm -rf "$out"
	mkdir -p "$out"
	cp "$tmp/$name"/* "$out/"
	echo "generate-twins.sh: wrote $(ls "$out" | grep -c .) files in $out"
done
