#!/bin/sh
# Regenerates testdata/pprof/incidents/ and testdata/pprof/healthy/ for
# `heapscope blocking` and `heapscope leaks` (tests/conformance/check_leaks.py):
# gzipped goroutine debug=2 dumps at two times, a goroutine profile, block
# and mutex profiles, counts.json.  Needs go (made with go1.19); ~3 s.
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
pprof_dir=$(dirname "$gen")/pprof
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go build -trimpath -o "$tmp/bin" ./incidents
for mode in incidents healthy; do
	"$tmp/bin" -mode $mode -out "$tmp/$mode"
	rm -rf "$pprof_dir/$mode"
	mkdir -p "$pprof_dir/$mode"
	cp "$tmp/$mode"/* "$pprof_dir/$mode/"
done
echo "generate-incidents.sh: wrote $(ls "$pprof_dir/incidents" "$pprof_dir/healthy" | grep -c .) files"
