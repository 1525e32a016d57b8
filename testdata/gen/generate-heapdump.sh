#!/bin/sh
# Regenerate testdata/heapdump/: heap dumps of known graphs written by
# testdata/gen/heapdump (go1.19, -trimpath), gzip- and zstd-compressed,
# with counts.json of what the program built, and graph.sym: the
# program's symbol table alone (objcopy --only-keep-debug of a binary built
# without DWARF), so `heapdump --exe` is tested without committing the binary.
# owner.*: the owner scenario (a global map a goroutine's frame also holds,
# goroutines blocked in a channel send), with owner.sym, the same binary's
# symbols under its own name.
set -eu
GEN=$(cd "$(dirname "$0")" && pwd)
OUT=$GEN/../heapdump
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
cd "$GEN"
go build -trimpath -ldflags=-w -o "$TMP/graph" ./heapdump
"$TMP/graph" -out "$TMP" -n 2000 -name graph
"$TMP/graph" -out "$TMP" -n 4000 -name graph-4000
"$TMP/graph" -out "$TMP" -n 5000 -name owner -scenario owner
objcopy --only-keep-debug "$TMP/graph" "$OUT/graph.sym"
cp "$OUT/graph.sym" "$OUT/owner.sym"
gzip -9c "$TMP/owner.dump" > "$OUT/owner.dump.gz"
cp "$TMP/owner.counts.json" "$OUT/"
gzip -9c "$TMP/graph.dump" > "$OUT/graph.dump.gz"
gzip -9c "$TMP/graph-4000.dump" > "$OUT/graph-4000.dump.gz"
zstd -q -19 -c "$TMP/graph.dump" > "$OUT/graph.dump.zst"
cp "$TMP/graph.counts.json" "$TMP/graph-4000.counts.json" "$OUT/"
# Hostile inputs (tests/golden/cases/heapdump-bad-*): cut and flipped.
head -c 300000 "$TMP/graph.dump" | gzip -9c > "$OUT/bad-cut.dump.gz"
head -c 40000 "$OUT/graph.dump.gz" > "$OUT/bad-gzip-cut.dump.gz"
python3 - "$TMP/graph.dump" "$OUT" <<'PY'
import gzip, sys
d = open(sys.argv[1], 'rb').read()
def varint(i):
    while d[i] & 0x80: i += 1
    return i + 1
# the params record follows the header: tag 6, 4 varints, 2 strings, ncpu
i = varint(16)
for _ in range(4): i = varint(i)
for _ in range(2):
    n, j, shift = 0, i, 0
    while True:
        n |= (d[j] & 0x7f) << shift; shift += 7
        if d[j] < 0x80: break
        j += 1
    i = j + 1 + n
i = varint(i)
print('params end at byte', i)
# an unknown record tag right after the params record
gzip.open(sys.argv[2] + '/bad-tag.dump.gz', 'wb', 9).write(d[:i] + b'\x55' + d[i:i + 1000])
# an object record claiming a 2^50-byte contents
gzip.open(sys.argv[2] + '/bad-len.dump.gz', 'wb', 9).write(
    d[:i] + b'\x01\x80\x80\x80\x80\x80\x01' + b'\x80\x80\x80\x80\x80\x80\x80\x02' + d[i:i + 1000])
PY
ls -l "$OUT"
