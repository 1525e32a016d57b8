#!/bin/sh
# Regenerate the arm64 (aarch64) cores: testdata/gen/core and
# testdata/gen/coreheap built with GOARCH=arm64 (go1.19, -trimpath,
# static), run under qemu-aarch64 (Debian's qemu-user) with GOMAXPROCS=2
# and GOTRACEBACK=crash, and stopped with SIGQUIT once they printed
# "ready": the Go runtime prints every goroutine with each frame's sp and
# fp (crash.txt) and dies of SIGABRT, and qemu writes the guest's ELF core
# (e_machine EM_AARCH64, one NT_PRSTATUS per thread, no NT_FILE) as
# qemu_core.exe_DATE_PID.core in the working directory.  qemu leaves the
# text segment out (it starts with the ELF header), so the core holds no
# copy of the build id note: the executable is matched by the read-only
# data the core does hold.
#   testdata/core/arm64/      core.core.zst, core.exe.zst (slimmed as
#                             generate-core.sh slims), stack.txt (the
#                             program's runtime.Stack(all)), counts.json,
#                             crash.txt, wrong.exe.zst (linked with
#                             -X main.variant=other: other read-only data),
#                             gdb-goroutines.txt (gdb-multiarch's `info
#                             goroutines` of the core, Go's runtime-gdb.py),
#                             riscv.core (the core's first 4 KiB with
#                             e_machine 243: another machine's core)
#   testdata/coreheap-arm64/  core.core.zst, core.exe.zst, heap.dump.zst
#                             (debug.WriteHeapDump just before the core),
#                             counts.json
#   testdata/coreprof-arm64/  core.core.zst, core.exe.zst, heap.pb.gz (the
#                             heap profile the program wrote just before
#                             the core), counts.json
# With GO=/usr/lib/go-1.23/bin/go (another toolchain, by its full path) and
# OUT=/tmp/x, parts core and coreheap: testdata/core/arm64/go123/ is
# /tmp/x/core/arm64/ but wrong.exe.zst, testdata/coreheap123-arm64/ is
# /tmp/x/coreheap-arm64/.
# Needs go, qemu-aarch64 (qemu-user), gdb-multiarch, aarch64-linux-gnu-objcopy
# (binutils-aarch64-linux-gnu: the host objcopy does not know EM_AARCH64)
# and zstd.  OUT (absolute) replaces
# testdata/ as the parent of both directories.
set -eu
GEN=$(cd "$(dirname "$0")" && pwd)
GO=${GO:-go}
OUT=${OUT:-$GEN/..}
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$GEN"

slim() {
	aarch64-linux-gnu-objcopy --remove-section=.debug_line --remove-section=.debug_loc \
		--remove-section=.debug_frame --remove-section=.debug_ranges \
		--remove-section=.debug_gdb_scripts "$1" "$TMP/slim"
	zstd -q -19 -f -o "$2" "$TMP/slim"
}

# crash PKG DIR: build ./PKG for arm64 into $TMP/PKG/core.exe, run it
# under qemu-aarch64 in $TMP/PKG until "ready", SIGQUIT it; its core
# (zstd), its slimmed executable and counts.json go to DIR (created), and
# the program's directory is $T
crash() {
	pkg=$1 d=$2
	T=$TMP/$pkg
	mkdir -p "$T" "$d"
	GOARCH=arm64 "$GO" build -trimpath -o "$T/core.exe" "./$pkg"
	cd "$T"
	# the subshell execs qemu: $! is its pid
	(ulimit -c unlimited; GOTRACEBACK=crash GOMAXPROCS=2 exec qemu-aarch64 ./core.exe -out . \
		> log 2> crash.txt) &
	PID=$!
	i=0
	until grep -q ready log 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 600 ] || { echo "the program never got ready" >&2; exit 1; }
		sleep 0.1
	done
	sleep 1
	kill -QUIT "$PID"
	wait "$PID" || true
	PID=
	cd "$GEN"
	zstd -q -19 -f -o "$d/core.core.zst" "$T"/qemu_core.exe_*.core
	slim "$T/core.exe" "$d/core.exe.zst"
	cp "$T/counts.json" "$d/"
}

# generate-core-arm64.sh [core] [coreheap] [coreprof]: those parts only
PARTS=${*:-core coreheap coreprof}
for part in $PARTS; do
case $part in
core)
	d=$OUT/core/arm64
	crash core "$d"
	cp "$T/stack.txt" "$T/crash.txt" "$d/"
	gdb-multiarch -batch -nx -ex "source $("$GO" env GOROOT)/src/runtime/runtime-gdb.py" \
		-ex "info goroutines" "$T/core.exe" "$T"/qemu_core.exe_*.core 2>/dev/null |
		grep -E '^[* ] +[0-9]+ ' > "$d/gdb-goroutines.txt"
	# a core of another machine (golden case core-bad-machine): the first
	# 4 KiB, e_machine 243 (RISC-V)
	head -c 4096 "$T"/qemu_core.exe_*.core > "$d/riscv.core"
	printf '\363' | dd of="$d/riscv.core" bs=1 seek=18 conv=notrunc 2> /dev/null
	GOARCH=arm64 "$GO" build -trimpath -ldflags='-X main.variant=other' -o "$TMP/wrong.exe" ./core
	slim "$TMP/wrong.exe" "$d/wrong.exe.zst"
	;;
coreheap)
	d=$OUT/coreheap-arm64
	crash coreheap "$d"
	zstd -q -19 -f -o "$d/heap.dump.zst" "$T/heap.dump"
	;;
coreprof)
	d=$OUT/coreprof-arm64
	crash coreprof "$d"
	cp "$T/heap.pb.gz" "$d/"
	;;
*)
	echo "unknown part $part (core, coreheap, coreprof)" >&2
	exit 2
	;;
esac
chmod 644 "$d"/*
ls -l "$d"
done
