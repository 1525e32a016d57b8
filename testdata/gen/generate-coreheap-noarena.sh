#!/bin/sh
# Derive testdata/coreheap-refused/noarena.exe.zst from
# testdata/coreheap/core.exe.zst (its own folder: folder cases read
# testdata/coreheap/ whole):
# the same executable (same build id, same loaded bytes) whose DWARF names
# runtime.heapArena runtime.heapArenX (every occurrence, same length), so
# that the core's heap layout is refused ("no runtime.heapArena in DWARF",
# as a runtime the heap reader does not know) while its goroutines read:
# the input of the cases where leaks and triage keep a core's goroutines
# when its heap is refused (coreheap-refused-*), whatever Go versions the
# heap reader learns.  Needs objcopy, zstd and python3.
set -eu
GEN=$(cd "$(dirname "$0")" && pwd)
DIR=$GEN/../coreheap-refused
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
zstd -q -d -f -o "$TMP/exe" "$GEN/../coreheap/core.exe.zst"
objcopy --decompress-debug-sections "$TMP/exe" "$TMP/plain"
python3 - "$TMP/plain" <<'PY'
import sys
p = sys.argv[1]
d = open(p, 'rb').read()
n = d.count(b'runtime.heapArena\x00')
assert n > 0, 'no runtime.heapArena in the executable'
open(p, 'wb').write(d.replace(b'runtime.heapArena\x00', b'runtime.heapArenX\x00'))
PY
objcopy --compress-debug-sections=zlib-gabi "$TMP/plain" "$TMP/noarena"
zstd -q -19 -f -o "$DIR/noarena.exe.zst" "$TMP/noarena"
chmod 644 "$DIR/noarena.exe.zst"
ls -l "$DIR/noarena.exe.zst"
