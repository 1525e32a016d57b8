#!/bin/sh
# Regenerates testdata/pprof/incidents/ and testdata/pprof/healthy/ for
# `heapscope blocking` and `heapscope leaks` (tests/conformance/check_leaks.py):
# gzipped goroutine debug=2 dumps at two times, a goroutine profile, block
# and mutex profiles, counts.json.  Then testdata/pprof/locks/ for blocking's
# lock sites (tests/golden/verify_locks.py): block, mutex and CPU profiles,
# a debug=2 dump taken while the readers wait in RLock and the writer sorts
# under the lock, counts.json; that program exits 1 when its dump missed the
# moment, and is retried.  Needs go (made with go1.19); ~7 s.
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
go build -trimpath -o "$tmp/locks" ./locks
for try in 1 2 3; do
	rm -rf "$tmp/l"
	"$tmp/locks" -out "$tmp/l" && break
	[ "$try" -lt 3 ] || exit 1
done
rm -rf "$pprof_dir/locks"
mkdir -p "$pprof_dir/locks"
cp "$tmp/l"/* "$pprof_dir/locks/"
echo "generate-incidents.sh: wrote $(ls "$pprof_dir/incidents" "$pprof_dir/healthy" "$pprof_dir/locks" | grep -c .) files"
