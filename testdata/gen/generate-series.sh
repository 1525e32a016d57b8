#!/bin/sh
# Regenerates the heap profile series for `heapscope diff` and `merge`, and
# go tool pprof's reference outputs for them:
#   testdata/pprof/series/heap-1.pb.gz .. heap-5.pb.gz, series.json
#   testdata/expected/series/
#     heap-N.pb.gz.raw.txt     go tool pprof -raw heap-N.pb.gz (N = 1..5)
#     base-1-5.top.txt         per sample type T, a section "## sample_index=T"
#                              then go tool pprof -top -nodecount=0
#                              -sample_index=T -base heap-1.pb.gz heap-5.pb.gz
#     base-1-5.topB.txt        the same with -unit=B (exact values)
#     diff_base-1-5.topB.txt   -diff_base instead of -base, -unit=B
#     normalize-1-5.topB.txt   -normalize -base, -unit=B
#     base-5-1.topB.txt        heap-5 as the base of heap-1 (all shrinkage)
#     merged-1-5.top.txt       go tool pprof -top -nodecount=0 -sample_index=T
#                              heap-1.pb.gz ... heap-5.pb.gz (pprof's own merge)
# Usage: testdata/gen/generate-series.sh   (from anywhere; needs go, made with go1.19)
# Regenerating changes the golden diff-*/merge-* cases: rerun
# tests/golden/run.py --update for them, then tests/golden/verify.py.
set -eu

gen=$(cd "$(dirname "$0")" && pwd)
testdata=$(dirname "$gen")
out=$testdata/pprof/series
expected=$testdata/expected/series
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/nobinaries"
export PPROF_BINARY_PATH="$tmp/nobinaries"

cd "$gen"
go build -trimpath -o "$tmp/series" ./series
# The program checks its counts against runtime.MemProfile and exits 1 when
# one is off; try a few times before giving up.
n=0
until "$tmp/series" -out "$tmp/out"; do
	n=$((n + 1))
	if [ $n -ge 3 ]; then
		echo "generate-series.sh: failed $n times" >&2
		exit 1
	fi
	rm -rf "$tmp/out"
	echo "generate-series.sh: retrying" >&2
done
rm -rf "$out" "$expected"
mkdir -p "$out" "$expected"
cp "$tmp/out"/* "$out/"

pp() {
	go tool pprof -symbolize=none "$@"
}

cd "$out"
for k in 1 2 3 4 5; do
	pp -raw heap-$k.pb.gz >"$expected/heap-$k.pb.gz.raw.txt"
done
types=$(awk 'prev == "Samples:" { for (i = 1; i <= NF; i++) { sub(/\/.*/, "", $i); print $i }; exit } { prev = $0 }' \
	"$expected/heap-1.pb.gz.raw.txt")

# sections FILE ARGS...: one "## sample_index=T" section per sample type.
sections() {
	f=$1
	shift
	: >"$f"
	for t in $types; do
		echo "## sample_index=$t" >>"$f"
		pp -top -nodecount=0 -sample_index="$t" "$@" >>"$f"
	done
}
sections "$expected/base-1-5.top.txt" -base heap-1.pb.gz heap-5.pb.gz
sections "$expected/base-1-5.topB.txt" -unit=B -base heap-1.pb.gz heap-5.pb.gz
sections "$expected/diff_base-1-5.topB.txt" -unit=B -diff_base heap-1.pb.gz heap-5.pb.gz
sections "$expected/normalize-1-5.topB.txt" -unit=B -normalize -base heap-1.pb.gz heap-5.pb.gz
sections "$expected/base-5-1.topB.txt" -unit=B -base heap-5.pb.gz heap-1.pb.gz
sections "$expected/merged-1-5.top.txt" heap-1.pb.gz heap-2.pb.gz heap-3.pb.gz heap-4.pb.gz heap-5.pb.gz

# Sanity: pprof's -base report must show the known growth and shrinkage
# (series.json): +1000 entries of 4096 B, -400 cache objects of 2048 B.
grep -q '^ *4096000B .* main\.newEntry$' "$expected/base-1-5.topB.txt" ||
	{ echo "generate-series.sh: check failed: main.newEntry +4096000B" >&2; exit 1; }
grep -q '^ *-819200B .* main\.fillCache$' "$expected/base-1-5.topB.txt" ||
	{ echo "generate-series.sh: check failed: main.fillCache -819200B" >&2; exit 1; }
echo "generate-series.sh: wrote $(ls "$out" | wc -l) files to $out and $(ls "$expected" | wc -l) to $expected"
