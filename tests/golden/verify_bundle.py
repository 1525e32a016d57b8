"""Independent checks of the bundle-* golden cases (issue 12: a folder of
mixed artifacts, testdata/bundle/dumps, made by testdata/gen/bundle).

Imported by verify.py (run(v) with the verify module), never run alone; it
never runs heapscope.  Every expectation comes from:

  - testdata/bundle/counts.json, what the generating program counted itself:
    per moment the goroutines in all, the leaked watchers, the map's entries
    and the bytes they keep; per file its kind, moment, format,
    compression, twins, stamp and where its time comes from;
  - go tool pprof -raw of every profile pprof reads (totals per sample
    type, the samples of the block and mutex profiles grouped by their
    innermost frame of package main and the wait their leaf names);
  - the debug=2 dumps read here (headers counted, states, created by);
    the zstd one through the zstd CLI;
  - the protobuf's time_nanos (field 9) and the text heap profiles'
    `# LastGC` line, for the times.

The checks are on facts, not on wording, so that the cases of heapscope's
known bugs (marked NAME.xfail, their expected files written by hand as the
correct output) stay checked when the fix lands and its output is taken
with `run.py --update`: a stdout/stderr that differs in wording but holds
the right facts passes here.  What is checked, per case:

  every case  stderr: exactly one diagnostic naming a file, the truncated
              heap-20261122T034400.pb.gz, with what ("truncated") and
              where ("at byte" = its size); otherwise only a "not used: N
              files (...)" line whose N and kinds are the files of kinds the
              command has no use for, and twin lines ("'A' and 'B' are one
              moment (twins): using 'C'") pairing files of one kind and
              moment, the richer one used; exit status 2; the rest printed.
              JSON: when an "inputs" array is present, each entry's kind,
              snapshot (twins share it, in time order), time/time_from and
              used flag against counts.json.
  info        every profile of the folder described (30: the pb.gz, the
              ?debug=1 texts and the debug=2 dumps), with its totals
              (pprof -raw; the dumps' headers), size, compression, kind and
              time (JSON: time_nanos, a text heap profile's its LastGC); the traces, heap dumps and gctrace log described or
              "not used", never an error.
  leaks       one goroutine candidate main.(*server).watch in select,
              created by main.(*server).handle, 240 goroutines, growing over
              3 snapshots 80 -> 160 -> 240, per debug=2 dump (no second
              candidate for the same goroutines, no trace or heap dump as a
              point); its callers and "one per request" from the heap
              profiles' stacks (pprof -raw: a net/http frame above the
              creator; counts.json: one watcher per request); one heap
              candidate main.newSession 2,621,440 x k bytes per profile
              (pprof -raw, = counts.json's bytes), its least-squares slope;
              one retention candidate of the heap dumps (240 sessions of
              32 KiB, its roots every goroutine of the last dump, allocated
              in main.newSession); summary: 3 goroutine and 3 heap
              snapshots, the gctrace log's GCs and live heap read here.
  goroutines  3 snapshots (twins once) in time order, 81/161/241 goroutines,
              the watch group 80/160/240 in select.
  growth      the heap series: 3 profiles (twins once) in time order,
              main.newSession +5MB, last 7.5MB, a candidate.
  blocking    the watch group (select, 240; a heap dump's count its
              moment's); no hotspot without contentions that only traces or
              heap dumps show (the dumps give their goroutines' real state);
              per contention profile the
              contentions and delay of each (culprit, wait) equal pprof -raw
              of that file; a hotspot's total is the LAST profile's value
              (block and mutex profiles are cumulative since the process
              started, and hold every wait the traces saw too), or the sum
              over the traces for a wait no profile has; the lock sites'
              parts (one function each) the last profile's too.
"""
import gzip
import json
import os
import re
import subprocess

import dumps
from verify_growth import label  # pprof's ScaledLabel: '%.2f' less a trailing '.00'

V = None
B = 'testdata/bundle'
D = B + '/dumps'
C = None          # counts.json
CORRUPT = None    # its one corrupt file

# heapscope's names of the kinds counts.json uses (info's "kind", the
# "not used" lines); None: not a profile kind info prints.
KIND_NAME = {'heap': 'heap', 'goroutine': 'goroutine', 'block': 'contention (block or mutex)',
             'mutex': 'contention (block or mutex)', 'cpu': 'cpu', 'threadcreate': 'threadcreate'}
# The kinds each command uses (issue 12, parts 2 and 3).
USES = {
    'info': {'heap', 'goroutine', 'block', 'mutex', 'cpu', 'threadcreate', 'trace', 'heapdump', 'gctrace'},
    'leaks': {'heap', 'goroutine', 'trace', 'heapdump', 'gctrace'},
    # blocking: cpu profiles for what runs under a lock, heap dumps for
    # their goroutines
    'blocking': {'goroutine', 'block', 'mutex', 'trace', 'heapdump', 'cpu'},
    'goroutines': {'goroutine'},
    'growth': {'heap', 'gctrace'},
    'triage': {'heap', 'goroutine', 'block', 'mutex', 'cpu', 'trace', 'heapdump', 'gctrace'},
}
# Kinds a command may use or list as not used: growth may show the
# goroutine series beside the heap series.  (info describes every kind.)
MAY_USE = {'growth': {'goroutine'}}
WAIT = [('runtime.selectgo', 'select'), ('runtime.chanrecv', 'chan receive'),
        ('runtime.chansend', 'chan send'), ('sync.(*Mutex).Lock', 'mutex'),
        ('sync.(*Mutex).Unlock', 'mutex'), ('sync.(*RWMutex)', 'rwmutex'),
        ('sync.(*WaitGroup).Wait', 'waitgroup'), ('sync.(*Cond).Wait', 'cond')]


def path(name):
    return D + '/' + name


def problem(name, msg):
    V.problems.append('%s: %s' % (name, msg))


def read_text(name):
    """A text artifact's content, gzip and zstd undone."""
    full = os.path.join(V.ROOT, path(name))
    if name.endswith('.zst'):
        return subprocess.run(['zstd', '-dc', full], stdout=subprocess.PIPE, check=True).stdout.decode()
    with (gzip.open if name.endswith('.gz') else open)(full, 'rt') as f:
        return f.read()


def pb_time(name):
    raw = open(os.path.join(V.ROOT, path(name)), 'rb').read()
    return next(v for f, v in V.pb_fields(gzip.decompress(raw)) if f == 9)


def lastgc(name):
    m = re.search(r'^# LastGC = (\d+)$', read_text(name), re.M)
    return int(m.group(1))


def stamp_ns(iso):
    import calendar
    import time
    return calendar.timegm(time.strptime(iso, '%Y-%m-%dT%H:%M:%SZ')) * 10**9


def file_time(name):
    """(time in ns, time_from) as issue 12 part 4 orders the sources."""
    fi = C['files'][name]
    if fi['time_from'] == 'profile':
        return pb_time(name), 'profile'
    if fi['time_from'] == 'lastgc':
        return lastgc(name), 'lastgc'
    return stamp_ns(fi['stamp']), 'name'


def dump_goroutines(name):
    """Per goroutine of a debug=2 dump: (state, functions leaf first, created by)."""
    return dumps.goroutines(read_text(name), calls_only=True)


def totals(name):
    """Sample types and totals: pprof -raw, or the dump read here."""
    fi = C['files'][name]
    if fi['format'] == 'debug2':
        return ['goroutine'], [len(dump_goroutines(name))]
    types, samples, _ = V.parse_raw(V.pprof('-raw', path(name)))
    if fi['format'] == 'pb':
        # the protobuf's own samples: -raw leaves out samples without
        # locations (threadcreate's), which -top's total still counts
        pb = gzip.decompress(open(os.path.join(V.ROOT, path(name)), 'rb').read())
        tot = [0] * len(types)
        for f, smp in V.pb_fields(pb):
            if f != 2:
                continue
            vals = []
            for g, x in V.pb_fields(smp):
                if g == 2 and isinstance(x, bytes):
                    i = 0
                    while i < len(x):
                        v, i = V.varint(x, i)
                        vals.append(v)
                elif g == 2:
                    vals.append(x)
            tot = [a + b for a, b in zip(tot, vals)]
        if fi['kind'] == 'threadcreate':
            top = re.search(r' of (\S+) total', V.pprof('-top', path(name)))
            if not top or top.group(1) != str(tot[0]):
                problem('bundle-info', '%s: pprof -top total %s, the protobuf %s' % (name, top and top.group(1), tot))
        return types, tot
    return types, [sum(s[0][k] for s in samples) for k in range(len(types))]


def human(v, unit):
    """Human units as heapscope and pprof print them (%.2f, zeros trimmed)."""
    if unit == 'nanoseconds':
        if v == 0:
            return '0'
        for name, f in (('s', 10**9), ('ms', 10**6), ('us', 10**3)):
            if abs(v) >= f:
                return ('%.2f' % (v / f)).rstrip('0').rstrip('.') + name
        return '%dns' % v
    return V.scaled(v, unit)


def own_groups(name):
    """A block or mutex profile's (culprit, wait) -> [contentions, delay]:
    the innermost frame of package main, the wait its leaf frames name."""
    types, samples, locs = V.parse_raw(V.pprof('-raw', path(name)))
    out = {}
    for vals, ids in samples:
        frames = [f for i in ids for f in locs[i]]
        culprit = next((f for f in frames if f.startswith('main.')), None)
        if culprit is None:
            continue
        upto = frames[:frames.index(culprit)]
        wait = next((w for f in upto for p, w in WAIT if f.startswith(p)), 'other')
        g = out.setdefault((culprit, wait), [0, 0])
        g[0] += vals[0]
        g[1] += vals[1]
    return out


def moments_of(kind):
    return sorted({fi['moment'] for fi in C['files'].values() if fi['kind'] == kind and fi['moment'] > 0})


def files_of(kind, moment=None):
    return sorted(n for n, fi in C['files'].items()
                  if fi['kind'] == kind and not fi.get('corrupt') and (moment is None or fi['moment'] == moment))


def check_err(name, cmd, err):
    """stderr: the corrupt file once, a correct "not used" line, twin lines."""
    lines = err.splitlines()
    bad = [l for l in lines if "'%s'" % path(CORRUPT) in l]
    size = os.path.getsize(os.path.join(V.ROOT, path(CORRUPT)))
    if len(bad) != 1 or 'truncated' not in bad[0] or 'at byte %d)' % size not in bad[0] \
            or not bad[0].startswith('heapscope: %s: ' % cmd):
        problem(name, 'stderr must name %s once, truncated, at byte %d: %r' % (CORRUPT, size, bad))
    unused = [n for n, fi in C['files'].items() if fi['kind'] not in USES[cmd] | MAY_USE.get(cmd, set())
              and not fi.get('corrupt')]
    for l in lines:
        if l in bad:
            continue
        m = re.match(r"heapscope: %s: not used: (\d+) files? \((.*)\)$" % cmd, l)
        if m:
            n = int(m.group(1))
            parts = sum(int(p.split()[0]) for p in m.group(2).split(', '))
            may = [x for x, fi in C['files'].items() if fi['kind'] in MAY_USE.get(cmd, ())]
            if not len(unused) <= n <= len(unused) + len(may) or parts != n:
                problem(name, 'not used: %d (%d by kind), want %d: %s' % (n, parts, len(unused), sorted(unused)))
            continue
        m = re.match(r"heapscope: %s: '%s/([^']*)' and '%s/([^']*)' are one moment \(twins\): "
                     r"using '%s/([^']*)'$" % (cmd, D, D, D), l)
        if m:
            a, b, used = (C['files'].get(x) for x in m.groups())
            rank = {'debug1': 0, 'pb': 1, 'debug2': 2}
            if not a or not b or a['kind'] != b['kind'] or a['moment'] != b['moment'] \
                    or m.group(3) not in m.groups()[:2]:
                problem(name, 'not twins: %s' % l)
            elif rank[used['format']] < max(rank[a['format']], rank[b['format']]):
                problem(name, 'twins: the richer file must be used: %s' % l)
            continue
        problem(name, 'unexpected stderr line (only the corrupt file is an error): %s' % l)


def same_time(v, ns):
    """An "inputs" time (Unix ns, s or ms, or an RFC 3339 string) within a
    second of ns."""
    import datetime
    if isinstance(v, str):
        try:
            t = datetime.datetime.fromisoformat(v.replace('Z', '+00:00')).timestamp() * 1e9
        except ValueError:
            return False
    elif isinstance(v, (int, float)):
        t = v if abs(v) > 1e17 else v * 1e6 if abs(v) > 1e11 else v * 1e9
    else:
        return False
    return abs(t - ns) < 1e9


def kind_matches(got, want):
    """An "inputs" kind names counts.json's kind (in heapscope's words:
    block and mutex profiles may both be 'contention', an allocs profile
    (Go's heap profile with alloc_space its default) 'allocs')."""
    g = re.sub(r'[^a-z]', '', str(got).lower())
    ok = {'block': ('block', 'contention'), 'mutex': ('mutex', 'contention'), 'trace': ('trace',),
          'gctrace': ('gctrace',), 'heapdump': ('heapdump',), 'heap': ('heap', 'allocs'),
          'goroutine': ('goroutine',), 'cpu': ('cpu',), 'threadcreate': ('threadcreate',)}[want]
    wrong = {'heap': 'dump', 'trace': 'gctrace'}.get(want)
    return any(w in g for w in ok) and not (wrong and wrong in g)


def check_inputs(name, cmd, js):
    """The "inputs" array of issue 12 part 2, when present."""
    if not isinstance(js, dict) or 'inputs' not in js:
        return
    ins = {e['path']: e for e in js['inputs']}
    want = {path(n) for n in C['files']}
    if set(ins) != want:
        problem(name, 'inputs: files %s, want %s' % (sorted(set(ins) ^ want), 'every file of the folder'))
    snaps = {}
    for n, fi in C['files'].items():
        e = ins.get(path(n))
        if not e:
            continue
        if fi.get('corrupt'):
            if e.get('used'):
                problem(name, 'inputs: %s is corrupt but used' % n)
            continue
        if not kind_matches(e.get('kind'), fi['kind']):
            problem(name, 'inputs: %s kind %r, want %s' % (n, e.get('kind'), fi['kind']))
        t, src = file_time(n)
        if e.get('time_from') != src or not same_time(e.get('time'), t):
            problem(name, 'inputs: %s time %s from %s, want %d from %s'
                    % (n, e.get('time'), e.get('time_from'), t, src))
        used = fi['kind'] in USES[cmd]
        if fi['kind'] in MAY_USE.get(cmd, ()):
            continue
        if bool(e.get('used')) != used and not (used and fi['kind'] in ('heap', 'goroutine') and e.get('why')):
            problem(name, 'inputs: %s used=%s, want %s' % (n, e.get('used'), used))
        if fi['kind'] in ('heap', 'goroutine') and used and e.get('snapshot') is not None:
            snaps.setdefault(fi['kind'], {}).setdefault(fi['moment'], set()).add(e['snapshot'])
    for kind, by_moment in snaps.items():
        order = [by_moment[m] for m in sorted(by_moment)]
        if any(len(s) != 1 for s in order) or [min(s) for s in order] != sorted(min(s) for s in order) \
                or len({min(s) for s in order}) != len(order):
            problem(name, 'inputs: %s snapshots per moment %s: twins share one, in time order' % (kind, order))


def case(name):
    V.checked.add(name)
    out, err, code = (V.golden(name, w) for w in ('out', 'err', 'code'))
    if code != '2\n':
        problem(name, 'exit status %r, want 2 (a corrupt file) with the rest printed' % code)
    if not out:
        problem(name, 'nothing on stdout: the rest must still be analyzed and printed')
    return out or '', err or ''


def described_profiles():
    return sorted(n for n, fi in C['files'].items()
                  if fi['format'] in ('pb', 'debug1', 'debug2') and not fi.get('corrupt'))


def trace_facts(name):
    """An execution trace's facts from go tool trace -d (the reference
    reader) and its header: version, events, first to last timestamp,
    goroutines created (the old format announces those there before the
    trace as created too), ended, GC cycles."""
    head = open(os.path.join(V.ROOT, path(name)), 'rb').read(16)
    m = re.match(rb'go (1\.\d+) trace\0', head)
    d = subprocess.run(['go', 'tool', 'trace', '-d', path(name)], cwd=V.ROOT, env=V.ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout.decode()
    rows = [l.split() for l in d.splitlines() if l and l[0].isdigit()]
    ts = [int(r[0]) for r in rows]
    created = {r[-2] if r[-1].startswith('stack=') else r[-1] for r in rows if r[1] == 'GoCreate'}
    count = lambda ev: sum(1 for r in rows if r[1] == ev)
    return {'version': m.group(1).decode() if m else None, 'events': len(rows),
            'duration': max(ts) - min(ts) if ts else 0, 'seen': len(created),
            'ended': count('GoEnd'), 'gcs': count('GCStart')}


def heapdump_facts(name):
    """A heap dump read here (verify_heapdump's parser): objects, their
    bytes, goroutines (the runtime's), roots pointing into an object by
    kind."""
    import bisect
    from verify_heapdump import Dump
    with gzip.open(os.path.join(V.ROOT, path(name))) as f:
        d = Dump(f.read())
    addrs = sorted(d.objects)

    def hits(p):
        i = bisect.bisect_right(addrs, p) - 1
        return i >= 0 and p < addrs[i] + d.objects[addrs[i]][0]
    kinds = {}
    for k, _, p, _ in d.roots:
        if hits(p):
            kinds[k] = kinds.get(k, 0) + 1
    return {'objects': len(d.objects), 'bytes': sum(sz for sz, _ in d.objects.values()),
            'goroutines': len(d.gs), 'system': sum(g['system'] for g in d.gs),
            'roots': sum(kinds.values()), 'kinds': kinds}


GC = re.compile(r'gc (\d+) @([0-9.]+)s (\d+)%: .* (\d+)->(\d+)->(\d+) MB, .*?( \(forced\))?$')


def gctrace_facts(name):
    """The gc lines parsed here: cycles, first and last number, forced,
    seconds, live heap (MB << 20) first, last and highest, CPU % at the last."""
    gcs = [m for m in (GC.search(l) for l in read_text(name).splitlines()) if m]
    live = [int(m.group(6)) << 20 for m in gcs]
    return {'cycles': len(gcs), 'first': int(gcs[0].group(1)), 'last': int(gcs[-1].group(1)),
            'forced': sum(1 for m in gcs if m.group(7)), 'start': float(gcs[0].group(2)),
            'end': float(gcs[-1].group(2)), 'live': (live[0], live[-1], max(live)),
            'cpu': int(gcs[-1].group(3))}


def check_facts_json(n, e):
    """info --format json on a trace, heap dump or gctrace log."""
    kind = C['files'][n]['kind']
    where = 'bundle-info-json: %s' % n
    if e.get('kind') != kind or e.get('format') != kind:
        problem(where, 'kind %r format %r, want %s' % (e.get('kind'), e.get('format'), kind))
    if e.get('bytes') != os.path.getsize(os.path.join(V.ROOT, path(n))) \
            or e.get('gzipped') != (C['files'][n]['compression'] == 'gzip'):
        problem(where, 'bytes %s gzipped %s' % (e.get('bytes'), e.get('gzipped')))
    if kind == 'trace':
        t = trace_facts(n)
        g = e.get('goroutines', {})
        got = {'version': e.get('go_version'), 'events': e.get('events'), 'duration': e.get('duration_nanos'),
               'seen': g.get('seen'), 'ended': g.get('ended'), 'gcs': e.get('gc_cycles')}
        if got != t or g.get('alive_at_end') != t['seen'] - t['ended'] \
                or not C['go_version'].startswith('go' + str(t['version'])):
            problem(where, '%s, alive %s; go tool trace -d says %s' % (got, g.get('alive_at_end'), t))
        if g.get('alive_at_end', 0) < C['moments'][C['files'][n]['moment'] - 1]['leaked_goroutines']:
            problem(where, 'alive at the end %s, fewer than the leaked watchers' % g.get('alive_at_end'))
    elif kind == 'heapdump':
        h = heapdump_facts(n)
        got = {'objects': e.get('objects'), 'bytes': e.get('object_bytes'), 'goroutines': e.get('goroutines'),
               'system': e.get('system_goroutines'), 'roots': e.get('roots'),
               'kinds': {k: v for k, v in e.get('roots_by_kind', {}).items() if v}}
        if got != h or e.get('go_version') != C['go_version']:
            problem(where, '%s %s; the dump read here: %s, counts.json %s'
                    % (got, e.get('go_version'), h, C['go_version']))
        mom = C['moments'][C['files'][n]['moment'] - 1]
        if h['goroutines'] - h['system'] != mom['goroutines']:
            problem(where, 'user goroutines %d, counts.json %d' % (h['goroutines'] - h['system'], mom['goroutines']))
    elif kind == 'gctrace':
        g = gctrace_facts(n)
        got = {'cycles': e.get('cycles'), 'first': e.get('first_gc'), 'last': e.get('last_gc'),
               'forced': e.get('forced'), 'start': e.get('start_seconds'), 'end': e.get('end_seconds'),
               'live': (e.get('live_first_bytes'), e.get('live_last_bytes'), e.get('live_max_bytes')),
               'cpu': e.get('gc_cpu_percent')}
        if got != g:
            problem(where, '%s; the log read here: %s' % (got, g))


def check_facts_text(n, s):
    """info's text block of a trace, heap dump or gctrace log: the same
    facts in its lines."""
    kind = C['files'][n]['kind']
    field = lambda k: (re.search(r'^  %s:\s+(.*)$' % re.escape(k), s, re.M) or [None, ''])[1]
    want = {}
    if kind == 'trace':
        t = trace_facts(n)
        want = {'kind': 'trace', 'events': str(t['events']), 'duration': human(t['duration'], 'nanoseconds'),
                'GC cycles': str(t['gcs']),
                'goroutines': '%d seen (' % t['seen'],
                'go version': '%s ' % t['version']}
        if ', %d ended, %d alive at the end' % (t['ended'], t['seen'] - t['ended']) not in field('goroutines'):
            problem('bundle-info', '%s: goroutines %r, want %d ended' % (n, field('goroutines'), t['ended']))
    elif kind == 'heapdump':
        h = heapdump_facts(n)
        want = {'kind': 'heapdump', 'objects': '%d (%s)' % (h['objects'], label(h['bytes'])),
                'goroutines': '%d (%d of them' % (h['goroutines'], h['system']),
                'roots': '%d pointers' % h['roots'], 'go version': C['go_version']}
    elif kind == 'gctrace':
        g = gctrace_facts(n)
        want = {'kind': 'gctrace', 'cycles': '%d (gc %d to %d, %d forced)' % (g['cycles'], g['first'], g['last'], g['forced']),
                'time span': '%.3fs to %.3fs' % (g['start'], g['end']),
                'live heap': '%s -> %s (max %s)' % tuple(label(v) for v in g['live']),
                'GC CPU': '%d%%' % g['cpu']}
    for k, v in want.items():
        if not field(k).startswith(v):
            problem('bundle-info', '%s: %s %r, want it to start %r' % (n, k, field(k), v))


def info_cases():
    facts = {n: totals(n) for n in described_profiles()}
    others = sorted(n for n, fi in C['files'].items() if n not in facts and not fi.get('corrupt'))
    # JSON
    out, err = case('bundle-info-json')
    check_err('bundle-info-json', 'info', err)
    js = json.loads(out) if out else []
    entries = js if isinstance(js, list) else js.get('profiles', js.get('files', []))
    check_inputs('bundle-info-json', 'info', js)
    got = {e['file'][len(D) + 1:]: e for e in entries}
    missing = [n for n in list(facts) + others if n not in got]
    if missing:
        problem('bundle-info-json', 'files not described: %s' % missing)
    for n, e in got.items():
        fi = C['files'].get(n)
        if fi is None:
            problem('bundle-info-json', 'describes %s, not in the folder' % n)
            continue
        if n not in facts:
            check_facts_json(n, e)   # a trace, heap dump or gctrace log
            continue
        types, tot = facts[n]
        if [t['type'] for t in e['sample_types']] != types or [t['total'] for t in e['sample_types']] != tot:
            problem('bundle-info-json', '%s: totals %s, want %s %s' % (
                n, [(t['type'], t['total']) for t in e['sample_types']], types, tot))
        if e['kind'] != KIND_NAME[fi['kind']]:
            problem('bundle-info-json', '%s: kind %s, want %s' % (n, e['kind'], KIND_NAME[fi['kind']]))
        if e['bytes'] != os.path.getsize(os.path.join(V.ROOT, path(n))):
            problem('bundle-info-json', '%s: bytes %d' % (n, e['bytes']))
        if e['gzipped'] != (fi['compression'] == 'gzip'):
            problem('bundle-info-json', '%s: gzipped %s, compression %s' % (n, e['gzipped'], fi['compression']))
        if fi['time_from'] == 'profile' and e['time_nanos'] != pb_time(n):
            problem('bundle-info-json', '%s: time_nanos %d, want %d' % (n, e['time_nanos'], pb_time(n)))
        if fi['time_from'] == 'lastgc' and e['time_nanos'] != lastgc(n):
            problem('bundle-info-json', '%s: time_nanos %d, want its MemStats LastGC %d (issue 12 part 4)'
                    % (n, e['time_nanos'], lastgc(n)))
        if fi['format'] == 'debug2' and tot != [C['moments'][fi['moment'] - 1]['goroutines']]:
            problem('bundle-info-json', '%s: the dump holds %s goroutines, counts.json %d'
                    % (n, tot, C['moments'][fi['moment'] - 1]['goroutines']))
    # text: one section per profile, its totals in human units
    out, err = case('bundle-info')
    check_err('bundle-info', 'info', err)
    sections = {s.split('\n')[0][len(D) + 1:]: s for s in out.strip('\n').split('\n\n')}
    if sorted(sections) != sorted(list(facts) + others):
        problem('bundle-info', 'files described: %s, want %s' % (sorted(sections), sorted(list(facts) + others)))
    for n, s in sections.items():
        if n not in facts:
            if n not in others:
                problem('bundle-info', 'section %r names no file of the folder' % n)
            else:
                check_facts_text(n, s)
            continue
        rows = re.findall(r'^    (\d+) (\S+)\s+(\S+)\s+total (\S+)', s, re.M)
        types, tot = facts[n]
        want = [(str(k), t, human(tot[k], u)) for k, (t, u) in
                enumerate(zip(types, [r[2] for r in rows] if len(rows) == len(types) else ['?'] * len(types)))]
        if [(r[0], r[1], r[3]) for r in rows] != want:
            problem('bundle-info', '%s: totals %s, want %s' % (n, rows, want))
        kind = re.search(r'^  kind:\s+(.*)$', s, re.M)
        if not kind or kind.group(1) != KIND_NAME[C['files'][n]['kind']]:
            problem('bundle-info', '%s: kind %s' % (n, kind and kind.group(1)))
        comp = C['files'][n]['compression']
        fmt = re.search(r'^  format:\s+(.*)$', s, re.M).group(1)
        if (comp != 'none') != fmt.endswith('(%s)' % comp):
            problem('bundle-info', '%s: format line %r, compression %s' % (n, fmt, comp))


def raw_stacks(name):
    """(inuse_space per sample, frames leaf first) of a heap profile: pprof -raw."""
    types, samples, locs = V.parse_raw(V.pprof('-raw', path(name)))
    k = types.index('inuse_space')
    return [(s[0][k], [f for i in s[1] for f in locs[i]]) for s in samples]


def creator_facts(heap, created_by):
    """Who calls the watchers' creator, from the heap profiles' stacks
    (pprof -raw): the own (main.) frames right above it, outermost first,
    and whether a net/http frame lies above it (one per request)."""
    callers, per_request = [], False
    for n in heap:
        for _, frames in raw_stacks(n):
            if created_by not in frames[:-1]:
                continue
            i = frames.index(created_by)
            j = i + 1
            while j < len(frames) and frames[j].startswith('main.'):
                j += 1
            if j > i + 1 and not callers:
                callers = frames[i + 1:j][::-1]
            per_request |= any(f.startswith('net/http.') for f in frames[i + 1:])
    return callers, per_request


def gctrace_live(name):
    """The gctrace log read here: GCs and the live heap (the third of
    "A->B->C MB") of the first and last GC, in bytes."""
    live = [int(m.group(1)) << 20 for m in
            re.finditer(r'^gc \d+ @\S+ \S+: .* \d+->\d+->(\d+) MB', read_text(name), re.M)]
    return len(live), live[0], live[-1]


def func_lines(fn):
    """The lines of function fn's body in the generator's main.go."""
    src = open(os.path.join(V.ROOT, 'testdata/gen/bundle/main.go')).read().split('\n')
    short = fn.split('.', 1)[1]
    first = next(i for i, l in enumerate(src) if l.startswith('func %s(' % short)) + 1
    last = next(i for i in range(first, len(src)) if src[i] == '}') + 1
    return range(first, last + 1)


def leaks_cases():
    """bundle-leaks(-json): the three leaks of the bundle, each once:
    the watcher goroutines (goroutine dumps only: traces and heap dumps are
    partial snapshots), main.newSession's heap growth (the heap pb.gz,
    2,621,440 x k bytes), and the heap dumps' retention of the sessions;
    the gctrace log's live heap in the summary.  The owner the retention
    names is not checked: it is one of 241 goroutine frames holding the
    server together (issue 14 names the server's map as the real one)."""
    mom = C['moments']
    leaked = [m['leaked_goroutines'] for m in mom]
    heap = [files_of('heap', m['moment']) for m in mom]
    heap = [[n for n in ns if C['files'][n]['profile'] == 'heap' and C['files'][n]['format'] == 'pb'][0]
            for ns in heap]
    dumps = [[n for n in files_of('goroutine', m['moment']) if C['files'][n]['format'] == 'debug2'][0]
             for m in mom]
    hdumps = [files_of('heapdump', m['moment'])[0] for m in mom]
    g, hl = C['leaks']
    ns = hl['culprit']
    per = [sum(v for v, fr in raw_stacks(n) if fr[0] == ns) for n in heap]
    if per != [m['retained_bytes'] for m in mom] or \
            per != [hl['per_moment_bytes'] * (k + 1) for k in range(len(mom))]:
        problem('bundle-leaks', 'pprof -raw %s %s, counts.json %s' % (ns, per, [m['retained_bytes'] for m in mom]))
    first_b, last_b = per[0], per[-1]
    callers, per_request = creator_facts(heap, g['created_by'])
    requests = [m['requests'] for m in mom]
    if requests != [m['map_entries'] for m in mom] or requests != leaked:
        problem('bundle-leaks', 'counts.json: requests %s, watchers %s: one per request' % (requests, leaked))
    gcs, live_first, live_last = gctrace_live(files_of('gctrace')[0])
    out, err = case('bundle-leaks-json')
    check_err('bundle-leaks-json', 'leaks', err)
    js = json.loads(out) if out else {}
    check_inputs('bundle-leaks-json', 'leaks', js)
    cands = js.get('candidates', [])
    if sorted(c.get('kind') for c in cands) != ['blocked goroutines', 'heap growth', 'retention']:
        problem('bundle-leaks-json', 'candidates %s, want the watchers, %s heap growth and the heap '
                'dumps\' retention, once each' % ([(c.get('kind'), c.get('culprit')) for c in cands], ns))
    gc = [c for c in cands if c['culprit'] == g['culprit']]
    if len(gc) != 1:
        problem('bundle-leaks-json', '%d candidates for %s, want 1 (the same goroutines once)'
                % (len(gc), g['culprit']))
    t = [stamp_ns(C['files'][n]['stamp']) for n in dumps]
    rate = (leaked[-1] - leaked[0]) * 60 * 10**9 // (t[-1] - t[0])
    for c in gc[:1]:
        want = dict(kind='blocked goroutines', state=g['state'], created_by=g['created_by'],
                    created_by_callers=callers, per_request=per_request, goroutines=leaked[-1],
                    grows=True, snapshots=len(mom), goroutines_per_min=rate, severity='high',
                    confidence='high')
        have = {k: c.get(k) for k in want}
        if have != want:
            problem('bundle-leaks-json', '%s: %s, want %s' % (g['culprit'], have, want))
        ev = [(e['file'][len(D) + 1:], e.get('goroutines')) for e in c.get('evidence', [])]
        if ev != list(zip(dumps, leaked)):
            problem('bundle-leaks-json', '%s evidence %s, want the debug=2 dumps (twins and partial '
                    'files left out) with %s' % (g['culprit'], ev, leaked))
    hc = [c for c in cands if c['culprit'] == ns]
    want = dict(kind='heap growth', first_bytes=first_b, last_bytes=last_b, snapshots=len(mom),
                goroutines_first=mom[0]['goroutines'], goroutines_last=mom[-1]['goroutines'])
    if len(hc) != 1 or {k: hc[0].get(k) for k in want} != want:
        problem('bundle-leaks-json', 'heap candidate %s: %s, want %s' % (ns, hc, want))
    for c in hc[:1]:
        ev = [(e['file'][len(D) + 1:], e.get('inuse_bytes'), e.get('total_bytes')) for e in c['evidence']]
        if ev != [(n, v, totals(n)[1][3]) for n, v in zip(heap, per)]:
            problem('bundle-leaks-json', '%s evidence %s, want per heap profile %s (pprof -raw)' % (ns, ev, per))
        # least squares over the profiles' times (JSON: 6 significant digits)
        t = [pb_time(n) for n in heap]
        tm, ym = sum(t) / len(t), sum(per) / len(per)
        slope = sum((a - tm) * (b - ym) for a, b in zip(t, per)) / sum((a - tm) ** 2 for a in t) * 60e9
        if abs(c.get('slope_bytes_per_min', 0) - slope) > slope * 1e-5:
            problem('bundle-leaks-json', '%s slope %s, want %.0f B/min' % (ns, c.get('slope_bytes_per_min'), slope))
    rc = [c for c in cands if c.get('kind') == 'retention']
    last = mom[-1]
    want = dict(site_function=ns, group_count=last['map_entries'], group_size=C['session_size'],
                group_retained=last['retained_bytes'], snapshots=len(mom), dump=path(hdumps[-1]))
    if len(rc) != 1 or {k: rc[0].get(k) for k in want} != want:
        problem('bundle-leaks-json', 'retention candidate %s, want %s' % (
            [{k: c.get(k) for k in want} for c in rc], want))
    for c in rc[:1]:
        if not c.get('site_file', '').endswith('testdata/gen/bundle/main.go') or \
                c.get('site_line') not in func_lines(ns):
            problem('bundle-leaks-json', 'retention site %s:%s, want in %s' % (c.get('site_file'), c.get('site_line'), ns))
        ev = [(e['file'][len(D) + 1:], e['retained_bytes'], e['reachable_bytes']) for e in c['evidence']]
        if [e[0] for e in ev] != hdumps or any(not m['retained_bytes'] <= r <= rb for (_, r, rb), m in zip(ev, mom)):
            problem('bundle-leaks-json', 'retention evidence %s: want the heap dumps in time order, each '
                    'retaining the sessions (%s) of its reachable heap' % (ev, [m['retained_bytes'] for m in mom]))
        # the roots holding the map together: every goroutine of the last
        # moment (the watchers and main hold the server), as its dump says
        ids = {int(m.group(1)) for m in re.finditer(r'goroutine (\d+) \[', read_text(dumps[-1]))}
        roots = {int(re.match(r'goroutine (\d+):', r).group(1)) for r in c.get('roots', [])
                 if re.match(r'goroutine \d+:', r)}
        if roots != ids or len(ids) != last['goroutines']:
            problem('bundle-leaks-json', 'retention roots: goroutines %s, want the %d of %s'
                    % (sorted(roots ^ ids)[:5], last['goroutines'], dumps[-1]))
    s = js.get('summary', {})
    want = dict(goroutine_snapshots=len(mom), goroutines_first=mom[0]['goroutines'],
                goroutines_last=mom[-1]['goroutines'], biggest_group=leaked[-1],
                biggest_group_culprit=g['culprit'], biggest_group_state=g['state'], heap_snapshots=len(mom),
                heap_first_bytes=totals(heap[0])[1][3], heap_last_bytes=totals(heap[-1])[1][3],
                heap_span_ns=pb_time(heap[-1]) - pb_time(heap[0]), gctrace=path(files_of('gctrace')[0]),
                gctrace_gcs=gcs, gctrace_live_first_bytes=live_first, gctrace_live_last_bytes=live_last)
    have = {k: s.get(k) for k in want}
    if have != want:
        problem('bundle-leaks-json', 'summary %s, want %s' % (have, want))
    # text: the same facts as printed
    out, err = case('bundle-leaks')
    check_err('bundle-leaks', 'leaks', err)
    heads = re.findall(r'^(high|medium|low)\s+(.+?)\s+\(([^,)]+)(?:, confidence \w+)?\)$', out, re.M)
    if sorted((h[1], h[2]) for h in heads if h[2] != 'retention') != \
            sorted([(g['culprit'], 'blocked goroutines'), (ns, 'heap growth')]) or \
            [h[2] for h in heads].count('retention') != 1:
        problem('bundle-leaks', 'candidates %s, want %s, %s and one retention' % (heads, g['culprit'], ns))
    lines = ['   - %d goroutines in %s' % (leaked[-1], g['state']),
             '   - created by %s' % g['created_by'],
             '   - count grows across %d snapshots: %s' % (len(mom), ' -> '.join(map(str, leaked))),
             '   - inuse_space %s -> %s over %d heap profiles' % (label(first_b), label(last_b), len(mom)),
             '   - allocated at %s (%s:%d)' % (ns, rc[0]['site_file'], rc[0]['site_line']) if rc else '',
             '   - accumulation point: %s holds %d objects of %s (%s)' % (
                 rc[0].get('accumulation_point'), last['map_entries'], label(C['session_size']),
                 label(last['retained_bytes'])) if rc else '']
    lines += ['   - %s: %d goroutines' % (path(n), k) for n, k in zip(dumps, leaked)]
    lines += ['   - %s: %s in use here of %s' % (path(n), label(v), label(totals(n)[1][3]))
              for n, v in zip(heap, per)]
    for line in lines:
        if line + '\n' not in out:
            problem('bundle-leaks', 'missing line %r' % line)
    mech = re.search(r'^   goroutine leak: (\d+) goroutines in (\S+), growing (\d+)/min, (.*)$', out, re.M)
    want = (str(leaked[-1]), g['state'], str(rate))
    if not mech or mech.groups()[:3] != want or ('one per request' in mech.group(4)) != per_request \
            or 'one per call of %s' % ' -> '.join(callers + [g['created_by']]) not in mech.group(4):
        problem('bundle-leaks', 'mechanism %r, want %s, one per request: %s, creators %s'
                % (mech and mech.group(0), want, per_request, callers + [g['created_by']]))


def triage_cases():
    """triage on the folder (issue 14): the program's three leaks, high,
    each with its counts per moment: the map (heap dumps: retained bytes
    at least the sessions kept, owned by the shared server object reached
    first from the one root outside the watchers' crowd), main.newSession's
    heap growth (pprof -raw), the watchers (counts.json), and the gctrace
    live heap; verdict problem, exit 2 for the corrupt file; stderr and
    inputs as for every command."""
    mom = C['moments']
    leaked = [m['leaked_goroutines'] for m in mom]
    g, h = C['leaks'][0], C['leaks'][1]
    name = 'triage-bundle-json'
    out, err = case(name)
    check_err(name, 'triage', err)
    js = json.loads(out) if out else {}
    check_inputs(name, 'triage', js)
    locks = [f for f in js.get('findings', []) if f['kind'] == 'lock contention']
    fs = [f for f in js.get('findings', []) if f['kind'] != 'lock contention']
    # the two mutex sites wait milliseconds in minutes: low (triage.h lock rule)
    if [f['severity'] for f in locks] != ['low'] * len(locks) or \
            any(f.get('load') is not None and f['load'] >= 0.1 for f in locks):
        problem(name, 'lock findings above low: %s' % [(f['severity'], f['culprit'], f.get('load')) for f in locks])
    if js.get('verdict') != 'problem' or any(f['severity'] != 'high' for f in fs) or len(fs) != 4:
        problem(name, 'verdict %s, findings %s: want problem, four high'
                % (js.get('verdict'), [(f['severity'], f['culprit']) for f in fs]))
    by_kind = {f['kind']: f for f in fs}
    ret = by_kind.get('retention', {})
    ev = [e['value'] for e in ret.get('evidence', [])]
    owner_root = ret.get('retainer', {}).get('owner_root', '')
    if len(ev) != len(mom) or any(v < m['retained_bytes'] for v, m in zip(ev, mom)) \
            or ev != sorted(ev) or not owner_root.startswith('goroutine ') \
            or g['created_by'] in owner_root:
        problem(name, 'retention %s %s: want >= %s per dump, owned from a root outside the watchers'
                % (ret.get('culprit'), ev, [m['retained_bytes'] for m in mom]))
    # named by the structure's allocation site: the last heap dump's own
    # memprof records (the program sets MemProfileRate 1024), read in Python
    import verify_allocsite
    import verify_heapdump as vh
    vh.V = vh.V or V
    dump = vh.load(vh.BUNDLE_DUMP)
    vh.analyse(dump, [])
    verify_allocsite.triage_retention(V, name, vh.GRAPH, dump, vh.BUNDLE_DUMP, fs, 'triage-bundle')
    heap = [n for n in files_of('heap') if C['files'][n]['profile'] == 'heap' and
            C['files'][n]['format'] == 'pb']
    want = []
    for m in mom:
        f = [n for n in heap if C['files'][n]['moment'] == m['moment']][0]
        types, samples, locs = V.parse_raw(V.pprof('-raw', path(f)))
        k = types.index('inuse_space')
        want.append(sum(x[0][k] for x in samples if locs[x[1][0]][0] == h['culprit']))
    hg = by_kind.get('heap growth', {})
    if (hg.get('culprit'), [e['value'] for e in hg.get('evidence', [])]) != (h['culprit'], want) \
            or want != [m['retained_bytes'] for m in mom]:
        problem(name, 'heap growth %s, pprof -raw %s %s, counts.json %s'
                % (hg.get('culprit'), h['culprit'], want, [m['retained_bytes'] for m in mom]))
    bg = by_kind.get('blocked goroutines', {})
    if (bg.get('culprit'), bg.get('created_by'), bg.get('goroutines'), bg.get('grows'),
            [e['value'] for e in bg.get('evidence', [])]) != \
            (g['culprit'], g['created_by'], leaked[-1], True, leaked):
        problem(name, 'watchers %s, counts.json %s %s' % (bg, g['culprit'], leaked))
    gcf = by_kind.get('gctrace: live heap grows', {})
    if gcf.get('file') != path(files_of('gctrace')[0]):
        problem(name, 'no gctrace finding for %s' % files_of('gctrace'))
    # the text report: the same findings, first screen first
    name = 'triage-bundle'
    out, err = case(name)
    check_err(name, 'triage', err)
    lines = out.split('\n')
    head = ['PROBLEM: %d findings (4 high, 0 medium, %d low)' % (4 + len(locks), len(locks))] + \
        ['  %-6s %s  (%s%s)' % (f['severity'], f['culprit'], f['kind'],
                                ', confidence ' + f['confidence'] if f['source'] == 'leaks' else '')
         for f in fs + locks]
    if lines[:len(head)] != head:
        problem(name, 'first screen %s, want %s' % (lines[:len(head)], head))
    for f in fs + locks:
        if '   ' + f['summary'] not in lines:
            problem(name, 'no summary line %r' % f['summary'])


def goroutines_cases():
    mom = C['moments']
    dumps = [files_of('goroutine', m['moment']) for m in mom]
    for m, names in zip(mom, dumps):
        for n in names:
            if totals(n)[1] != [m['goroutines']]:
                problem('bundle-goroutines', '%s holds %s goroutines, counts.json %d' % (n, totals(n)[1], m['goroutines']))
        d2 = [n for n in names if C['files'][n]['format'] == 'debug2'][0]
        watch = [g for g in dump_goroutines(d2) if C['leaks'][0]['culprit'] in g[1]]
        if len(watch) != m['leaked_goroutines'] or {g[0] for g in watch} != {'select'} \
                or {g[2] for g in watch} != {C['leaks'][0]['created_by']}:
            problem('bundle-goroutines', '%s: %d watchers, states %s' % (d2, len(watch), {g[0] for g in watch}))
    out, err = case('bundle-goroutines-json')
    check_err('bundle-goroutines-json', 'goroutines', err)
    js = json.loads(out) if out else {}
    check_inputs('bundle-goroutines-json', 'goroutines', js)
    per = js.get('per_file', [])
    files = [f[len(D) + 1:] for f in js.get('files', [])]
    moments = [C['files'].get(f, {}).get('moment') for f in files]
    if per != [m['goroutines'] for m in mom] or moments != [m['moment'] for m in mom]:
        problem('bundle-goroutines-json', 'snapshots %s of moments %s, want %s (twins once, time order)'
                % (per, moments, [m['goroutines'] for m in mom]))
    w = [g for g in js.get('groups', []) if g.get('stack', [''])[0] == C['leaks'][0]['culprit']]
    if len(w) != 1 or w[0]['per_file'] != [m['leaked_goroutines'] for m in mom] or w[0]['state'] != 'select' \
            or w[0]['created_by'] != C['leaks'][0]['created_by']:
        problem('bundle-goroutines-json', 'watch group %s' % w)
    out, err = case('bundle-goroutines')
    check_err('bundle-goroutines', 'goroutines', err)
    want = '%d goroutines in ' % sum(m['goroutines'] for m in mom)
    if not out.startswith(want):
        problem('bundle-goroutines', 'first line %r, want %r...' % (out.split('\n')[0], want))
    for i, m in enumerate(mom):
        line = re.search(r'^  #%d (\S+): (\d+)$' % (i + 1), out, re.M)
        if not line or C['files'].get(line.group(1)[len(D) + 1:], {}).get('moment') != m['moment'] \
                or int(line.group(2)) != m['goroutines']:
            problem('bundle-goroutines', 'snapshot #%d: %s, want moment %d, %d goroutines'
                    % (i + 1, line and line.group(0), m['moment'], m['goroutines']))
    row = re.search(r'^\s*(\d+)\s+\S+\s+' + r'\s+'.join([r'(\d+)'] * len(mom)) + r'\s+select\s+\S+\s+'
                    + re.escape(C['leaks'][0]['culprit']), out, re.M)
    want_row = [sum(m['leaked_goroutines'] for m in mom)] + [m['leaked_goroutines'] for m in mom]
    if not row or [int(x) for x in row.groups()] != want_row:
        problem('bundle-goroutines', 'watch row %s, want %s' % (row and row.group(0), want_row))


def sampled_added(heap, fn):
    """pprof -raw's sampling period of the first heap profile, and the raw
    samples fn as the leaf added from the first profile to the last."""
    import math
    text = V.pprof('-raw', path(heap[0]))
    period = int(re.search(r'^Period: (\d+)$', text, re.M).group(1))
    n = []
    for h in (heap[0], heap[-1]):
        types, samples, locs = V.parse_raw(V.pprof('-raw', path(h)))
        io, isp = types.index('inuse_objects'), types.index('inuse_space')
        n.append(sum(round(s[0][io] * -math.expm1(-(s[0][isp] // s[0][io]) / period))
                     for s in samples if s[0][io] > 0 and [f for i in s[1] for f in locs[i]][:1] == [fn]))
    return period, n[1] - n[0]


def growth_cases():
    mom = C['moments']
    heap = [[n for n in files_of('heap', m['moment']) if C['files'][n]['format'] == 'pb'
             and C['files'][n]['profile'] == 'heap'][0] for m in mom]
    ns = C['leaks'][1]['culprit']
    vals = []
    for n in heap:
        types, samples, locs = V.parse_raw(V.pprof('-raw', path(n)))
        k = types.index('inuse_space')
        vals.append(sum(s[0][k] for s in samples if ns in [f for i in s[1] for f in locs[i]][:1]))
    if vals != [m['retained_bytes'] for m in mom]:
        problem('bundle-growth', 'pprof -raw %s %s, counts.json %s' % (ns, vals, [m['retained_bytes'] for m in mom]))
    out, err = case('bundle-growth-json')
    check_err('bundle-growth-json', 'growth', err)
    js = json.loads(out) if out else {}
    check_inputs('bundle-growth-json', 'growth', js)
    profs = js.get('profiles', [])
    moments = [C['files'].get(p['file'][len(D) + 1:], {}).get('moment') for p in profs]
    if moments != [m['moment'] for m in mom] or js.get('sample_type') != 'inuse_space':
        problem('bundle-growth-json', 'series of moments %s (%s), want %s: the heap profiles, twins once, time order'
                % (moments, js.get('sample_type'), [m['moment'] for m in mom]))
    for p in profs:
        n = p['file'][len(D) + 1:]
        if n in C['files']:
            t, src = file_time(n)
            if p.get('time_nanos') != t or p.get('time_from') != src:
                problem('bundle-growth-json', '%s: time %s from %s, want %d from %s'
                        % (n, p.get('time_nanos'), p.get('time_from'), t, src))
    row = [r for r in js.get('rows', []) if r['name'] == ns]
    if len(row) != 1 or row[0]['values'] != vals or row[0]['growth'] != vals[-1] - vals[0] or not row[0]['candidate']:
        problem('bundle-growth-json', '%s row %s, want values %s, a candidate' % (ns, row, vals))
    # the noise floor (growth.h): the heap profiles are sampled (pprof -raw's
    # Period); the culprit's raw samples added (each sample's inuse_objects
    # over pprof's scale at its object size, rounded) are more than 3 * 3
    period, added = sampled_added(heap, ns)
    rule = js.get('candidate_rule', {})
    if (rule.get('sampling_period'), rule.get('noise_sigmas')) != (period, 3) or \
            not row or row[0].get('samples_added') != added or added <= 9 or row[0].get('noise'):
        problem('bundle-growth-json', '%s: rule %s, %s samples added; pprof -raw period %d, %d added'
                % (ns, rule, row and row[0].get('samples_added'), period, added))
    out, err = case('bundle-growth')
    check_err('bundle-growth', 'growth', err)
    head = re.match(r'Series: (\d+) profiles over .*, inuse_space \(flat\), (\S+) to (\S+)\n', out)
    if not head or int(head.group(1)) != len(mom) or \
            [C['files'].get(head.group(i)[len(D) + 1:], {}).get('moment') for i in (2, 3)] != [1, len(mom)]:
        problem('bundle-growth', 'series line %r, want %d profiles from moment 1 to %d'
                % (out.split('\n')[0], len(mom), len(mom)))
    row = re.search(r'^\*\s+\S+/min\s+(\S+)\s+\S+\s+\S+\s+(\S+)\s+%s$' % re.escape(ns), out, re.M)
    want = (label(vals[-1] - vals[0], sign=True), label(vals[-1]))
    if not row or row.groups() != want:
        problem('bundle-growth', 'candidate row for %s: %s, want growth %s, last %s'
                % (ns, row and row.group(0), *want))


def blocking_cases():
    mom = C['moments']
    prof = {k: [files_of(k, m['moment'])[0] for m in mom] for k in ('block', 'mutex')}
    groups = {n: own_groups(n) for k in prof for n in prof[k]}
    side = {'block': 'waiting', 'mutex': 'holding'}
    out, err = case('bundle-blocking-json')
    check_err('bundle-blocking-json', 'blocking', err)
    js = json.loads(out) if out else {}
    check_inputs('bundle-blocking-json', 'blocking', js)
    hs = js.get('hotspots', [])
    g = C['leaks'][0]
    w = [h for h in hs if h['culprit'] == g['culprit'] and h['kind'] == g['state']]
    if len(w) != 1 or w[0]['goroutines'] != mom[-1]['leaked_goroutines']:
        problem('bundle-blocking-json', '%s [select]: %s, want %d goroutines'
                % (g['culprit'], w and w[0]['goroutines'], mom[-1]['leaked_goroutines']))
    for e in (w[0]['evidence'] if w else []):
        fi = C['files'].get(e['file'][len(D) + 1:], {})
        # every file shows the watchers alive at its moment; a trace saw
        # the moment's per_moment of them created while it ran (the
        # others were there before it, joined to the group)
        want = mom[fi.get('moment', 1) - 1]['leaked_goroutines'] if fi.get('kind') in (
            'goroutine', 'heapdump', 'trace') else None
        if e.get('goroutines') != want:
            problem('bundle-blocking-json', '%s: %s goroutines in select, want %s (counts.json)'
                    % (e['file'], e.get('goroutines'), want))
        if fi.get('kind') == 'trace' and e.get('created_in_window') != C['per_moment']:
            problem('bundle-blocking-json', '%s: %s created in the trace window, want %d (counts.json: '
                    'the watchers its moment started)' % (e['file'], e.get('created_in_window'), C['per_moment']))
    # beside the goroutine dumps, a group only traces or heap dumps show
    # (a trace's goroutines it never saw run, in no known state) is left
    # out: every hotspot without contentions has a dump's goroutines
    for h in hs:
        kinds = {C['files'].get(e['file'][len(D) + 1:], {}).get('kind') for e in h.get('evidence', [])}
        if not h.get('contentions') and 'goroutine' not in kinds:
            problem('bundle-blocking-json', '%s [%s]: %d goroutines only %s show' % (
                h['culprit'], h['kind'], h['goroutines'], sorted(k for k in kinds if k)))
    for h in hs:
        ev = [e for e in h.get('evidence', []) if e.get('source') == 'contention'
              and C['files'].get(e['file'][len(D) + 1:], {}).get('kind') in prof]
        if not ev:
            continue
        kinds = {C['files'][e['file'][len(D) + 1:]]['kind'] for e in ev}
        for e in ev:
            n = e['file'][len(D) + 1:]
            key = (h['culprit'], h['kind'])
            got = [e['contentions'], e['delay_ns']]
            if groups[n].get(key) != got:
                problem('bundle-blocking-json', '%s %s: %s, pprof -raw %s' % (n, key, got, groups[n].get(key)))
        # cumulative profiles: the total is the last one's, not a sum
        kind = sorted(kinds)[0]
        lastv = groups[prof[kind][-1]].get((h['culprit'], h['kind']), [0, 0])
        if len(kinds) != 1 or h.get('side') != side[kind] or [h['contentions'], h['delay_ns']] != lastv:
            problem('bundle-blocking-json', '%s [%s, %s]: %d contentions, %d ns; want the last %s profile\'s '
                    '%s (profiles are cumulative since the start: not summed, nor added to the traces\' waits)'
                    % (h['culprit'], h['kind'], h.get('side'), h['contentions'], h['delay_ns'], kind, lastv))
    # text: the same headline facts
    out, err = case('bundle-blocking')
    check_err('bundle-blocking', 'blocking', err)
    heads = re.findall(r'^\d+\. (\S+)  \[([^,\]]+)(?:, (\w+))?\]  (\d+) goroutines?(?:, (\d+) contentions?)?', out, re.M)
    have = {(h[0], h[1], h[2] or ''): (int(h[3]), int(h[4] or 0)) for h in heads}
    if have.get((g['culprit'], g['state'], '')) != (mom[-1]['leaked_goroutines'], 0):
        problem('bundle-blocking', '%s [select]: %s' % (g['culprit'], have.get((g['culprit'], g['state'], ''))))
    for kind, files in prof.items():
        for key, (cont, _) in groups[files[-1]].items():
            got = have.get((key[0], key[1], side[kind]))
            if got is None or got[1] != cont:
                problem('bundle-blocking', '%s [%s, %s]: %s contentions, want %d (the last %s profile)'
                        % (key[0], key[1], side[kind], got and got[1], cont, kind))


def cumulative_case():
    """bundle-blocking-cumulative: the block and mutex profiles of the three
    moments and the last trace.  Per hotspot a contention profile shows:
    its total is the last profile's (pprof -raw, grouped here), not a sum
    and not the trace's waits on top; a hotspot only the trace shows: the
    trace's own evidence."""
    name = 'bundle-blocking-cumulative'
    V.checked.add(name)
    mom = C['moments']
    prof = {k: [files_of(k, m['moment'])[0] for m in mom] for k in ('block', 'mutex')}
    side = {'block': 'waiting', 'mutex': 'holding'}
    out, code = V.golden(name, 'out') or '', V.golden(name, 'code')
    if code != '0\n':
        problem(name, 'exit status %r, want 0' % code)
    hs = json.loads(out).get('hotspots', []) if out else []
    seen = 0
    for kind, files in prof.items():
        for key, last in own_groups(files[-1]).items():
            h = [h for h in hs if (h['culprit'], h['kind'], h.get('side')) == key + (side[kind],)]
            seen += 1
            if len(h) != 1 or [h[0]['contentions'], h[0]['delay_ns']] != last:
                problem(name, '%s [%s, %s]: %s, want the last %s profile\'s %s (pprof -raw)'
                        % (key[0], key[1], side[kind], h and [h[0]['contentions'], h[0]['delay_ns']], kind, last))
    for h in hs:
        ev = h.get('evidence', [])
        if ev and all(e['file'].endswith('.out') for e in ev) and \
                [h['contentions'], h['delay_ns']] != [sum(e.get('contentions', 0) for e in ev),
                                                      sum(e.get('delay_ns', 0) for e in ev)]:
            problem(name, '%s [%s]: a trace-only hotspot, want its evidence' % (h['culprit'], h['kind']))
    # lock sites (blocking.h rule 5): a part's numbers, per function, the
    # latest profile's too, never the sum over the three moments
    for site in (json.loads(out).get('lock_sites', []) if out else []):
        kind = 'rwmutex' if site['lock'] == 'RWMutex' else 'mutex'
        for p in site['parts']:
            k = 'block' if p['side'] == 'waiting' else 'mutex'
            last = own_groups(prof[k][-1]).get((p['func'], kind))
            if p['functions'] == 1 and last is not None:
                seen += 1
                if [p['contentions'], p['delay_ns']] != last:
                    problem(name, 'lock site %s %s %s: %s, want the last %s profile\'s %s (pprof -raw)'
                            % (site['site'], p['op'], p['func'], [p['contentions'], p['delay_ns']], k, last))
    if not seen:
        problem(name, 'no hotspot of the profiles checked')


def walk_cases():
    """bundle-walk-hidden: testdata/walk holds the debug=2 dumps of moments
    1 and 2 copied from the bundle, an empty file, an empty '.complete' and
    '.hidden/junk.txt' (no profile): the walk skips the hidden entries (no
    word of them, no error), the empty file is named once as not used, exit
    0, and the two dumps are read as counts.json says."""
    name = 'bundle-walk-hidden'
    V.checked.add(name)
    out, err, code = (V.golden(name, w) or '' for w in ('out', 'err', 'code'))
    W = 'testdata/walk'
    on_disk = sorted(os.listdir(os.path.join(V.ROOT, W)))
    if on_disk != ['.complete', '.hidden', 'empty.pb.gz', 'goroutine-dump-1795318920.txt.gz',
                   'goroutine-dump-20261122_034100.txt']:
        problem(name, '%s holds %s' % (W, on_disk))
    if code != '0\n':
        problem(name, 'exit status %r, want 0 (hidden entries skipped, the empty file not used)' % code)
    want_err = "heapscope: goroutines: '%s/empty.pb.gz': warning: not used (empty)\n" % W
    if err != want_err:
        problem(name, 'stderr %r, want %r' % (err, want_err))
    mom = C['moments'][:2]
    want = '%d goroutines in ' % sum(m['goroutines'] for m in mom)
    if not out.startswith(want):
        problem(name, 'first line %r, want %r...' % (out.split('\n')[0], want))
    for i, (m, f) in enumerate(zip(mom, ('goroutine-dump-20261122_034100.txt', 'goroutine-dump-1795318920.txt.gz'))):
        if '  #%d %s/%s: %d\n' % (i + 1, W, f, m['goroutines']) not in out:
            problem(name, 'snapshot #%d: want %s/%s with %d goroutines' % (i + 1, W, f, m['goroutines']))
        if totals(f)[1] != [m['goroutines']]:
            problem(name, '%s holds %s goroutines, counts.json %d' % (f, totals(f)[1], m['goroutines']))
    if '.complete' in out + err or '.hidden' in out + err:
        problem(name, 'a hidden entry was read')


def log_cases():
    """goroutines-log-*: the bundle's three debug=2 dumps appended into one
    gzipped log, and its three ?debug=1 profiles appended into one
    (testdata/bundle/make-logs.sh): a column per moment, with
    counts.json's goroutines and watchers per moment; the logs themselves
    read here (goroutine records per dump, the profiles' total lines)."""
    mom = C['moments']
    want = [m['goroutines'] for m in mom]
    watchers = [m['leaked_goroutines'] for m in mom]
    logs = {'dumps': B + '/logs/goroutine-dumps.log.gz', 'profiles': B + '/logs/goroutine-profiles.log'}
    with gzip.open(os.path.join(V.ROOT, logs['dumps']), 'rt') as f:
        text = f.read()
    # a dump starts where a goroutine id comes again
    per, seen = [], set()
    for gid in re.findall(r'^goroutine (\d+) \[', text, re.M):
        if not per or gid in seen:
            per.append(0)
            seen = set()
        seen.add(gid)
        per[-1] += 1
    if per != want:
        V.problems.append('%s: goroutines per dump %s, counts.json %s' % (logs['dumps'], per, want))
    with open(os.path.join(V.ROOT, logs['profiles'])) as f:
        heads = [int(x) for x in re.findall(r'^goroutine profile: total (\d+)$', f.read(), re.M)]
    if heads != want:
        V.problems.append('%s: totals %s, counts.json %s' % (logs['profiles'], heads, want))
    for kind, path in logs.items():
        names = [path, path + ' (dump 1)', path + ' (dump 2)'] if kind == 'dumps' else \
            ['%s#%d' % (path, k + 1) for k in range(len(mom))]
        name = 'goroutines-log-' + kind
        V.checked.add(name)
        V.checked.add(name + '-json')
        for n in (name, name + '-json'):
            V.expect(n, 'err', '')
            V.expect(n, 'code', '0\n')
        js = json.loads(V.golden(name + '-json', 'out') or '{}')
        if js.get('files') != names or js.get('per_file') != want:
            problem(name + '-json', 'columns %s %s, want %s %s' % (js.get('files'), js.get('per_file'), names, want))
        w = [g for g in js.get('groups', []) if g.get('stack', [''])[0] == C['leaks'][0]['culprit']]
        if len(w) != 1 or w[0]['per_file'] != watchers:
            problem(name + '-json', 'watch group %s, want %s per moment' % (w and w[0].get('per_file'), watchers))
        out = V.golden(name, 'out') or ''
        cols = re.findall(r'^  #(\d+) (.*): (\d+)$', out, re.M)
        if [(c[1], int(c[2])) for c in cols] != list(zip(names, want)):
            problem(name, 'columns %s, want %s' % (cols, list(zip(names, want))))
        if not out.startswith('%d goroutines in ' % sum(want)):
            problem(name, 'first line %r' % out.split('\n')[0])
    # blocking on the dumps' log: the watchers grow dump to dump inside the
    # one file (counts.json: 80 -> 160 -> 240), so they are no idle loop
    name = 'blocking-log-dumps'
    for n in (name, name + '-json'):
        V.checked.add(n)
        V.expect(n, 'err', '')
        V.expect(n, 'code', '0\n')
    js = json.loads(V.golden(name + '-json', 'out') or '{}')
    w = [h for h in js.get('hotspots', []) if h.get('culprit') == C['leaks'][0]['culprit']]
    ev = w[0]['evidence'] if len(w) == 1 and len(w[0].get('evidence', [])) == 1 else [{}]
    if len(w) != 1 or w[0].get('idle') or w[0].get('goroutines') != watchers[-1] \
            or ev[0].get('snapshots') != len(mom) or ev[0].get('grows_within') is not True:
        problem(name + '-json', 'watch hotspot %s: want %d goroutines, not idle, grows within %d dumps'
                % (w, watchers[-1], len(mom)))
    out = V.golden(name, 'out') or ''
    if 'idle' in out or '%d goroutines [select] (most in one dump; it grows dump to dump)' % watchers[-1] not in out:
        problem(name, 'the watchers must grow dump to dump, not be idle:\n%s' % out)


def run(v):
    global V, C, CORRUPT
    V = v
    with open(os.path.join(V.ROOT, B, 'counts.json')) as f:
        C = json.load(f)
    CORRUPT = next(n for n, fi in C['files'].items() if fi.get('corrupt'))
    on_disk = sorted(os.listdir(os.path.join(V.ROOT, D)))
    if on_disk != sorted(C['files']):
        V.problems.append('testdata/bundle: files %s, counts.json lists %s' % (on_disk, sorted(C['files'])))
    # counts.json against the files themselves before anything else
    for m in C['moments']:
        if m['debug1_total'] != m['goroutines'] or m['retained_bytes'] != m['map_entries'] * C['session_size'] \
                or m['leaked_goroutines'] != m['moment'] * C['per_moment']:
            V.problems.append('testdata/bundle/counts.json: moment %s inconsistent' % m)
    for n, fi in C['files'].items():
        if fi['time_from'] == 'lastgc' and fi['own_time_nanos'] != lastgc(n):
            V.problems.append('testdata/bundle/counts.json: %s LastGC %d, the file says %d'
                              % (n, fi['own_time_nanos'], lastgc(n)))
    info_cases()
    leaks_cases()
    triage_cases()
    goroutines_cases()
    log_cases()
    growth_cases()
    blocking_cases()
    walk_cases()
    cumulative_case()
