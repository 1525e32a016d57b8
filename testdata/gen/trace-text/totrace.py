#!/usr/bin/env python3
"""Turn a Go execution trace in text form (golang.org/x/exp/trace's
testtrace encoding: an optional "-- expect --" section, then "-- trace --"
with "Trace Go1.N", batches and events with named arguments) into the
binary wire format of Go 1.22+ traces.

    totrace.py IN.test OUT.trace      write the binary trace; print the
                                       expectation (SUCCESS / FAILURE "re")
    totrace.py --fix-sizes IN.test    rewrite IN.test with each EventBatch's
                                       size= computed from its events
    totrace.py --count IN.test        print JSON counts of events by name,
                                       read from the text (an independent
                                       count for the tests)

Event numbers and argument lists are those of Go's internal/trace/tracev2
(the format is documented in doc/format-trace-v2.md).  Arguments are
written as given, sizes included, so deliberately broken tests (a batch
whose size runs past the end of the file) stay broken.  Python 3 stdlib."""
import json
import re
import sys

# name: (event number, argument names); "dt" first marks a timed event.
SPECS = {
    "EventBatch": (1, ["gen", "m", "time", "size"]),
    "Stacks": (2, []),
    "Stack": (3, ["id", "nframes"]),
    "Strings": (4, []),
    "String": (5, ["id"]),
    "CPUSamples": (6, []),
    "CPUSample": (7, ["time", "m", "p", "g", "stack"]),
    "Frequency": (8, ["freq"]),
    "ProcsChange": (9, ["dt", "procs_value", "stack"]),
    "ProcStart": (10, ["dt", "p", "p_seq"]),
    "ProcStop": (11, ["dt"]),
    "ProcSteal": (12, ["dt", "p", "p_seq", "m"]),
    "ProcStatus": (13, ["dt", "p", "pstatus"]),
    "GoCreate": (14, ["dt", "new_g", "new_stack", "stack"]),
    "GoCreateSyscall": (15, ["dt", "new_g"]),
    "GoStart": (16, ["dt", "g", "g_seq"]),
    "GoDestroy": (17, ["dt"]),
    "GoDestroySyscall": (18, ["dt"]),
    "GoStop": (19, ["dt", "reason_string", "stack"]),
    "GoBlock": (20, ["dt", "reason_string", "stack"]),
    "GoUnblock": (21, ["dt", "g", "g_seq", "stack"]),
    "GoSyscallBegin": (22, ["dt", "p_seq", "stack"]),
    "GoSyscallEnd": (23, ["dt"]),
    "GoSyscallEndBlocked": (24, ["dt"]),
    "GoStatus": (25, ["dt", "g", "m", "gstatus"]),
    "STWBegin": (26, ["dt", "kind_string", "stack"]),
    "STWEnd": (27, ["dt"]),
    "GCActive": (28, ["dt", "gc_seq"]),
    "GCBegin": (29, ["dt", "gc_seq", "stack"]),
    "GCEnd": (30, ["dt", "gc_seq"]),
    "GCSweepActive": (31, ["dt", "p"]),
    "GCSweepBegin": (32, ["dt", "stack"]),
    "GCSweepEnd": (33, ["dt", "swept_value", "reclaimed_value"]),
    "GCMarkAssistActive": (34, ["dt", "g"]),
    "GCMarkAssistBegin": (35, ["dt", "stack"]),
    "GCMarkAssistEnd": (36, ["dt"]),
    "HeapAlloc": (37, ["dt", "heapalloc_value"]),
    "HeapGoal": (38, ["dt", "heapgoal_value"]),
    "GoLabel": (39, ["dt", "label_string"]),
    "UserTaskBegin": (40, ["dt", "task", "parent_task", "name_string", "stack"]),
    "UserTaskEnd": (41, ["dt", "task", "stack"]),
    "UserRegionBegin": (42, ["dt", "task", "name_string", "stack"]),
    "UserRegionEnd": (43, ["dt", "task", "name_string", "stack"]),
    "UserLog": (44, ["dt", "task", "key_string", "value_string", "stack"]),
    "GoSwitch": (45, ["dt", "g", "g_seq"]),
    "GoSwitchDestroy": (46, ["dt", "g", "g_seq"]),
    "GoCreateBlocked": (47, ["dt", "new_g", "new_stack", "stack"]),
    "GoStatusStack": (48, ["dt", "g", "m", "gstatus", "stack"]),
    "ExperimentalBatch": (49, ["exp", "gen", "m", "time"]),
    "Sync": (50, []),
    "ClockSnapshot": (51, ["dt", "mono", "sec", "nsec"]),
}
HAS_DATA = {"String", "ExperimentalBatch"}
FRAME = ["pc", "func", "file", "line"]


def uvarint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def go_unquote(s):
    """strconv.Unquote for a double-quoted Go string, to bytes."""
    s = s.strip()
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise ValueError("bad quoted string: %r" % s)
    s, out, i = s[1:-1], bytearray(), 0
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11,
              "\\": 92, '"': 34, "'": 39}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        e = s[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(int(s[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            k = 4 if e == "u" else 8
            out += chr(int(s[i + 2:i + 2 + k], 16)).encode()
            i += 2 + k
        elif e in "01234567":
            out.append(int(s[i + 1:i + 4], 8))
            i += 4
        else:
            raise ValueError("bad escape in %r" % s)
    return bytes(out)


def strip(line):
    return line.split("#", 1)[0].strip()


def parse(text):
    """-> (expect line or None, version, list of (name, args, frames, data, lineno))"""
    expect = None
    lines = text.split("\n")
    i, events, version = 0, [], None
    m = re.search(r"^-- expect --\n(.*?)^-- trace --\n", text, re.S | re.M)
    if m:
        expect = m.group(1).strip()
        i = text[:m.end()].count("\n")   # line numbers stay the file's
    while i < len(lines):
        ln, line = i + 1, strip(lines[i])
        i += 1
        if not line or line.startswith("--"):
            continue
        toks = line.split()
        if version is None:
            if toks[0] != "Trace" or not toks[1].startswith("Go1."):
                raise ValueError("line %d: expected 'Trace Go1.N'" % ln)
            version = int(toks[1][4:])
            continue
        name = toks[0]
        if name not in SPECS:
            raise ValueError("line %d: unidentified event %s" % (ln, name))
        want = SPECS[name][1]
        got = [t.split("=", 1) for t in toks[1:]]
        if [g[0] for g in got] != want:
            raise ValueError("line %d: %s wants %s" % (ln, name, want))
        args = [int(g[1]) for g in got]
        frames, data = [], None
        if name == "Stack":
            for _ in range(args[1]):
                while not strip(lines[i]):
                    i += 1
                f = [t.split("=", 1) for t in strip(lines[i]).split()]
                i += 1
                if [x[0] for x in f] != FRAME:
                    raise ValueError("line %d: bad frame" % (i))
                frames.append([int(x[1]) for x in f])
        if name in HAS_DATA:
            while not strip(lines[i]):
                i += 1
            k, v = lines[i].split("=", 1)
            i += 1
            if k.strip() != "data":
                raise ValueError("line %d: expected data=" % i)
            data = go_unquote(v)
        events.append((name, args, frames, data, ln))
    return expect, version, events


def encode_event(name, args, frames, data):
    num = SPECS[name][0]
    out = bytearray([num])
    if name == "ExperimentalBatch":
        out.append(args[0])
        args = args[1:]
    for a in args:
        out += uvarint(a)
    for f in frames:
        for a in f:
            out += uvarint(a)
    if data is not None:
        out += uvarint(len(data)) + data
    return bytes(out)


def encode(version, events):
    out = bytearray(b"go 1.%d trace\x00\x00\x00" % version)
    for name, args, frames, data, _ in events:
        out += encode_event(name, args, frames, data)
    return bytes(out)


def fix_sizes(path):
    text = open(path).read()
    _, _, events = parse(text)
    lines = text.split("\n")
    cur = None
    sizes = {}
    for name, args, frames, data, ln in events:
        if name == "EventBatch":
            cur = ln
            sizes[cur] = 0
        elif cur is not None:
            sizes[cur] += len(encode_event(name, args, frames, data))
    for ln, size in sizes.items():
        lines[ln - 1] = re.sub(r"size=\d+", "size=%d" % size, lines[ln - 1])
    open(path, "w").write("\n".join(lines))


def count(path):
    _, version, events = parse(open(path).read())
    counts = {}
    for name, *_ in events:
        counts[name] = counts.get(name, 0) + 1
    return {"version": version, "counts": counts}


def main(argv):
    if len(argv) == 3 and argv[1] == "--fix-sizes":
        fix_sizes(argv[2])
    elif len(argv) == 3 and argv[1] == "--count":
        print(json.dumps(count(argv[2]), sort_keys=True))
    elif len(argv) == 3:
        expect, version, events = parse(open(argv[1]).read())
        open(argv[2], "wb").write(encode(version, events))
        print(expect or "SUCCESS")
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
