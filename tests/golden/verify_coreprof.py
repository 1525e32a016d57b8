"""Independent checks of the coreprof-* golden cases (the heap profile of a
core, issue 15 item 7).

Imported by verify.py (run(v) with the verify module), never run alone; it
never runs heapscope.  Expected outputs come from:

  - testdata/coreprof/heap.pb.gz, the heap profile the process wrote with
    pprof.WriteHeapProfile just before its core was taken (no GC cycle ran
    in between; rate/: at MemProfileRate 4096, scaled): `go tool pprof
    -top` (-sample_index, -lines) printed as is
    but for its Time: line (a core holds no wall clock), and the folded
    stacks of its -raw; coreprof121-*/coreprof122-*/coreprof123-* the same
    against testdata/coreprof121/, coreprof122/ and coreprof123/ (the
    program built by Go 1.21, 1.22 and 1.23, the profile written by that Go's runtime/pprof; read by
    Go 1.19's pprof, which reads any profile);
  - info-coreprof*: the same -raw (sample types, each type's total over
    its samples, the samples' count, period), counts.json's
    MemProfileRate, the core's NT_PRSTATUS notes (threads) and
    coreprof/main.go, whose main is its one goroutine left;
  - testdata/coreprof/bad.json, written by testdata/gen/coreprof/badlist.py
    (which bucket of the list it changed, to what) for the bad cores; the
    wording of those lines and of the missing --exe, checked by hand.
"""

import json
import os
import re

V = None
D = 'testdata/coreprof/'


def top(name, args, d=D):
    want = V.pprof('-top', *args, d + 'heap.pb.gz')
    want = ''.join(ln for ln in want.splitlines(True) if not ln.startswith('Time: '))
    V.expect_case(name, want, '', '0\n')


def raw_heap(path):
    """What `go tool pprof -raw` of a heap profile shows: sample types
    (type, unit), each type's total over the samples, the samples' count
    (pprof leaves all-zero samples out), period type and period."""
    text = V.pprof('-raw', path)
    types = [t.split('/') for t in text.split('Samples:\n')[1].split('\n')[0].split()]
    _, samples, _ = V.parse_raw(text)
    totals = [sum(v[k] for v, _ in samples) for k in range(len(types))]
    ptype = re.search(r'^PeriodType: (\S+) (\S+)$', text, re.M).groups()
    period = int(re.search(r'^Period: (\d+)$', text, re.M).group(1))
    return types, totals, len(samples), ptype, period


def info_head(core):
    """info's first lines on a core: its size, threads (its NT_PRSTATUS
    notes) and goroutines: testdata/gen/coreprof/main.go's main alone (its
    worker returned once main received from done)."""
    from verify_core import notes
    from verify_growth import label
    size = os.path.getsize(os.path.join(V.ROOT, core))
    threads = notes(core)[('count', b'CORE', 1)]
    text = ('%s\n  format:        ELF core (zstd)\n  kind:          core\n  size:          %s\n'
            '  threads:       %d\n  goroutines:    1 (the program\'s; the runtime\'s left out)\n'
            % (core, label(size), threads))
    return text, size, threads


def info_case(name, d, heap_d=None):
    """info on the core of d (its executable, or heap_d's): the heap
    profile as -raw of the heap.pb.gz the program wrote just before its
    core (the same samples: check_coreprof.py), the default type the last
    (pprof's), the period runtime.MemProfileRate (counts.json)."""
    core = d + 'core.core.zst'
    text, _, _ = info_head(core)
    types, totals, n, ptype, period = raw_heap(d + 'heap.pb.gz')
    rate = json.loads(open(os.path.join(V.ROOT, d + 'counts.json')).read())['memprofilerate']
    if rate != period:
        V.problems.append('%s: period %d, MemProfileRate %d' % (name, period, rate))
    text += '  heap profile:  runtime.mbuckets, in use as of the last GC\n  sample types:\n'
    for k, (t, u) in enumerate(types):
        text += '    %d %-20s %-12s total %s%s\n' % (k, t, u, V.scaled(totals[k], u),
                                                   '  (default)' if k == len(types) - 1 else '')
    text += '  period:        %s (%s/%s: runtime.MemProfileRate)\n  samples:       %d\n' % (
        V.scaled(period, ptype[1]), ptype[0], ptype[1], n)
    V.expect_case(name, text, '', '0\n')


def info_json_case(name, d):
    """info-coreprof122-json: info_case's numbers as JSON."""
    core = d + 'core.core.zst'
    _, size, threads = info_head(core)
    types, totals, n, ptype, period = raw_heap(d + 'heap.pb.gz')
    heap = {'sample_types': [{'type': t, 'unit': u, 'total': totals[k], 'default': k == len(types) - 1}
                             for k, (t, u) in enumerate(types)],
            'period_type': {'type': ptype[0], 'unit': ptype[1]}, 'period': period, 'samples': n}
    want = [{'file': core, 'format': 'core', 'gzipped': False, 'zstd': True, 'kind': 'core',
             'bytes': size, 'decoded_bytes': 0, 'read': True, 'threads': threads, 'goroutines': 1,
             'heap_profile': heap, 'needs': None}]
    V.checked.add(name)
    got = V.golden(name, 'out')
    try:   # "inputs" is verify_inputs.py's to check
        got = json.loads(got)['files'] if got else None
    except ValueError:
        pass
    if got != want:
        V.problems.append('%s.out: %s\n  want %s' % (name, got, want))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def bad(name, cmd, file, what):
    V.refused(name, "heapscope: %s: '%s': %s\n" % (cmd, D + file, what))


def run(v):
    global V
    V = v
    top('coreprof-top', [])
    top('coreprof-top-alloc-space', ['-sample_index=alloc_space'])
    top('coreprof-top-lines', ['-lines'])
    top('coreprof-rate-top', ['-sample_index=alloc_space'], D + 'rate/')
    top('coreprof121-top', [], 'testdata/coreprof121/')
    top('coreprof122-top', [], 'testdata/coreprof122/')
    top('coreprof123-top', [], 'testdata/coreprof123/')
    top('coreprof123-top-lines', ['-lines'], 'testdata/coreprof123/')
    V.folded_case('coreprof-folded', D + 'heap.pb.gz')
    import verify_core
    verify_core.V = V
    info_case('info-coreprof122', 'testdata/coreprof122/')
    info_json_case('info-coreprof122-json', 'testdata/coreprof122/')
    info_case('info-coreprof-rate', D + 'rate/')
    with open(os.path.join(V.ROOT, D + 'bad.json')) as f:
        b = json.load(f)
    loop = ('runtime.mbuckets loops: bucket %d points back to bucket %d (0x%x)'
            % (b['loop']['bucket'], b['loop']['back_to'], b['loop']['back_to_addr']))
    bad('coreprof-bad-loop', 'top', 'loop.core.zst', loop)
    # info describes the core all the same, its heap profile not read, and warns why
    V.expect_case('info-coreprof-bad-loop', info_head(D + 'loop.core.zst')[0] +
                  '  heap profile:  not read (see the warning)\n',
                  "heapscope: info: '%sloop.core.zst': warning: heap profile not read: %s\n"
                  % (D, loop), '0\n')
    bad('coreprof-bad-outside', 'dot', 'outside.core.zst',
        'memory profile bucket %d of runtime.mbuckets (0x%x) is not in the core'
        % (b['outside']['bucket'], b['outside']['addr']))
    bad('coreprof-bad-no-exe', 'top', 'core.core.zst',
        'an ELF core: top, dot, folded, flame and merge read its heap profile with --exe, '
        'the executable that wrote it')
