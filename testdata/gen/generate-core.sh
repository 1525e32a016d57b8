#!/bin/sh
# Regenerate testdata/core/: a gcore of testdata/gen/core (go1.19,
# -trimpath) with its executable, both zstd -19, the program's own
# runtime.Stack(all) text and counts.json, gdb's `info goroutines` of the
# core with Go's runtime-gdb.py (gdb-goroutines.txt), and the bad inputs
# of the golden cases core-bad-*:
#   bad-cut.core.zst        the core cut at 40 MB (segments past its end)
#   wrong.exe.zst           the same program linked with -X main.variant=other
#                           (another build id), without the DWARF sections and
#                           symbols the reader does not use, to stay small
#   stripped.exe.zst        the right executable, DWARF stripped
#                           (objcopy --strip-debug: the build id stays)
# Needs go, gdb (gcore), objcopy and zstd.
set -eu
GEN=$(cd "$(dirname "$0")" && pwd)
OUT=$GEN/../core
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
cd "$GEN"
go build -trimpath -o "$TMP/core.exe" ./core
go build -trimpath -ldflags='-X main.variant=other' -o "$TMP/wrong.exe" ./core
"$TMP/core.exe" -out "$TMP" > "$TMP/log" &
PID=$!
i=0
until grep -q ready "$TMP/log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "the program never got ready" >&2; exit 1; }
	sleep 0.1
done
sleep 0.5     # the reporting goroutine exits
gcore -o "$TMP/core" "$PID" > /dev/null 2>&1
kill "$PID"
wait "$PID" 2>/dev/null || true
PID=
zstd -q -19 -f -o "$OUT/core.core.zst" "$TMP/core.$(sed -n 's/.*"pid": \([0-9]*\).*/\1/p' "$TMP/counts.json")"
zstd -q -19 -f -o "$OUT/core.exe.zst" "$TMP/core.exe"
cp "$TMP/stack.txt" "$TMP/counts.json" "$OUT/"
gdb -batch -nx -ex "source $(go env GOROOT)/src/runtime/runtime-gdb.py" \
	-ex "info goroutines" "$TMP/core.exe" "$TMP"/core.[0-9]* 2>/dev/null |
	grep -E '^[* ] +[0-9]+ ' > "$OUT/gdb-goroutines.txt"
# hostile inputs
head -c 40000000 "$TMP"/core.[0-9]* | zstd -q -19 -f -o "$OUT/bad-cut.core.zst"
objcopy --remove-section=.debug_line --remove-section=.debug_loc --remove-section=.debug_frame \
	--remove-section=.debug_ranges --remove-section=.debug_gdb_scripts --remove-section=.symtab \
	--remove-section=.strtab "$TMP/wrong.exe" "$TMP/wrong.small"
zstd -q -19 -f -o "$OUT/wrong.exe.zst" "$TMP/wrong.small"
objcopy --strip-debug "$TMP/core.exe" "$TMP/stripped.exe"
zstd -q -19 -f -o "$OUT/stripped.exe.zst" "$TMP/stripped.exe"
ls -l "$OUT"
