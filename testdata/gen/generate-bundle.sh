#!/bin/sh
# Regenerates testdata/bundle/ (issue 12): dumps/, the folder of every
# artifact kind a misbehaving service leaves behind at three moments (see
# testdata/gen/bundle/main.go), and counts.json, the service's own counts.
# zstd-compresses the file the program lists in to-zstd.txt.  Needs go
# (made with go1.19) and zstd; ~5 s.  Afterwards: tests/golden/run.py
# --update build/heapscope . 'bundle-*', then tests/golden/verify.py.
set -eu
gen=$(cd "$(dirname "$0")" && pwd)
out=$(dirname "$gen")/bundle
export TZ=UTC GO111MODULE=on GOWORK=off GOPROXY=off GOFLAGS=
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$gen"
go build -trimpath -o "$tmp/bin" ./bundle
ok=0
for try in 1 2 3; do
	if "$tmp/bin" -out "$tmp/bundle"; then ok=1; break; fi
	echo "generate-bundle.sh: run $try failed, retrying" >&2
done
[ $ok = 1 ] || exit 1
while read -r f; do
	zstd -q -19 --rm "$tmp/bundle/$f"
done <"$tmp/bundle/to-zstd.txt"
rm "$tmp/bundle/to-zstd.txt"
rm -rf "$out"
mkdir -p "$out"
cp -R "$tmp/bundle"/. "$out/"
echo "generate-bundle.sh: wrote $(ls "$out/dumps" | grep -c .) files, $(du -sk "$out" | cut -f1) kB"
