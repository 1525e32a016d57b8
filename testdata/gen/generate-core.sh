#!/bin/sh
# Regenerate testdata/core/: gcores of testdata/gen/core (go1.19,
# -trimpath), each with its executable, both zstd -19, the program's own
# runtime.Stack(all) text (stack.txt) and counts.json, and gdb's
# `info goroutines` of the core with Go's runtime-gdb.py
# (gdb-goroutines.txt):
#   testdata/core/            a static executable (GOMAXPROCS=2)
#   testdata/core/pie/        -buildmode=pie, loaded at a random base (GOMAXPROCS=1)
#   testdata/core/kernel/     the kernel's core of the static executable (the
#                             same bytes: builds are reproducible), killed with
#                             SIGQUIT under GOTRACEBACK=crash; it leaves text and
#                             rodata out (p_filesz 0x1000 and 0).  Needs
#                             /proc/sys/kernel/core_pattern to be a file name.
# The committed executables lack the sections heapscope does not read
# (.debug_line, .debug_loc, .debug_frame, .debug_ranges: a third of the
# size); gdb is given the whole one.  Bad inputs of the golden cases
# core-bad-*:
#   bad-cut.core.zst        the core cut at 40 MB (segments past its end)
#   wrong.exe.zst           the same program linked with -X main.variant=other
#                           (another build id), slimmed the same way
#   stripped.exe.zst        the right executable, DWARF stripped
#                           (objcopy --strip-debug: the build id stays)
# With GO=/usr/lib/go-1.23/bin/go (another toolchain, by its full path)
# only the static build is taken, by that Go, into OUT:
#   GO=/usr/lib/go-1.23/bin/go OUT=testdata/core/go123 generate-core.sh
# Needs go, gdb (gcore), objcopy and zstd.
set -eu
GEN=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-go}
OUT=${OUT:-$GEN/../core}
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$GEN"

slim() {
	objcopy --remove-section=.debug_line --remove-section=.debug_loc \
		--remove-section=.debug_frame --remove-section=.debug_ranges \
		--remove-section=.debug_gdb_scripts "$1" "$TMP/slim"
	zstd -q -19 -f -o "$2" "$TMP/slim"
}

# wait_ready DIR: until the program printed "ready", then let its
# reporting goroutine exit
wait_ready() {
	i=0
	until grep -q ready "$1/log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "the program never got ready" >&2; exit 1; }
		sleep 0.1
	done
	sleep 0.5
}

# take NAME DIR GOMAXPROCS [go build flags...]: build, run, gcore, commit
take() {
	name=$1 dir=$2 procs=$3
	shift 3
	mkdir -p "$dir" "$TMP/$name"
	"$GO" build -trimpath "$@" -o "$TMP/$name/core.exe" ./core
	GOMAXPROCS=$procs "$TMP/$name/core.exe" -out "$TMP/$name" > "$TMP/$name/log" &
	PID=$!
	wait_ready "$TMP/$name"
	gcore -o "$TMP/$name/core" "$PID" > /dev/null 2>&1
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
	core=$TMP/$name/core.$(sed -n 's/.*"pid": \([0-9]*\).*/\1/p' "$TMP/$name/counts.json")
	zstd -q -19 -f -o "$dir/core.core.zst" "$core"
	slim "$TMP/$name/core.exe" "$dir/core.exe.zst"
	cp "$TMP/$name/stack.txt" "$TMP/$name/counts.json" "$dir/"
	gdb -batch -nx -ex "source $("$GO" env GOROOT)/src/runtime/runtime-gdb.py" \
		-ex "info goroutines" "$TMP/$name/core.exe" "$core" 2>/dev/null |
		grep -E '^[* ] +[0-9]+ ' > "$dir/gdb-goroutines.txt"
	chmod 644 "$dir"/*.zst
}

# kernel DIR: the static build crashed by SIGQUIT, the kernel's core
kernel() {
	case $(cat /proc/sys/kernel/core_pattern) in
	core*) ;;
	*) echo "core_pattern is not a file name: no kernel core" >&2; exit 1 ;;
	esac
	mkdir -p "$1" "$TMP/kernel"
	cd "$TMP/kernel"
	# the subshell execs the program: $! is its pid
	(ulimit -c unlimited; GOTRACEBACK=crash GOMAXPROCS=2 exec "$TMP/static/core.exe" -out . > log 2> crash.txt) &
	PID=$!
	wait_ready "$TMP/kernel"
	kill -QUIT "$PID"
	wait "$PID" || true
	PID=
	cd "$GEN"
	zstd -q -19 -f -o "$1/core.core.zst" "$TMP"/kernel/core*
	cp "$TMP/kernel/stack.txt" "$TMP/kernel/counts.json" "$1/"
	gdb -batch -nx -ex "source $("$GO" env GOROOT)/src/runtime/runtime-gdb.py" \
		-ex "info goroutines" "$TMP/static/core.exe" "$TMP"/kernel/core* 2>/dev/null |
		grep -E '^[* ] +[0-9]+ ' > "$1/gdb-goroutines.txt"
	chmod 644 "$1"/*.zst
}

take static "$OUT" 2
if [ "$GO" != go ]; then
	ls -l "$OUT"
	exit 0
fi
take pie "$OUT/pie" 1 -buildmode=pie
kernel "$OUT/kernel"
# hostile inputs
head -c 40000000 "$TMP"/static/core.[0-9]* | zstd -q -19 -f -o "$OUT/bad-cut.core.zst"
go build -trimpath -ldflags='-X main.variant=other' -o "$TMP/wrong.exe" ./core
slim "$TMP/wrong.exe" "$OUT/wrong.exe.zst"
objcopy --strip-debug "$TMP/static/core.exe" "$TMP/stripped.exe"
zstd -q -19 -f -o "$OUT/stripped.exe.zst" "$TMP/stripped.exe"
chmod 644 "$OUT"/*.zst
ls -l "$OUT" "$OUT/pie"
