#!/bin/sh
# Regenerates testdata/gctrace/{leak,steady}.log and their .counts.json:
# the stderr of testdata/gen/gctrace run with GODEBUG=gctrace=1, and what
# the program's runtime counted.  A run is kept only when the log has
# exactly NumGC gc lines.  (The "(forced)" lines can be one more than
# NumForcedGC: a runtime.GC() that finds a cycle running also marks it.)
# Usage: testdata/gen/generate-gctrace.sh   (needs go; made with go1.19)
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$gen")/gctrace
export GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go build -trimpath -o "$tmp/gctrace" ./gctrace
mkdir -p "$out"
for mode in leak steady; do
	n=0
	while :; do
		GODEBUG=gctrace=1 "$tmp/gctrace" -mode $mode 2>"$tmp/$mode.log" >"$tmp/$mode.counts.json"
		gcs=$(grep -c '^gc [0-9]* @' "$tmp/$mode.log" || true)
		want=$(sed -n 's/.*"num_gc": \([0-9]*\).*/\1/p' "$tmp/$mode.counts.json")
		[ "$gcs" = "$want" ] && break
		n=$((n + 1))
		[ $n -lt 5 ] || { echo "generate-gctrace.sh: $mode: $gcs lines, NumGC $want" >&2; exit 1; }
	done
	cp "$tmp/$mode.log" "$tmp/$mode.counts.json" "$out/"
done
echo "generate-gctrace.sh: wrote $out/{leak,steady}.log and counts"
