#!/usr/bin/env python3
"""Go 1.22+ execution traces: the loader (through tests/tools/trace_count)
against an independent reading of the same bytes.

    check_trace_v2.py TRACE_COUNT SOURCE_ROOT [CORPUS_DIR]

1. testdata/trace/v2-text/*.test (our own text traces): the committed
   binaries in testdata/trace/v2/ are what the converter makes of them; each
   loads or is rejected as its "-- expect --" section says; GO_CREATE equals
   the GoCreate/GoCreateSyscall/GoCreateBlocked lines of the text and the
   events read equal the timed events plus CPU samples of the text.
2. CORPUS_DIR/trace-text/*.test, converted on the fly, the same checks.
3. CORPUS_DIR/trace/go1.2[2-6]*.trace: each loads; GO_CREATE and the event
   count equal those of a minimal decoder written here (batches, events by
   argument count: no ordering, no state); cut at nine points, each prefix
   loads without error, says truncated (unless cut in the header) and
   delivers no more events than the whole.
Parts 2 and 3 are skipped (exit 77) when the corpus is absent."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Arguments after the time delta of timed events (Go's tracev2 specs).
NARGS = {9: 2, 10: 2, 11: 0, 12: 3, 13: 2, 14: 3, 15: 1, 16: 2, 17: 0, 18: 0, 19: 2,
         20: 2, 21: 3, 22: 2, 23: 0, 24: 0, 25: 3, 26: 2, 27: 0, 28: 1, 29: 2, 30: 1,
         31: 1, 32: 1, 33: 2, 34: 1, 35: 1, 36: 0, 37: 1, 38: 1, 39: 1, 40: 4, 41: 2,
         42: 3, 43: 3, 44: 4, 45: 2, 46: 2, 47: 3, 48: 4, 51: 3,
         128: 3, 129: 3, 130: 1, 131: 2, 132: 2, 133: 1, 134: 2, 135: 2, 136: 1}
CREATES = {14, 15, 47}
CREATE_NAMES = {"GoCreate", "GoCreateSyscall", "GoCreateBlocked"}


def uvarint(d, p):
    x = s = 0
    while True:
        b = d[p]
        p += 1
        x |= (b & 0x7F) << s
        s += 7
        if b < 0x80:
            return x, p


def decode(data):
    """-> {'creates': n, 'events': n}: timed events of event batches and
    CPU samples, counted without interpreting them."""
    creates = events = 0
    p = 16
    while p < len(data):
        if data[p] == 52:          # Go 1.26 end-of-generation marker
            p += 1
            continue
        typ = data[p]
        p += 1
        if typ == 49:              # experimental batch: skip
            p += 1
        elif typ != 1:
            raise ValueError("no batch at %d" % (p - 1))
        _, p = uvarint(data, p)    # gen
        _, p = uvarint(data, p)    # m
        _, p = uvarint(data, p)    # time
        size, p = uvarint(data, p)
        body, p = data[p:p + size], p + size
        if typ == 49 or not body:
            continue
        if body[0] == 6:           # CPU samples: 5 uvarints each
            q = 1
            while q < len(body):
                q += 1
                for _ in range(5):
                    _, q = uvarint(body, q)
                events += 1
            continue
        if body[0] in (2, 4, 8, 50):   # stacks, strings, frequency, sync
            continue
        q = 0
        while q < len(body):
            ev = body[q]
            q += 1
            for _ in range(1 + NARGS[ev]):
                _, q = uvarint(body, q)
            events += 1
            creates += ev in CREATES
    return {"creates": creates, "events": events}


def run(tool, path):
    r = subprocess.run([tool, path], capture_output=True, text=True, timeout=120)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"ok": False, "crash": True, "error": r.stderr[-300:], "rc": r.returncode}


def text_counts(converter, path):
    out = subprocess.run([sys.executable, converter, "--count", path], capture_output=True,
                         text=True, check=True).stdout
    c = json.loads(out)["counts"]
    timed = sum(n for name, n in c.items()
                if name not in ("EventBatch", "Stacks", "Stack", "Strings", "String",
                                "Frequency", "Sync", "ClockSnapshot", "CPUSamples", "CPUSample",
                                "ExperimentalBatch"))
    return sum(c.get(n, 0) for n in CREATE_NAMES), timed + c.get("CPUSample", 0)


class Checker:
    def __init__(self):
        self.fails = 0
        self.checks = 0

    def expect(self, cond, what):
        self.checks += 1
        if not cond:
            self.fails += 1
            print("FAIL:", what)


def check_text(ck, tool, converter, test, out_bin, committed=None):
    r = subprocess.run([sys.executable, converter, test, out_bin], capture_output=True,
                       text=True)
    name = os.path.basename(test)
    ck.expect(r.returncode == 0, "%s: converter failed: %s" % (name, r.stderr))
    if r.returncode:
        return None
    expect = r.stdout.strip()
    if committed is not None:
        same = os.path.exists(committed) and open(committed, "rb").read() == open(out_bin, "rb").read()
        ck.expect(same, "%s: %s is not what the converter makes (regenerate)" % (name, committed))
    got = run(tool, out_bin)
    ck.expect(not got.get("crash"), "%s: trace_count crashed: %s" % (name, got))
    if expect.startswith("SUCCESS"):
        ck.expect(got["ok"], "%s: expected success, got %s" % (name, got.get("error")))
        ck.expect(not got.get("truncated"), "%s: unexpectedly truncated" % name)
        creates, events = text_counts(converter, test)
        if got["ok"]:
            ck.expect(got["kinds"]["GO_CREATE"] == creates,
                      "%s: GO_CREATE %d, text has %d" % (name, got["kinds"]["GO_CREATE"], creates))
            ck.expect(got["events"] == events,
                      "%s: events %d, text has %d" % (name, got["events"], events))
        verdict = "loads"
    else:
        ck.expect(not got["ok"], "%s: expected %s, but it loaded" % (name, expect))
        verdict = "rejected: %s" % got.get("error")
    print("%-70s %s (expect %s)" % (name, verdict, expect))
    return got


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    tool, root = argv[1], argv[2]
    corpus = argv[3] if len(argv) > 3 else None
    converter = os.path.join(root, "testdata", "gen", "trace-text", "totrace.py")
    ck = Checker()
    tmp = tempfile.mkdtemp(prefix="hs-trace-v2-")
    own = os.path.join(root, "testdata", "trace", "v2-text")
    for f in sorted(os.listdir(own)):
        if f.endswith(".test"):
            base = f[:-5]
            check_text(ck, tool, converter, os.path.join(own, f),
                       os.path.join(tmp, base + ".trace"),
                       os.path.join(root, "testdata", "trace", "v2", base + ".trace"))
    have_corpus = corpus and os.path.isdir(os.path.join(corpus, "trace-text"))
    ntext = nbin = 0
    if have_corpus:
        tdir = os.path.join(corpus, "trace-text")
        for f in sorted(os.listdir(tdir)):
            if f.endswith(".test"):
                ntext += 1
                check_text(ck, tool, converter, os.path.join(tdir, f),
                           os.path.join(tmp, f[:-5] + ".trace"))
        bdir = os.path.join(corpus, "trace")
        for f in sorted(os.listdir(bdir)):
            if not (f.startswith("go1.2") and f.endswith(".trace")) or f < "go1.22":
                continue
            path = os.path.join(bdir, f)
            nbin += 1
            data = open(path, "rb").read()
            ref = decode(data)
            got = run(tool, path)
            ck.expect(got["ok"] and not got["truncated"], "%s: %s" % (f, got.get("error")))
            if got["ok"]:
                ck.expect(got["kinds"]["GO_CREATE"] == ref["creates"],
                          "%s: GO_CREATE %d, decoder %d" % (f, got["kinds"]["GO_CREATE"], ref["creates"]))
                ck.expect(got["events"] == ref["events"],
                          "%s: events %d, decoder %d" % (f, got["events"], ref["events"]))
            print("%-70s loads: %d events, %d created (decoder %d, %d)" % (
                f, got.get("events", 0), got.get("kinds", {}).get("GO_CREATE", 0),
                ref["events"], ref["creates"]))
            for k in range(1, 10):
                cut = 16 + (len(data) - 16) * k // 10
                cpath = os.path.join(tmp, "cut.trace")
                open(cpath, "wb").write(data[:cut])
                c = run(tool, cpath)
                ck.expect(c["ok"], "%s cut at %d: %s" % (f, cut, c.get("error")))
                ck.expect(c.get("truncated", False), "%s cut at %d: not marked truncated" % (f, cut))
                ck.expect(c.get("events", 0) <= got.get("events", 0),
                          "%s cut at %d: more events than the whole" % (f, cut))
    print("%d checks, %d failed" % (ck.checks, ck.fails))
    if not have_corpus:
        return 1 if ck.fails else ci_gate.skip("no corpus trace-text beside the source")
    # the corpus manifest: every trace-text test and every v2 trace
    with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as mf:
        rows = [ln.split("\t") for ln in mf]
    ok = ci_gate.enough(ntext, sum(1 for r in rows if r[1:2] == ["trace-text"]),
                        "trace-text tests (MANIFEST.tsv)")
    ok = ci_gate.enough(nbin, sum(1 for r in rows if r[1:2] == ["trace"] and "v2" in r[2]),
                        "v2 traces (MANIFEST.tsv)") and ok
    return 1 if ck.fails or not ok else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
