#!/usr/bin/env python3
"""Write the seed corpus tests/fuzz/corpus/trace/ for fuzz_trace.

    python3 tests/fuzz/corpus/make_trace_seeds.py

Seeds, all small: the testdata traces (testdata/trace/, Go 1.19), each
also cut in its middle and with a byte flipped, and a header-only file.
Go 1.22+ seeds for the other loader are added by its own branch."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..', '..'))
OUT = os.path.join(HERE, 'trace')


def write(name, data):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    src = os.path.join(ROOT, 'testdata', 'trace')
    for name in sorted(os.listdir(src)):
        if not name.endswith('.trace'):
            continue
        with open(os.path.join(src, name), 'rb') as f:
            data = f.read()
        base = name[:-len('.trace')]
        write(base + '.trace', data)
        write(base + '-cut.trace', data[:len(data) // 2])
        flipped = bytearray(data)
        flipped[len(data) // 3] ^= 0x5a
        write(base + '-flip.trace', bytes(flipped))
    write('header-only.trace', b'go 1.19 trace\0\0\0')
    write('header-1.5.trace', b'go 1.5 trace\0\0\0\0\x01\x03\x00\x00\x00')


if __name__ == '__main__':
    main()
