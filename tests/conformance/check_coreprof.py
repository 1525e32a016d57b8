#!/usr/bin/env python3
"""The heap profile of a core (issue 15 item 7) against the heap profile
the same process wrote just before its core (testdata/coreprof, made by
testdata/gen/generate-coreprof.sh with runtime.MemProfileRate = 1), for
the program built by Go 1.19 (testdata/coreprof), 1.21 (coreprof121),
1.22 (coreprof122) and 1.23 (coreprof123), and by Go 1.19 for arm64
(coreprof-arm64: qemu-aarch64's core, testdata/gen/generate-core-arm64.sh),
each against what that Go's runtime/pprof wrote.

heapscope reads the core's memory profile records (runtime.mbuckets) and
writes them as a profile.proto (`merge --exe`); `go tool pprof -raw` then
reads both files.  Every sample must be equal: the same four values, the
same "bytes" label, the same stack (each location's function, file,
line and the function's start line s=, inlined frames included, leaf
first).  Samples the core holds beyond
the written profile (buckets of allocations made after it, published by no
GC yet) must be all zeros.  Then the program's own counts.json: the sites
it allocated at, with the counts and sizes it used.

usage: check_coreprof.py HEAPSCOPE SOURCE_ROOT   (needs go for go tool pprof)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import ci_gate  # noqa: E402

failures = []


def check(ok, what):
    """Record what failed (printed at once) unless ok."""
    failures.extend([] if ok else [what])
    print('' if ok else 'FAIL: ' + what, end='' if ok else '\n')


def raw(path):
    """pprof -raw: sample types and samples as (values, labels, stack), the
    stack a tuple of locations, each a tuple of 'function file:line s=N'."""
    text = subprocess.run(['go', 'tool', 'pprof', '-raw', path], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=True).stdout.decode()
    lines = text.splitlines()
    i = lines.index('Samples:') + 1
    types = lines[i].split()
    i += 1
    samples = []
    while not lines[i].startswith('Locations'):
        m = re.match(r'^\s+([-\d\s]+): ([\d ]*)$', lines[i])
        if m:
            samples.append([[int(x) for x in m.group(1).split()],
                            [int(x) for x in m.group(2).split()], ''])
        elif lines[i].strip():
            samples[-1][2] += lines[i].strip()
        i += 1
    i += 1
    locs, cur = {}, None
    while i < len(lines) and not lines[i].startswith('Mappings'):
        m = re.match(r'^\s+(\d+): 0x[0-9a-f]+ (?:M=\d+ )?(.* s=\d+)$', lines[i])
        if m:
            cur = int(m.group(1))
            locs[cur] = [m.group(2)]
        else:
            m = re.match(r'^\s+(.* s=\d+)$', lines[i])
            check(m and cur, 'unexpected -raw line %r' % lines[i])
            locs[cur].append(m.group(1))
        i += 1
    out = []
    for vals, ids, labels in samples:
        out.append((tuple(vals), labels, tuple(tuple(locs[k]) for k in ids)))
    return types, out, text


def multiset(xs):
    d = {}
    for x in xs:
        d[x] = d.get(x, 0) + 1
    return d


def compare(hs, d, exe, tmp):
    """The core of d against the heap profile d/heap.pb.gz; the core's
    samples as pprof -raw reads them."""
    counts = json.load(open(os.path.join(d, 'counts.json')))
    out = os.path.join(tmp, 'core-heap.pb.gz')
    r = subprocess.run([hs, 'merge', '--exe', exe, os.path.join(d, 'core.core.zst'), '-o', out],
                       capture_output=True, text=True)
    check(r.returncode == 0 and r.stderr == '', '%s: merge --exe: exit %d: %s'
          % (d, r.returncode, r.stderr.strip()))
    if r.returncode:
        return counts, []
    ctypes, core, ctext = raw(out)
    wtypes, wrote, wtext = raw(os.path.join(d, 'heap.pb.gz'))
    check(ctypes == wtypes, 'sample types %s, written %s' % (ctypes, wtypes))
    period = lambda t: re.search(r'^Period: (\d+)$', t, re.M).group(1)
    check(period(ctext) == period(wtext) == str(counts['memprofilerate']),
          'period %s, written %s, MemProfileRate %s' % (period(ctext), period(wtext),
                                                       counts['memprofilerate']))
    cm, wm = multiset(core), multiset(wrote)
    for s, n in wm.items():
        check(cm.get(s, 0) >= n, 'sample of the written profile not in the core (%d of %d): %r'
              % (cm.get(s, 0), n, s))
    for s, n in cm.items():
        if n > wm.get(s, 0):
            check(not any(s[0]), 'sample of the core only, not zero: %r' % (s,))
    print('%s: %d samples written, %d in the core, %d equal' % (
        d, len(wrote), len(core), sum(min(n, cm.get(s, 0)) for s, n in wm.items())))
    return counts, core


def main():
    hs, root = sys.argv[1], sys.argv[2]
    if not shutil.which('go'):
        return ci_gate.skip('go is not installed (go tool pprof)')
    d = os.path.join(root, 'testdata', 'coreprof')
    with tempfile.TemporaryDirectory() as tmp:
        # rate/: the same executable at MemProfileRate 4096, values scaled
        rcounts, rcore = compare(hs, os.path.join(d, 'rate'), os.path.join(d, 'core.exe.zst'), tmp)
        # a scaled sample: its bytes no longer objects x the "bytes" label
        scaled = [v for v, label, _ in rcore if v[0] and label and
                  v[1] != int(label[len('bytes:['):-1]) * v[0]]
        check(rcounts['memprofilerate'] == 4096 and scaled, 'rate/: no sample scaled')
        print('rate/: %d samples scaled' % len(scaled))
        for v in ('coreprof', 'coreprof121', 'coreprof122', 'coreprof123', 'coreprof-arm64'):
            d = os.path.join(root, 'testdata', v)
            counts, core = compare(hs, d, os.path.join(d, 'core.exe.zst'), tmp)
            sites(v, counts, core)
            deep(v, counts, core)


def deep(v, counts, core):
    """main.deep's stack: deep_depth + 1 frames of main.deep (mProf_Malloc's
    callers(4, ...) skips the runtime's allocation frames: the first PC is
    main.deep's).  To Go 1.22 a bucket holds runtime.maxStack = 32 PCs: 32
    main.deep frames; Go 1.23 holds up to debug.profstackdepth = 128 PCs and
    its pprof reads them all: every frame, then main.main and runtime.main
    (runtime.goexit dropped by pprof)."""
    got = [s for s in core if s[2] and s[2][0][0].startswith('main.deep ') and
           s[1] == 'bytes:[%d]' % counts['deep_bytes']]
    check(len(got) == 1 and got[0][0] == (counts['deep'], counts['deep'] * counts['deep_bytes'],
                                          counts['deep'], counts['deep'] * counts['deep_bytes']),
          '%s: main.deep: samples %r' % (v, [s[0] for s in got]))
    if got:
        names = [loc[0].split()[0] for loc in got[0][2]]
        want = (['main.deep'] * 32 if v != 'coreprof123' else
                ['main.deep'] * (counts['deep_depth'] + 1) + ['main.main', 'runtime.main'])
        check(names == want, '%s: main.deep: %d frames %s..., want %d' % (
            v, len(names), names[-3:], len(want)))
        print('%s: main.deep: %d frames' % (v, len(names)))


def sites(v, counts, core):
    """The program's own counts: each site's objects, sizes, what is in use."""
    # the program's own counts: (site, leaf function, objects, bytes each, in use after GC)
    sites = [('main.keepSmall', counts['small'], counts['small_bytes'], True),
             ('main.keepLarge', counts['large'], counts['large_bytes'], True),
             ('main.churn', counts['churn'], counts['churn_bytes'], False),
             ('main.newNode', counts['nodes'], counts['node_bytes'], True),
             ('main.worker', counts['worker'], counts['worker_bytes'], True)]
    for fn, n, size, kept in sites:
        got = [s for s in core if s[2] and s[2][0][0].startswith(fn + ' ')
               and s[1] == 'bytes:[%d]' % size and s[0][0] >= n]
        check(len(got) == 1, '%s: %s: %d samples of %d objects of %d bytes'
              % (v, fn, len(got), n, size))
        if got:
            val = got[0][0]
            # the site's loop allocated exactly n objects (plus nothing else of that size there)
            check(val[0] == n and val[1] == n * size, '%s: %s: allocated %r, want %d x %d'
                  % (v, fn, val, n, size))
            want = (n, n * size) if kept else (0, 0)
            check(val[2:] == want, '%s: %s: in use %r, want %r' % (v, fn, val[2:], want))
    # main.newNode is inlined into main.buildList, inlined into main.main: one location
    nodes = [s for s in core if s[2] and s[2][0][0].startswith('main.newNode ')]
    check(nodes and [f.split()[0] for f in nodes[0][2][0]] ==
          ['main.newNode', 'main.buildList', 'main.main'],
          '%s: main.newNode: first location %r' % (v, nodes[0][2][0] if nodes else None,))


def report():
    print('%d failures' % len(failures))
    return 1 if failures else 0


sys.exit(main() or report())
