"""Count the events of an old-format (Go 1.5-1.21) execution trace by type,
independently of heapscope: a plain record walk of the wire format (see
doc/format-trace-old.md), no ordering, no state.

    python3 trace_count.py FILE...     prints "FILE<TAB>GoCreate<TAB>events"

Used once to write tests/conformance/trace_counts.tsv, the expected
goroutine counts of the corpus traces (tests must not need Go)."""
import os
import re
import sys

EV_BATCH, EV_FREQUENCY, EV_STACK, EV_GO_CREATE = 1, 2, 3, 13
EV_TIMER_GOROUTINE, EV_STRING, EV_USER_LOG = 35, 37, 48
NOT_EVENTS = {EV_BATCH, EV_FREQUENCY, EV_STACK, EV_TIMER_GOROUTINE, EV_STRING}


def uvarint(d, pos):
    v = shift = 0
    while True:
        b = d[pos]
        pos += 1
        v |= (b & 0x7f) << shift
        if b < 0x80:
            return v, pos
        shift += 7


def count(data):
    m = re.match(rb'go 1\.(\d+) trace\0+$', data[:16])
    if not m:
        raise ValueError('not an old-format trace')
    ver = 1000 + int(m.group(1))
    pos, counts = 16, {}
    while pos < len(data):
        b = data[pos]
        pos += 1
        typ, narg = b & 0x3f, (b >> 6) + 1
        inline = 4
        if ver < 1007:
            narg += 1
            inline += 1
        if typ == EV_STRING:
            _, pos = uvarint(data, pos)
            ln, pos = uvarint(data, pos)
            pos += ln
        elif narg < inline:
            for _ in range(narg):
                _, pos = uvarint(data, pos)
        else:
            ln, pos = uvarint(data, pos)
            pos += ln
        if typ == EV_USER_LOG:
            ln, pos = uvarint(data, pos)
            pos += ln
        if pos > len(data):
            break          # cut inside the last record
        counts[typ] = counts.get(typ, 0) + 1
    events = sum(n for t, n in counts.items() if t not in NOT_EVENTS)
    return counts.get(EV_GO_CREATE, 0), events


def main():
    for path in sys.argv[1:]:
        with open(path, 'rb') as f:
            creates, events = count(f.read())
        print('%s\t%d\t%d' % (os.path.basename(path), creates, events))


if __name__ == '__main__':
    main()
