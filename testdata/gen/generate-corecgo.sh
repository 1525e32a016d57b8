#!/bin/sh
# Regenerate testdata/core/cgo/ (GOMAXPROCS=8, more Ps than this
# machine's CPUs) and testdata/core/cgo1/ (GOMAXPROCS=1): cores of
# testdata/gen/corecgo, built with cgo (go1.19, -trimpath, dynamically
# linked against libc).  One run of the program gives, in each directory:
#   stack.txt, counts.json  its runtime.Stack(all) text and what it built
#                           (the goroutine ids blocked in C and spinning
#                           in Go, the printing goroutine's id)
#   heap.dump.zst           its debug.WriteHeapDump, just before "ready"
#   core.core.zst           a gcore taken by gdb stopped at
#                           runtime.setGCPercent.func1: the printing
#                           goroutine is running on its thread's g0 stack
#                           (systemstack), the spinners (released just
#                           before, GODEBUG=asyncpreemptoff=1) on their own
#   kernel.core.zst         then SIGQUIT to the same thread under
#                           GOTRACEBACK=crash: the kernel's core, every
#                           Go thread on its gsignal stack
#   crash.txt               what the runtime printed for that SIGQUIT:
#                           every goroutine, the running ones from their
#                           signal context
#   gdb-goroutines.txt, kernel-gdb-goroutines.txt
#                           gdb's `info goroutines` (runtime-gdb.py) of
#                           each core
# and cgo/core.exe.zst, the executable of both runs, slimmed as
# generate-core.sh slims its executables.  Needs go, gcc, gdb (gcore),
# objcopy, zstd, and /proc/sys/kernel/core_pattern a file name.
set -eu
GEN=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$GEN/../core}
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill -9 "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$GEN"
case $(cat /proc/sys/kernel/core_pattern) in
core*) ;;
*) echo "core_pattern is not a file name: no kernel core" >&2; exit 1 ;;
esac
CGO_ENABLED=1 go build -trimpath -o "$TMP/core.exe" ./corecgo
GDBPY="source $(go env GOROOT)/src/runtime/runtime-gdb.py"

goroutines() {   # goroutines CORE OUT: gdb's info goroutines of CORE
	gdb -batch -nx -ex "$GDBPY" -ex "info goroutines" "$TMP/core.exe" "$1" 2>/dev/null |
		grep -E '^[* ] +[0-9]+ ' > "$2"
}

# take DIR GOMAXPROCS
take() {
	dir=$1 run=$TMP/run$2
	mkdir -p "$dir" "$run"
	(cd "$run" && ulimit -c unlimited &&
		GOTRACEBACK=crash GODEBUG=asyncpreemptoff=1 GOMAXPROCS=$2 exec "$TMP/core.exe" -out . > log 2> crash.txt) &
	PID=$!
	timeout 10 sh -c "until grep -q ready '$run/log' 2>/dev/null; do sleep 0.1; done" ||
		{ echo "the program never got ready" >&2; exit 1; }
	sleep 0.5
	gdb -batch -nx -p "$PID" \
		-ex 'handle SIGQUIT nostop noprint pass' -ex 'handle SIGABRT nostop noprint pass' \
		-ex 'handle SIGURG nostop noprint pass' -ex 'break runtime.setGCPercent.func1' \
		-ex "shell touch $run/go" -ex continue -ex "gcore $run/gcore.out" -ex delete \
		-ex 'signal SIGQUIT' > "$run/gdb.log" 2>&1 || true
	wait "$PID" || true
	PID=
	grep -q 'Breakpoint 1, runtime.setGCPercent.func1' "$run/gdb.log" ||
		{ echo "gdb did not stop in setGCPercent" >&2; cat "$run/gdb.log" >&2; exit 1; }
	ls "$run"/core* > /dev/null || { echo "no kernel core" >&2; exit 1; }
	zstd -q -19 -f -o "$dir/core.core.zst" "$run/gcore.out"
	zstd -q -19 -f -o "$dir/kernel.core.zst" "$run"/core*
	zstd -q -19 -f -o "$dir/heap.dump.zst" "$run/heap.dump"
	cp "$run/stack.txt" "$run/counts.json" "$run/crash.txt" "$dir/"
	goroutines "$run/gcore.out" "$dir/gdb-goroutines.txt"
	goroutines "$run"/core* "$dir/kernel-gdb-goroutines.txt"
	chmod 644 "$dir"/*
}

take "$OUT/cgo" 8
take "$OUT/cgo1" 1
objcopy --remove-section=.debug_line --remove-section=.debug_loc \
	--remove-section=.debug_frame --remove-section=.debug_ranges \
	--remove-section=.debug_gdb_scripts "$TMP/core.exe" "$TMP/slim"
zstd -q -19 -f -o "$OUT/cgo/core.exe.zst" "$TMP/slim"
chmod 644 "$OUT/cgo/core.exe.zst"
ls -l "$OUT/cgo" "$OUT/cgo1"
