#!/bin/sh
# Regenerates heapscope's own test profiles and the reference outputs of
# `go tool pprof` for them:
#   testdata/pprof/     profiles written by ./profiles, plus counts.json
#   testdata/expected/  <name>.raw.txt, <name>.top.txt, <name>.topcum.txt
#                       (and heap.pb.gz.top-{focus,lines,ignore,hide}.txt)
# Usage: testdata/gen/generate.sh   (from anywhere; needs go, made with go1.19)
set -eu

gen=$(cd "$(dirname "$0")" && pwd)
testdata=$(dirname "$gen")
pprof_dir=$testdata/pprof
expected=$testdata/expected

export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
case $(go version) in
*go1.19*) ;;
*) echo "generate.sh: warning: expected outputs were made with go1.19, this is $(go version)" >&2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
# No binary may be found for symbolization: the outputs must be what pprof
# shows from the profile alone, as a user without the binary would see.
mkdir "$tmp/nobinaries"
export PPROF_BINARY_PATH="$tmp/nobinaries"

# The program checks its counts against the runtime's own records and
# fails if one is off (e.g. a scheduling hiccup made a wait not block);
# try a few times before giving up.
cd "$gen"
n=0
until go run -trimpath ./profiles -out "$tmp/out"; do
	n=$((n + 1))
	if [ $n -ge 3 ]; then
		echo "generate.sh: profiles failed $n times" >&2
		exit 1
	fi
	rm -rf "$tmp/out"
	echo "generate.sh: retrying" >&2
done

mkdir -p "$pprof_dir" "$expected"
for f in "$tmp/out"/*; do
	cp "$f" "$pprof_dir/"
done

pp() {
	go tool pprof -symbolize=none "$@"
}

# sample_types P: the sample type names of P, in profile order, read from
# the line after "Samples:" in -raw output ("alloc_space/bytes[dflt]").
sample_types() {
	awk 'prev == "Samples:" { for (i = 1; i <= NF; i++) { sub(/\/.*/, "", $i); print $i }; exit } { prev = $0 }' "$1"
}

# section OUT P INDEX [FLAGS...]: append one section to OUT, headed
# "## sample_index=INDEX" and then FLAGS (if any) on the same line.
section() {
	out=$1 p=$2 idx=$3
	shift 3
	echo "## sample_index=$idx${*:+ $*}" >>"$out"
	pp -top -nodecount=0 -sample_index="$idx" "$@" "$p" >>"$out"
}

for p in "$pprof_dir"/*.pb.gz "$pprof_dir"/*.pb "$pprof_dir"/goroutine-debug1.txt; do
	b=$(basename "$p")
	raw=$expected/$b.raw.txt
	pp -raw "$p" >"$raw"
	: >"$expected/$b.top.txt"
	: >"$expected/$b.topcum.txt"
	for t in $(sample_types "$raw"); do
		section "$expected/$b.top.txt" "$p" "$t"
		# same header as .top.txt: the file name says -cum
		echo "## sample_index=$t" >>"$expected/$b.topcum.txt"
		pp -top -nodecount=0 -sample_index="$t" -cum "$p" >>"$expected/$b.topcum.txt"
	done
done

heap=$pprof_dir/heap.pb.gz
for v in focus:-focus=main.recurse lines:-lines ignore:-ignore=runtime hide:-hide=runtime; do
	out=$expected/heap.pb.gz.top-${v%%:*}.txt
	: >"$out"
	section "$out" "$heap" inuse_space "${v#*:}"
done

# Sanity checks: pprof's view of the profiles must agree with the known
# counts (counts.json). FLAT and CUM are regexps for the printed columns:
# pprof picks one unit per report from the smallest value shown, so 4000kB
# may be printed as 3.91MB depending on which tiny runtime samples exist.
fail=0
check() { # FILE INDEX FLAT CUM NAME
	if ! awk -v idx="## sample_index=$2" -v flat="^($3)\$" -v cum="^($4)\$" -v name="$5" '
		/^## / { on = ($0 == idx || index($0, idx " ") == 1); next }
		on && $1 ~ flat && $4 ~ cum {
			n = $0; sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+  /, "", n)
			if (n == name) found = 1
		}
		END { exit !found }' "$expected/$1"; then
		echo "generate.sh: check failed: $1 [$2] flat=$3 cum=$4 $5" >&2
		fail=1
	fi
}
for f in heap.pb.gz heap.pb; do
	check $f.top.txt inuse_space "4000kB|3.91MB" "4000kB|3.91MB" main.grow
	check $f.top.txt inuse_objects 1000 1000 main.grow
	check $f.top.txt alloc_objects 5000 5000 main.churn
	check $f.top.txt inuse_objects 500 500 main.churn
	check $f.top.txt inuse_space "500kB|0.49MB" "500kB|0.49MB" main.churn
	check $f.top.txt alloc_objects 300 300 "main.newRecord (inline)"
	check $f.top.txt inuse_objects 0 300 main.inlineCaller
	check $f.top.txt inuse_objects 200 200 main.recurse
	check $f.top.txt inuse_space "100kB|0.098MB" "100kB|0.098MB" main.recurse
done
check allocs.pb.gz.top.txt alloc_space "4000kB|3.91MB" "4000kB|3.91MB" main.grow
check heap.pb.gz.top-focus.txt inuse_space "100kB|0.098MB" "100kB|0.098MB" main.recurse
check goroutine.pb.gz.top.txt goroutine 0 100 main.sender
check goroutine.pb.gz.top.txt goroutine 0 50 main.wheel
check goroutine.pb.gz.top.txt goroutine 0 20 main.waiter
check goroutine-debug1.txt.top.txt goroutine 171 171 "<unknown>"
check block.pb.gz.top.txt contentions 0 100 main.chanWait
check block.pb.gz.top.txt contentions 0 50 main.lockHeavy
check mutex.pb.gz.top.txt contentions 0 50 main.lockHeavy
check mutex.pb.gz.top.txt contentions 50 50 "sync.(*Mutex).Unlock (inline)"
[ $fail = 0 ] || exit 1

echo "generate.sh: wrote $(ls "$pprof_dir" | wc -l) files to $pprof_dir and $(ls "$expected" | wc -l) to $expected"
