#!/bin/sh
# Regenerates the heap profile series for `heapscope growth` and `check`:
#   testdata/pprof/growth/heap-1.pb.gz .. heap-6.pb.gz + counts.json
#   testdata/pprof/steady/heap-1.pb.gz .. heap-3.pb.gz + counts.json
#   testdata/pprof/growth-text/heap-1.txt .. heap-6.txt + counts.json (?debug=1 text)
# Usage: testdata/gen/generate-growth.sh [SERIES...]   (from anywhere; needs go,
# made with go1.19; SERIES: growth, steady, growth-text; default all three)
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
series_list=${*:-growth steady growth-text}
for series in $series_list; do
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
# growth-log/heap.log.gz: the six ?debug=1 profiles appended to one file, as a
# loop of `curl .../debug/pprof/heap?debug=1 >> heap.log` leaves them
if [ -d "$pprof_dir/growth-text" ]; then
	mkdir -p "$pprof_dir/growth-log"
	cat "$pprof_dir/growth-text"/heap-[1-6].txt | gzip -9n >"$pprof_dir/growth-log/heap.log.gz"
fi
echo "generate-growth.sh: wrote $series_list under $pprof_dir"
