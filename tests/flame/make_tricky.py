#!/usr/bin/env python3
"""Write testdata/flame/tricky.pb.gz and tricky-base.pb.gz: small goroutine
profiles (profile.proto, encoded here by hand) whose frames have the names
that are hard on a flame graph: <&>" characters, invalid UTF-8, blanks,
';' (folded stacks rewrite it as ':'), and a frame F with a value of its
own and callees beside a sibling F.func1 (flamegraph.pl draws F as two
boxes there).  The stacks and counts are the STACKS tables below, so
testdata/flame/tricky*.folded (what `heapscope folded` must print for
them) can be checked by eye.

usage: make_tricky.py OUTDIR"""
import gzip
import os
import sys

# The protobuf field writers of the fuzz seeds: fld(num, bytes|int), packed.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'fuzz', 'corpus'))
from make_seeds import fld, packed  # noqa: E402

M = b"main.main"
NEW = [
    (5, [M, b"main.F"]),
    (3, [M, b"main.F", b"main.g"]),
    (4, [M, b"main.F.func1"]),
    (2, [M, b'main.<&>"quoted"']),
    (3, [M, b"main.bad\xff\xfename", b"main.leaf"]),
    (1, [M, b"main.with space", b"type..eq.struct { a int }"]),
    (2, [M, b"main.G[...]"]),
    (6, [M, b"runtime.gopark"]),
    (1, [M, b"main.caf\xc3\xa9", b"main.\xe6\x97\xa5\xe6\x9c\xac"]),
    (2, [M, b"main.semi;colon"]),
]
BASE = [
    (2, [M, b"main.F"]),
    (3, [M, b"main.F", b"main.g"]),
    (7, [M, b"main.F.func1"]),
    (2, [M, b'main.<&>"quoted"']),
    (1, [M, b"main.bad\xff\xfename", b"main.leaf"]),
    (4, [M, b"main.gone"]),
    (6, [M, b"runtime.gopark"]),
]


def profile(stacks):
    strings = [b""]
    def s(x):
        if x not in strings:
            strings.append(x)
        return strings.index(x)
    body = fld(1, fld(1, s(b"goroutine")) + fld(2, s(b"count")))
    funcs = {}
    for count, frames in stacks:
        ids = []
        for name in reversed(frames):          # leaf first, as pprof stores them
            if name not in funcs:
                funcs[name] = len(funcs) + 1
            ids.append(funcs[name])
        body += fld(2, fld(1, packed(ids)) + fld(2, packed([count])))
    for name, fid in funcs.items():      # location i: one line of function i
        body += fld(4, fld(1, fid) + fld(4, fld(1, fid) + fld(2, 10 + fid)))
    for name, fid in funcs.items():
        body += fld(5, fld(1, fid) + fld(2, s(name)) + fld(3, s(name)) + fld(4, s(b"main.go")))
    for x in strings:
        body += fld(6, x)
    return body


def main():
    out = sys.argv[1]
    for name, stacks in (("tricky.pb.gz", NEW), ("tricky-base.pb.gz", BASE)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(gzip.compress(profile(stacks), mtime=0))


if __name__ == "__main__":
    main()
