#!/usr/bin/env python3
"""Check the committed golden files against sources independent of heapscope.

usage: python3 tests/golden/verify.py [SOURCE_ROOT]     (needs go for go tool pprof)

run.py --update writes what heapscope does now; this script is how those
files were checked before being committed.  It never runs heapscope.  For
each case it knows, it rebuilds the expected output from:

  - `go tool pprof` (-top with the matching flags; -raw for stacks and
    sample values), run with PPROF_BINARY_PATH=/nonexistent TZ=UTC;
  - testdata/pprof/counts.json (the counts the generating program knows);
  - the protobuf itself, decoded here (counts of functions, strings), and
    the file sizes;
  - testdata/bad/make.py, which prints the message and offset it built each
    bad file to produce;
  - for usage errors, the exact text is listed here by hand.

and compares it with tests/golden/cases/NAME.{out,err,code,file}.  Cases
it does not know are listed as unchecked.  Exit 1 if anything differs or is
unchecked.
"""
import gzip
import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys

sys.dont_write_bytecode = True  # verify imports testdata/bad/make.py
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
CASES = os.path.join(ROOT, 'tests', 'golden', 'cases')
ENV = dict(os.environ, PPROF_BINARY_PATH='/nonexistent', TZ='UTC', LC_ALL='C')


def pprof(*args):
    p = subprocess.run(['go', 'tool', 'pprof'] + list(args), cwd=ROOT, env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    return p.stdout.decode()


def golden(name, what):
    try:
        with open(os.path.join(CASES, '%s.%s' % (name, what)), 'rb') as f:
            return f.read().decode()
    except FileNotFoundError:
        return None


# ---- go tool pprof -raw ---------------------------------------------------

def parse_raw_frames(text):
    """Sample types, samples (values, location ids, labels {key: text in
    the brackets}) and each location's frames, leaf first, an inlined call
    its own, as (function, file, line) ('', '', 0 unsymbolized), from
    pprof -raw.  The one reader of -raw: the verifiers take what they need
    of it (parse_raw: function names)."""
    lines = text.splitlines()
    i = lines.index('Samples:') + 1
    types = [t.split('/')[0] for t in lines[i].split()]
    i += 1
    samples = []
    while not lines[i].startswith('Locations'):
        m = re.match(r'^\s+([-\d\s]+): ([\d ]*)$', lines[i])
        if m:
            vals = [int(x) for x in m.group(1).split()]
            samples.append((vals, [int(x) for x in m.group(2).split()], {}))
        elif samples and re.match(r'^\s+\S+:\[', lines[i]):
            samples[-1][2].update(re.findall(r'(\S+?):\[([^\]]*)\]', lines[i]))
        i += 1
    i += 1
    locs, cur = {}, None
    while i < len(lines) and not lines[i].startswith('Mappings'):
        ln = lines[i]
        head = re.match(r'^\s+(\d+): 0x[0-9a-f]+ (?:M=\d+ )?', ln)
        rest = ln[head.end():] if head else ln.strip()
        if head:
            cur = int(head.group(1))
            locs[cur] = []
        if head and not rest:        # not symbolized: no function, no line
            locs[cur].append(('', '', 0))
        else:
            m = re.match(r'^(\S+) (.*):(-?\d+) s=\d+$', rest) or re.match(r'^(\S+) .* s=\d+$', rest)
            assert m and cur is not None, 'unexpected -raw line: %r' % ln
            locs[cur].append((m.group(1), m.group(2), int(m.group(3))) if m.lastindex == 3
                             else (m.group(1), '', 0))
        i += 1
    return types, samples, locs


def parse_raw(text):
    """Sample types, samples (values, location ids) and each location's
    frames (function names, leaf first, inline callers after) from pprof -raw."""
    types, samples, locs = parse_raw_frames(text)
    return (types, [(vals, ids) for vals, ids, _ in samples],
            {k: [f[0] for f in frames] for k, frames in locs.items()})


def raw_sample_frames(path):
    """(sample types, [(values, function names leaf first)]) of pprof -raw."""
    types, samples, locs = parse_raw(pprof('-raw', path))
    return types, [(vals, [f for i in ids for f in locs[i]]) for vals, ids in samples]


def folded_from_raw(path, index=None):
    types, samples, locs = parse_raw(pprof('-raw', path))
    k = len(types) - 1 if index is None else types.index(index)
    sums = {}
    for vals, ids in samples:
        frames = []
        for loc in ids:          # leaf first; each location's lines leaf first
            frames.extend(locs[loc])
        key = ';'.join(reversed(frames))
        sums[key] = sums.get(key, 0) + vals[k]
    return {s: v for s, v in sums.items() if v}


# ---- the protobuf, decoded here -------------------------------------------

def pb_fields(b):
    i, out = 0, []
    while i < len(b):
        t, i = varint(b, i)
        wt = t & 7
        if wt == 2:
            n, i = varint(b, i)
            out.append((t >> 3, b[i:i + n]))
            i += n
        elif wt == 0:
            v, i = varint(b, i)
            out.append((t >> 3, v))
        else:
            raise ValueError('wire type %d' % wt)
    return out


def varint(b, i):
    v = s = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7f) << s
        s += 7
        if c < 0x80:
            return v, i


# ---- checks ---------------------------------------------------------------

problems = []
checked = set()


def expect(name, what, want):
    checked.add(name)
    got = golden(name, what)
    if got != want:
        problems.append('%s.%s differs from the independent source:\n--- want\n%s--- golden\n%s'
                        % (name, what, want, got))


def expect_case(name, out, err, code):
    """A case's three files against the independent source: stdout,
    stderr and the exit status."""
    expect(name, 'out', out)
    expect(name, 'err', err)
    expect(name, 'code', code)


def refused(name, err, out=''):
    """A case heapscope refuses: its one line on stderr, nothing (or out)
    on stdout, exit status 2."""
    expect_case(name, out, err, '2\n')


def top_case(name, pprof_args, path='testdata/pprof/heap.pb.gz', what='out', stderr=''):
    expect(name, what, pprof('-top', *pprof_args, path))
    if what != 'out':
        expect(name, 'out', '')
    expect(name, 'err', stderr)
    expect(name, 'code', '0\n')


def zstd_twin(zst, plain):
    """The fixture zst holds the bytes of plain (gunzipped when .gz), as
    the zstd CLI decompresses it."""
    import shutil
    if not shutil.which('zstd'):
        # CI installs it (.ci/run): there, an unchecked fixture is a failure
        if os.environ.get('CI'):
            problems.append('zstd CLI absent: %s not compared with %s' % (zst, plain))
        else:
            print('note: zstd CLI absent, %s not compared with %s' % (zst, plain))
        return
    got = subprocess.run(['zstd', '-dc', zst], cwd=ROOT, stdout=subprocess.PIPE, check=True).stdout
    with open(os.path.join(ROOT, plain), 'rb') as f:
        want = f.read()
    if plain.endswith('.gz'):
        want = gzip.decompress(want)
    if got != want:
        problems.append('%s does not decompress to %s' % (zst, plain))


def same_as_case(name, verified, renamed=None, twins=()):
    """A compressed twin of a verified case prints what that case prints,
    the file's name aside (renamed: (the plain file, the twin)); twins:
    (zst, plain) fixture pairs of the case."""
    assert verified in checked, '%s: check %s first' % (name, verified)
    for zst, plain in twins:
        zstd_twin(zst, plain)
    for what in ('out', 'err', 'code'):
        want = golden(verified, what)
        if renamed and want is not None:
            want = want.replace(*renamed)
        expect(name, what, want)


def dot_case(name, pprof_args, path):
    expect(name, 'out', pprof('-dot', *pprof_args, path))
    expect(name, 'err', '')
    expect(name, 'code', '0\n')


def folded_case(name, path):
    want = folded_from_raw(path)
    got = golden(name, 'out') or ''
    rows = {}
    for ln in got.splitlines():
        stack, _, v = ln.rpartition(' ')
        if stack in rows:
            problems.append('%s: stack listed twice: %s' % (name, stack))
        rows[stack] = int(v)
    checked.add(name)
    if rows != want:
        problems.append('%s.out: stacks differ from pprof -raw:\n  only golden: %s\n  only raw: %s'
                        % (name, sorted(set(rows.items()) - set(want.items())),
                           sorted(set(want.items()) - set(rows.items()))))
    expect(name, 'err', '')
    expect(name, 'code', '0\n')


def json_top_case(name, path='testdata/pprof/heap.pb.gz'):
    """top --format json against pprof -top -unit=B (exact byte values)."""
    text = pprof('-top', '-unit=B', path)
    total = int(re.search(r'of (\d+)B total', text).group(1))
    dropped = re.search(r'Dropped (\d+) nodes \(cum <= (\d+)B\)', text)
    rows = []
    body = text.split('cum%\n', 1)[1]
    for ln in body.splitlines():
        f = ln.split()
        flat = 0 if f[0] == '0' else int(f[0].rstrip('B'))
        cum = 0 if f[3] == '0' else int(f[3].rstrip('B'))
        row = {'name': f[5], 'flat': flat, 'cum': cum}
        if f[-1] == '(inline)':
            row['inline'] = 'inline'
        rows.append(row)
    types, _, _ = parse_raw(pprof('-raw', path))
    g = json.loads(golden(name, 'out'))
    checked.add(name)
    want = {'sample_type': types[-1], 'unit': 'bytes', 'total': total, 'granularity': 'functions',
            'dropped_nodes': int(dropped.group(1)), 'node_cutoff': int(dropped.group(2)),
            'rows': rows}
    if g != want:
        problems.append('%s.out: %s\n  want %s' % (name, g, want))
    expect(name, 'err', '')
    expect(name, 'code', '0\n')


def go_time(ns):
    import datetime
    t = datetime.datetime.fromtimestamp(ns / 1e9, datetime.timezone.utc)
    h = t.hour % 12 or 12
    return '%s at %d:%02d%s (UTC)' % (t.strftime('%b %-d, %Y'), h, t.minute,
                                      'am' if t.hour < 12 else 'pm')


def info_facts(path):
    raw_file = open(os.path.join(ROOT, path), 'rb').read()
    pb = gzip.decompress(raw_file) if raw_file[:2] == b'\x1f\x8b' else raw_file
    top = pb_fields(pb)
    strings = [v for f, v in top if f == 6]
    n = {k: sum(1 for f, _ in top if f == k) for k in (2, 3, 4, 5, 6)}
    types, samples, locs = parse_raw(pprof('-raw', path))
    units = []
    for f, v in top:
        if f == 1:
            vt = dict(pb_fields(v))
            units.append(strings[vt.get(2, 0)].decode())
    pt = dict(pb_fields(next(v for f, v in top if f == 11)))
    time_ns = next(v for f, v in top if f == 9)
    period = next((v for f, v in top if f == 12), 0)
    totals = [sum(s[0][k] for s in samples) for k in range(len(types))]
    # Cross-check the totals with the generating program's counts.
    counts = json.load(open(os.path.join(ROOT, 'testdata', 'pprof', 'counts.json')))
    for site in counts['heap']['sites']:
        for k, t in enumerate(types):
            if site[t] > totals[k]:
                problems.append('%s: %s total %d below the %s site alone' % (path, t, totals[k],
                                                                             site['function']))
    # Samples as stored in the file: pprof merges identical stacks and drops
    # all-zero samples on loading, so -raw shows fewer.
    return dict(bytes=len(raw_file), decoded=len(pb), gz=raw_file[:2] == b'\x1f\x8b', types=types,
                units=units, totals=totals, samples=n[2], locations=n[4], functions=n[5],
                mappings=n[3], strings=n[6], period=period, time_ns=time_ns,
                period_type=(strings[pt[1]].decode(), strings[pt[2]].decode()))


def scaled(v, unit):
    """pprof's auto scaling (measurement.ScaleValue + the %.2f label)."""
    if unit == 'bytes':
        for name, f in (('TB', 1 << 40), ('GB', 1 << 30), ('MB', 1 << 20), ('kB', 1 << 10)):
            if abs(v) >= f:
                s = '%.2f' % (v / f)
                return s.rstrip('0').rstrip('.') + name
        return '%dB' % v
    return str(v)


def info_case(name, path):
    f = info_facts(path)
    lines = [path, '  format:        pprof%s' % (' (gzip)' if f['gz'] else ''),
             '  producer:      Go', '  kind:          heap',
             '  size:          %s (%s decoded)' % (scaled(f['bytes'], 'bytes'), scaled(f['decoded'], 'bytes')),
             '  sample types:']
    for k, t in enumerate(f['types']):
        lines.append('    %d %-20s %-12s total %s%s' % (k, t, f['units'][k], scaled(f['totals'][k], f['units'][k]),
                                                     '  (default)' if k == len(f['types']) - 1 else ''))
    lines.append('  period:        %s (%s/%s)' % (scaled(f['period'], f['period_type'][1]), *f['period_type']))
    lines.append('  time:          %s' % go_time(f['time_ns']))
    for k in ('samples', 'locations', 'functions', 'mappings', 'strings'):
        lines.append('  %-14s %d' % (k + ':', f[k]))
    expect(name, 'out', '\n'.join(lines) + '\n')
    expect(name, 'err', '')
    expect(name, 'code', '0\n')


def info_json_case(name, path):
    f = info_facts(path)
    want = [{'file': path, 'format': 'pprof', 'gzipped': f['gz'], 'producer': 'Go', 'kind': 'heap',
             'bytes': f['bytes'], 'decoded_bytes': f['decoded'],
             'sample_types': [{'type': t, 'unit': f['units'][k], 'total': f['totals'][k],
                               'default': k == len(f['types']) - 1} for k, t in enumerate(f['types'])],
             'period_type': {'type': f['period_type'][0], 'unit': f['period_type'][1]},
             'period': f['period'], 'time_nanos': f['time_ns'], 'duration_nanos': 0,
             'samples': f['samples'], 'locations': f['locations'], 'functions': f['functions'],
             'mappings': f['mappings'], 'strings': f['strings'], 'drop_frames': '', 'keep_frames': '', 'memstats': {}, 'comments': []}]
    checked.add(name)
    got = json.loads(golden(name, 'out'))
    got = got.get('files') if isinstance(got, dict) else got   # "inputs": verify_inputs.py
    if got != want:
        problems.append('%s.out: %s\n  want %s' % (name, got, want))
    expect(name, 'err', '')
    expect(name, 'code', '0\n')


def bad_cases():
    spec = importlib.util.spec_from_file_location('make_bad', os.path.join(ROOT, 'testdata', 'bad', 'make.py'))
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    for name in sorted(mk.files):
        with open(os.path.join(ROOT, 'testdata', 'bad', name), 'rb') as f:
            if f.read() != mk.files[name]:
                problems.append('testdata/bad/%s is stale: run testdata/bad/make.py' % name)
    for case in os.listdir(CASES):
        if not case.endswith('.cmd'):
            continue
        case = case[:-4]
        with open(os.path.join(CASES, case + '.cmd')) as f:
            words = shlex.split([ln for ln in f.read().splitlines() if ln and ln[0] != '#'][0])
        for w in words:
            if w.startswith('testdata/bad/') and w[13:] in mk.files:
                shown = '<stdin>' if '<' in words else w
                expect(case, 'err', "heapscope: %s: '%s': %s\n" % (words[1], shown, mk.expect[w[13:]]))
                expect(case, 'out', '')
                expect(case, 'code', '2\n')


# Errors whose text is not derived from a file: checked by hand, listed here.
HAND = {
    'bad-directory': "heapscope: top: 'testdata/bad': is a directory\n",
    'bad-nonexistent': "heapscope: top: 'testdata/bad/no-such-file.pb': No such file or directory\n",
    'bad-output-dir': "heapscope: top: '{tmp}/no/such/dir/top.txt': cannot write: No such file or directory\n",
    'usage-unknown-command': "heapscope: unknown command 'frobnicate' (see 'heapscope --help')\n",
    'usage-unknown-option': "heapscope: top: unknown option '--frobnicate' (see 'heapscope top --help')\n",
    'usage-missing-argument': "heapscope: top: missing argument for option '--focus' (see 'heapscope top --help')\n",
    'usage-bad-granularity': "heapscope: top: unknown granularity 'statements' (want functions, "
                             "filefunctions, files, lines or addresses)\n",
    'usage-top-format-xml': "heapscope: top: unsupported --format 'xml' (supported: text,json)\n",
    'usage-folded-format': "heapscope: folded: --format is not supported by this command (it writes folded stacks only)\n",
    'usage-bad-sample-index': "heapscope: top: 'testdata/pprof/heap.pb.gz': no sample type 'inuse_bytes' "
                              "(it has: alloc_objects, alloc_space, inuse_objects, inuse_space)\n",
    'usage-missing-file': "heapscope: top: no input file (usage: heapscope top [options] FILE)\n",
    'usage-two-files': "heapscope: top: takes exactly one profile\n",
    # the option parser (src/cmd/options.c): abbreviations, suggestions, flags, "--"
    'usage-ambiguous-option': "heapscope: top: ambiguous option '--nod' (could be --nodecount, --nodefraction)\n",
    'usage-option-suggestion': "heapscope: top: unknown option '--nodecont', did you mean '--nodecount'? "
                               "(see 'heapscope top --help')\n",
    'usage-flag-value': "heapscope: top: option '--cum' takes no value (see 'heapscope top --help')\n",
    'usage-dashdash-file': "heapscope: top: '--cum': No such file or directory\n",
    # flame's usage errors (src/cmd/flame.c), read against its option table
    'flame-bad-colors': "heapscope: flame: --colors takes one of hot|mem|io|red|green|blue|aqua|yellow|"
                        "purple|orange, not 'java'\n",
    'flame-bad-minwidth': "heapscope: flame: --minwidth takes pixels or a percentage (0.1, 0.5%), not '-1'\n",
    'flame-base-mismatch': "heapscope: flame: 'testdata/pprof/cpu.pb.gz': counts cpu/nanoseconds, not "
                           "inuse_space/bytes as 'testdata/pprof/heap.pb.gz' does (nothing to compare)\n",
    'flame-two-files': "heapscope: flame: takes exactly one profile (and --base BASE for a differential)\n",
    # PCRE2's own message, offset 1 = after '('
    'usage-own-bad-regex': "heapscope: leaks: --own: bad regular expression '(': missing closing "
                           "parenthesis at offset 1\n",
    'usage-bad-nodecount': "heapscope: top: --nodecount takes a whole number >= 0, not 'many'\n",
    # PCRE2's own message; offset 10 = after the whole pattern 'main.(grow'.
    'usage-bad-regex': "heapscope: top: --focus: bad regular expression 'main.(grow': missing closing parenthesis at offset 10\n",
}


def main():
    import shutil
    if not shutil.which('go'):
        return ci_gate.skip('go is not installed (go tool pprof)')
    try:
        import yaml  # noqa: F401  (verify_growth parses rules files)
    except ImportError:
        return ci_gate.skip('PyYAML is not installed (python3-yaml)')
    H = 'testdata/pprof/heap.pb.gz'
    info_case('info-heap', H)
    info_json_case('info-heap-json', H)
    top_case('top-heap', [])
    top_case('top-heap-cum', ['-cum'])
    top_case('top-heap-cum-after', ['-cum'])            # top FILE --cum
    top_case('top-heap-abbrev', ['-nodecount=3'])       # --nodec=3
    top_case('top-heap-alloc-space', ['-sample_index=alloc_space'])
    top_case('top-heap-lines', ['-lines'])
    top_case('top-heap-focus', ['-focus=main.recurse'])
    top_case('top-heap-ignore', ['-ignore=main.churn'])
    top_case('top-heap-hide', ['-hide=runtime'])
    top_case('top-heap-filters', [r'-focus=main\.(grow|newRecord)', '-ignore=main.grow', '-hide=main.run'])
    top_case('top-heap-focus-nomatch', ['-focus=nomatch'],
             stderr="heapscope: top: '%s': warning: --focus 'nomatch' matched no samples\n" % H)
    top_case('top-heap-output', [], what='file')
    top_case('top-stdin', [])
    json_top_case('top-heap-json')
    dot_case('dot-heap', [], H)
    dot_case('dot-heap-nodecount', ['-nodecount=4'], H)
    dot_case('dot-heap-unit', ['-unit=MB'], H)
    dot_case('dot-cpu-labels', [], 'testdata/pprof/cpu.pb.gz')
    dot_case('dot-series-dotted', [], 'testdata/pprof/series/heap-2.pb.gz')
    folded_case('folded-heap', H)
    folded_case('folded-cpu', 'testdata/pprof/cpu.pb.gz')
    bad_cases()
    # check-* and growth-*: tests/golden/verify_growth.py
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import verify_growth
    verify_growth.run(sys.modules[__name__])
    # diff-* and merge-*: tests/golden/verify_diff.py
    import verify_diff
    verify_diff.run(sys.modules[__name__])
    # check-leaks, leaks-* and blocking-*: tests/golden/verify_incidents.py
    import verify_incidents
    verify_incidents.run(sys.modules[__name__])
    # blocking-locks*, lock_sites of blocking-lock-sides: tests/golden/verify_locks.py
    import verify_locks
    verify_locks.run(sys.modules[__name__])
    # heapdump-*: tests/golden/verify_heapdump.py
    import verify_heapdump
    verify_heapdump.run(sys.modules[__name__])
    # gctrace-*: tests/golden/verify_gctrace.py
    import verify_gctrace
    verify_gctrace.run(sys.modules[__name__])
    # svc-*: tests/golden/verify_services.py (issue 13's service programs)
    import verify_services
    verify_services.run(sys.modules[__name__])
    # bundle-*: tests/golden/verify_bundle.py (testdata/bundle, issue 12)
    import verify_bundle
    verify_bundle.run(sys.modules[__name__])
    # triage-*: tests/golden/verify_triage.py
    import verify_triage
    verify_triage.run(sys.modules[__name__])
    # core-*: tests/golden/verify_core.py
    import verify_core
    verify_core.run(sys.modules[__name__])
    # goroutines-labels-*: tests/golden/verify_glabels.py (pprof labels per group)
    import verify_glabels
    verify_glabels.run(sys.modules[__name__])
    # coreprof-*: tests/golden/verify_coreprof.py (a core's heap profile)
    import verify_coreprof
    verify_coreprof.run(sys.modules[__name__])
    # allocsite-*, coreprof-*heapdump*: allocation sites (verify_allocsite.py)
    import verify_allocsite
    verify_allocsite.run(sys.modules[__name__])
    # trace-v2-*: tests/golden/verify_trace.py (goroutine counts of hand traces)
    import verify_trace
    verify_trace.run(sys.modules[__name__])
    # the "inputs" of every analysis command's json: tests/golden/verify_inputs.py
    import verify_inputs
    verify_inputs.run(sys.modules[__name__])
    # zstd twins (issue 12, part 1): the fixtures are the verified cases'
    # inputs compressed with the zstd CLI, so their cases must print the same
    same_as_case('top-heap-zst', 'top-heap',
                 twins=[('testdata/pprof/heap.pb.zst', H)])
    inc = ('testdata/pprof/incidents/goroutine-2.txt.gz',
           'testdata/pprof/zstd/goroutine-incidents-2.txt.zst')
    same_as_case('blocking-incidents-zst', 'blocking-incidents', inc, [inc[::-1]])
    same_as_case('check-goroutines-zst', 'check-goroutines',
                 ('goroutine-debug2.txt:', 'goroutine-debug2.txt.zst:'),
                 [('testdata/pprof/goroutine-debug2.txt.zst', 'testdata/pprof/goroutine-debug2.txt')])
    same_as_case('heapdump-graph-exe-zst', 'heapdump-graph',
                 twins=[('testdata/heapdump/graph.sym.zst', 'testdata/heapdump/graph.sym')])
    for name, err in HAND.items():
        expect(name, 'err', err)
        expect(name, 'out', '')
        expect(name, 'code', '2\n')
    all_cases = {f[:-4] for f in os.listdir(CASES) if f.endswith('.cmd')}
    for name in sorted(all_cases - checked):
        problems.append('%s: not checked by verify.py' % name)
    for p in problems:
        print(p)
    print('%d cases checked, %d problems' % (len(checked & all_cases), len(problems)))
    # the fixture list: every case (an unchecked one is a problem above too)
    ok = ci_gate.enough(len(checked & all_cases), len(all_cases), 'golden cases re-derived')
    return 1 if problems or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
