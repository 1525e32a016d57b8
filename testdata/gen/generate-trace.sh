#!/bin/sh
# Regenerates testdata/trace/ (Go 1.19 execution traces of known behaviour,
# each with the program's own counts in MODE.counts.json) and
# testdata/expected/trace/ (go tool trace -pprof=KIND references, as
# `go tool pprof -raw` text) for tests/conformance/check_trace.py.
# Needs go (made with go1.19); ~5 s.
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
td=$(dirname "$gen")
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go build -trimpath -o "$tmp/bin" ./trace
rm -rf "$td/trace" "$td/expected/trace"
mkdir -p "$td/trace" "$td/expected/trace"
for mode in leak chansend mutex sleep net; do
	"$tmp/bin" -mode $mode -out "$td/trace"
	for kind in sync net syscall sched; do
		go tool trace -pprof=$kind "$td/trace/$mode.trace" > "$tmp/$mode.$kind.pb"
		go tool pprof -raw "$tmp/$mode.$kind.pb" > "$td/expected/trace/$mode.trace.$kind.raw.txt" 2>/dev/null
	done
done
echo "generate-trace.sh: wrote $(ls "$td/trace" | grep -c .) trace files, $(ls "$td/expected/trace" | grep -c .) references"
