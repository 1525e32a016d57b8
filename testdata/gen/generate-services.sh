#!/bin/sh
# Regenerates testdata/pprof/services/MODE/ for `heapscope leaks`, `growth`
# and `blocking` (tests/golden/verify_services.py), all modes or those given
# as arguments (./generate-services.sh pertenant-sampled): six small services
# written like real ones (testdata/gen/services), three moments each:
# heap profiles, gzipped goroutine debug=2 dumps, a goroutine profile, and
# block/mutex/CPU profiles or an execution trace where they show the
# mechanism, plus counts.json with what the program knows.  MODE-sampled
# is MODE run with -sampled: heap profiles at Go's default MemProfileRate
# (512 KiB), as real services take them (pertenant-sampled: 2560 rooms a
# moment instead of 40, so that the profiles hold enough samples; its
# counts are random draws, a new run gives other numbers).  Needs go (made
# with go1.19); ~25 s.  A run whose counts are off exits 1 (the program
# checks them); it is retried up to 3 times.
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$gen")/pprof/services
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go build -trimpath -o "$tmp/bin" ./services
modes=${*:-registry pertask pertenant history rwstarve healthy pertenant-sampled}
for mode in $modes; do
	case $mode in
	*-sampled) args="-mode ${mode%-sampled} -sampled" ;;
	*) args="-mode $mode" ;;
	esac
	ok=
	for try in 1 2 3; do
		rm -rf "$tmp/$mode"
		# shellcheck disable=SC2086 # args: words
		if "$tmp/bin" $args -out "$tmp/$mode"; then ok=1; break; fi
		echo "generate-services.sh: $mode: try $try failed" >&2
	done
	[ -n "$ok" ] || exit 1
	rm -rf "$out/$mode"
	mkdir -p "$out/$mode"
	cp "$tmp/$mode"/* "$out/$mode/"
done
echo "generate-services.sh: wrote $(find "$out" -type f | grep -c .) files, $(du -sk "$out" | cut -f1) kB"
