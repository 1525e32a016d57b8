#!/usr/bin/env python3
"""Write a large, valid Go 1.22 execution trace for throughput and memory
tests of the v2 loader (not committed: it is big).

    bigtrace.py OUT.trace [GENERATIONS [CYCLES_PER_GEN [WORKERS]]]

One M and P; g1 creates WORKERS goroutines in generation 1, then every
generation restates all states (ProcStatus, GoStatus) and runs CYCLES
rounds of: g1 unblocks a worker and yields, the worker runs and blocks on
a channel, g1 runs again.  Each generation also creates and ends one new
goroutine.  The expected counts are printed as JSON:
GO_CREATE = WORKERS + GENERATIONS, GO_BLOCK = WORKERS + CYCLES*GENERATIONS.
Memory use must not grow with GENERATIONS*CYCLES."""
import json
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from totrace import uvarint  # noqa: E402

MAX_BATCH = 60000


def ev(num, *args):
    return bytes([num]) + b"".join(uvarint(a) for a in args)


class Gen:
    def __init__(self, out, gen):
        self.out, self.gen, self.buf, self.t = out, gen, bytearray(), 1000 * gen

    def add(self, e):
        if len(self.buf) + len(e) > MAX_BATCH:
            self.flush()
        self.buf += e

    def flush(self):
        if self.buf:
            self.out += bytes([1]) + uvarint(self.gen) + uvarint(1) + uvarint(self.t) + \
                uvarint(len(self.buf)) + self.buf
            self.buf = bytearray()


def batch(out, gen, payload):
    out += bytes([1]) + uvarint(gen) + uvarint((1 << 64) - 1) + uvarint(0) + \
        uvarint(len(payload)) + payload


def main(argv):
    path = argv[1]
    gens = int(argv[2]) if len(argv) > 2 else 200
    cycles = int(argv[3]) if len(argv) > 3 else 20000
    workers = int(argv[4]) if len(argv) > 4 else 64
    out = bytearray(b"go 1.22 trace\x00\x00\x00")
    strings = [b"chan receive", b"yield", b"main.worker", b"main.go", b"main.main"]
    stacks = ev(2) + ev(3, 1, 1, 4096, 3, 4, 10) + ev(3, 2, 2, 8192, 5, 4, 20, 8200, 5, 4, 30)
    strtab = ev(4) + b"".join(ev(5, i + 1, len(s)) + s for i, s in enumerate(strings))
    blocks = creates = 0
    next_g = 2 + workers
    seq = {}
    for gen in range(1, gens + 1):
        g = Gen(out, gen)
        g.add(ev(13, 1, 0, 1))                        # ProcStatus p0 running
        g.add(ev(25, 1, 1, 1, 2))                     # GoStatus g1 running on M1
        if gen == 1:
            for w in range(2, 2 + workers):           # create and park the workers
                g.add(ev(14, 1, w, 1, 2))
                g.add(ev(19, 1, 2, 0))                # g1 GoStop (yield)
                g.add(ev(16, 1, w, 1))                # worker GoStart seq 1
                g.add(ev(20, 1, 1, 1))                # worker GoBlock chan receive
                g.add(ev(16, 1, 1, 1 if w == 2 else seq[1] + 1))
                seq[1] = 1 if w == 2 else seq[1] + 1
                seq[w] = 1
                blocks += 1
                creates += 1
        else:
            seq = {k: 0 for k in seq}
            for w in range(2, 2 + workers):
                g.add(ev(25, 1, w, (1 << 64) - 1, 4))  # GoStatus waiting
        for c in range(cycles):
            w = 2 + c % workers
            g.add(ev(21, 1, w, seq[w] + 1, 2))        # g1 unblocks w
            g.add(ev(19, 1, 2, 0))                    # g1 yields
            g.add(ev(16, 1, w, seq[w] + 2))           # w runs
            g.add(ev(20, 1, 1, 1))                    # w blocks
            g.add(ev(16, 1, 1, seq.get(1, 0) + 1))    # g1 runs
            seq[w] += 2
            seq[1] = seq.get(1, 0) + 1
            blocks += 1
        ng = next_g                                   # one short-lived goroutine
        next_g += 1
        g.add(ev(14, 1, ng, 1, 2))
        g.add(ev(19, 1, 2, 0))
        g.add(ev(16, 1, ng, 1))
        g.add(ev(17, 1))                              # GoDestroy
        g.add(ev(16, 1, 1, seq[1] + 1))
        seq[1] += 1
        creates += 1
        g.flush()
        batch(out, gen, ev(8, 1000000000))
        batch(out, gen, stacks)
        batch(out, gen, strtab)
    open(path, "wb").write(out)
    print(json.dumps({"GO_CREATE": creates, "GO_BLOCK": blocks, "bytes": len(out)}))


if __name__ == "__main__":
    main(sys.argv)
