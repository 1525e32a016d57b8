#!/bin/sh
# Regenerates the heap profile series for `heapscope growth` and `check`:
#   testdata/pprof/growth/heap-1.pb.gz .. heap-6.pb.gz + counts.json
#   testdata/pprof/steady/heap-1.pb.gz .. heap-3.pb.gz + counts.json
# Usage: testdata/gen/generate-growth.sh   (from anywhere; needs go, made with go1.19)
# Takes about 10 s: the snapshots are spaced by real sleeps.  Regenerating
# changes the golden outputs of the growth-* and check-* cases: rerun
# tests/golden/run.py --update for them, then tests/golden/verify.py.
set -eu

gen=$(cd "$(dirname "$0")" && pwd)
pprof_dir=$(dirname "$gen")/pprof
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go build -trimpath -o "$tmp/growth" ./growth
for series in growth steady; do
	# The program checks every count against runtime.MemProfile and exits 1
	# when one is off; try a few times before giving up.
	n=0
	until "$tmp/growth" -out "$tmp/out" -series $series; do
		n=$((n + 1))
		if [ $n -ge 3 ]; then
			echo "generate-growth.sh: $series failed $n times" >&2
			exit 1
		fi
		rm -rf "$tmp/out/$series"
		echo "generate-growth.sh: retrying $series" >&2
	done
	rm -rf "$pprof_dir/$series"
	mkdir -p "$pprof_dir/$series"
	cp "$tmp/out/$series"/* "$pprof_dir/$series/"
done
echo "generate-growth.sh: wrote $(ls "$pprof_dir/growth" "$pprof_dir/steady" | grep -c .) files under $pprof_dir"
