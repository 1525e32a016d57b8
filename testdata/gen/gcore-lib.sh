# Shared by generate-coreheap.sh and generate-coreprof.sh (sourced, after
# set -eu): a Go program of testdata/gen run until it prints "ready", then
# a gcore of it.  Sets GEN (testdata/gen, the working directory) and TMP
# (removed on exit, with the program killed if it still runs).
GEN=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$GEN"

# gcore_of PKG [ARG...]: build ./PKG (with $GO, default go: go1.19;
# -trimpath, static) as
# $TMP/core.exe, run it with GOMAXPROCS=2, -out $TMP and the ARGs, wait for
# "ready" and take $TMP/core.PID with gcore; the program is killed after.
gcore_of() {
	"${GO:-go}" build -trimpath -o "$TMP/core.exe" "./$1"
	shift
	rm -f "$TMP/log"
	GOMAXPROCS=2 "$TMP/core.exe" -out "$TMP" "$@" > "$TMP/log" &
	PID=$!
	for _ in $(seq 100); do
		grep -q ready "$TMP/log" 2>/dev/null && break
		sleep 0.1
	done
	grep -q ready "$TMP/log" || { echo "the program never got ready" >&2; exit 1; }
	sleep 0.5
	gcore -o "$TMP/core" "$PID" > /dev/null 2>&1
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
}

# slim_exe OUT: $TMP/core.exe without the sections heapscope does not read
# (as generate-core.sh slims its executables), zstd -19 into OUT.
slim_exe() {
	objcopy --remove-section=.debug_line --remove-section=.debug_loc \
		--remove-section=.debug_frame --remove-section=.debug_ranges \
		--remove-section=.debug_gdb_scripts "$TMP/core.exe" "$TMP/slim"
	zstd -q -19 -f -o "$1" "$TMP/slim"
}
