#!/usr/bin/env python3
"""Write the seed corpus tests/fuzz/corpus/pprof/ for fuzz_pprof.

    python3 tests/fuzz/corpus/make_seeds.py [SHARED_CORPUS]

Seeds, all small:
  - testdata/bad/* (run testdata/bad/make.py first): one defect each;
  - a minimal valid profile built here (one sample, one location, one
    function) and a variant with a packed/unpacked mix, labels, a mapping,
    comments and a default sample type;
  - the smallest testdata profiles, raw (gunzipped: a mutated deflate
    stream rarely inflates, so raw protobuf reaches the decoder) and one
    gzipped;
  - a legacy (gperftools / Go < 1.9) CPU profile: the header and the first
    records of google-pprof/gobench.cpu from the shared corpus, cut at a
    record boundary and closed with the 0,1,0 trailer.  Skipped when the
    shared corpus is absent (the committed seed stays).
Files found later by the fuzzer (crashes, new coverage worth keeping) are
added by hand under their own names and are not touched here.
"""
import gzip
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
OUT = os.path.join(HERE, 'pprof')
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '..', 'shared', 'corpus', 'pprof')


def varint(v):
    out = bytearray()
    while True:
        c = v & 0x7f
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def fld(num, payload):
    """A field: bytes -> length-delimited, int -> varint."""
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def packed(nums):
    return b''.join(varint(n) for n in nums)


def minimal():
    strings = [b'', b'samples', b'count', b'main.f', b'f.go']
    return b''.join([
        fld(1, fld(1, 1) + fld(2, 2)),                       # sample_type samples/count
        fld(2, fld(1, packed([1])) + fld(2, packed([5]))),   # sample: location 1, value 5
        fld(4, fld(1, 1) + fld(4, fld(1, 1) + fld(2, 10))),  # location 1: line f:10
        fld(5, fld(1, 1) + fld(2, 3) + fld(4, 4)),           # function 1: main.f f.go
    ] + [fld(6, s) for s in strings])


def richer():
    strings = [b'', b'alloc_space', b'bytes', b'inuse_space', b'main.g', b'g.go', b'main.h',
               b'/bin/x', b'key', b'val', b'a comment', b'space']
    return b''.join([
        fld(1, fld(1, 1) + fld(2, 2)),
        fld(1, fld(1, 3) + fld(2, 2)),
        # unpacked location ids, packed values, a string and a numeric label
        fld(2, fld(1, 1) + fld(1, 2) + fld(2, packed([100, 40])) +
            fld(3, fld(1, 8) + fld(2, 9)) + fld(3, fld(1, 8) + fld(3, 7) + fld(4, 2))),
        fld(2, fld(1, packed([2])) + fld(2, packed([7, 0]))),
        fld(3, fld(1, 1) + fld(2, 0x400000) + fld(3, 0x500000) + fld(5, 7) + fld(7, 1)),
        # location 1 has two lines: main.g inlined into main.h
        fld(4, fld(1, 1) + fld(2, 1) + fld(3, 0x401000) + fld(4, fld(1, 1) + fld(2, 3)) +
            fld(4, fld(1, 2) + fld(2, 7))),
        fld(4, fld(1, 2) + fld(2, 1) + fld(3, 0x402000) + fld(4, fld(1, 2) + fld(2, 9))),
        fld(5, fld(1, 1) + fld(2, 4) + fld(3, 4) + fld(4, 5) + fld(5, 1)),
        fld(5, fld(1, 2) + fld(2, 6) + fld(3, 6) + fld(4, 5)),
        fld(9, 1700000000000000000), fld(10, 1000000000),
        fld(11, fld(1, 11) + fld(2, 2)), fld(12, 512 * 1024),
        fld(13, 10), fld(14, 3),
    ] + [fld(6, s) for s in strings])


def legacy_cpu(path, limit=400):
    data = open(path, 'rb').read()
    words = lambda off, n: struct.unpack_from('<%dQ' % n, data, off)
    hdr = words(0, 5)
    assert hdr[:3] == (0, 3, 0), 'not a 64-bit little-endian legacy CPU profile'
    off = 5 * 8
    while True:  # whole records (count, n, n pcs) while they fit in `limit`
        count, n = words(off, 2)
        end = off + (2 + n) * 8
        if count == 0 or end + 24 > limit:
            break
        off = end
    return data[:off] + struct.pack('<3Q', 0, 1, 0)


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    bad = os.path.join(ROOT, 'testdata', 'bad')
    for name in sorted(os.listdir(bad)):
        if name != 'make.py':
            seeds['bad-' + name] = open(os.path.join(bad, name), 'rb').read()
    seeds['minimal.pb'] = minimal()
    seeds['richer.pb'] = richer()
    pp = os.path.join(ROOT, 'testdata', 'pprof')
    for name in ('threadcreate', 'mutex', 'block'):
        seeds[name + '.pb'] = gzip.decompress(open(os.path.join(pp, name + '.pb.gz'), 'rb').read())
    seeds['threadcreate.pb.gz'] = open(os.path.join(pp, 'threadcreate.pb.gz'), 'rb').read()
    gobench = os.path.join(SHARED, 'google-pprof', 'gobench.cpu')
    if os.path.exists(gobench):
        seeds['legacy-gobench.cpu'] = legacy_cpu(gobench)
    write_seeds(OUT, seeds)


def write_seeds(out, seeds):
    """Write {name: bytes} into the directory out, saying each size."""
    for name, data in sorted(seeds.items()):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
        print('%-28s %5d bytes' % (name, len(data)))


if __name__ == '__main__':
    main()
