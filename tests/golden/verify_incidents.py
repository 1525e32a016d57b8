"""Independent checks of the goroutine-gate, leaks-* and blocking-* golden cases.

Imported by verify.py (run(v) with the verify module), never run alone; it
never runs heapscope.  Expected outputs are rebuilt from:

  - the dumps themselves, read here with a few lines of Python: per
    goroutine its state, its culprit (the innermost frame of package main,
    the program's own code; else the first frame outside
    runtime/sync/internal) with the frames below it down to the innermost
    one outside the runtime (its chain), and its `created by` function;
  - testdata/pprof/{incidents,healthy}/counts.json, what the generating
    program (testdata/gen/incidents) knows it started: the wheel goroutines
    at each dump, the blocked checkers, the healthy workers;
  - testdata/pprof/twins: the headers of its ?debug=1 profiles (total, the
    "N @" count of the main.stuck stack) and the goroutines of its debug=2
    dumps, one moment per name stamp, checked against its counts.json
    (testdata/gen/twins);
  - the one-line hints and the severity rules of include/heapscope/leaks.h
    (min_high 100), written out below and reviewed by hand.
"""
import gzip
import json
import os
import re

V = None
INC = 'testdata/pprof/incidents'
OK = 'testdata/pprof/healthy'

HINT = {
    'select': 'parked in a select none of whose cases is ready: a loop without a ctx.Done() or '
              'stop case never exits, one goroutine per start',
    'chan send': 'senders wait for a receiver: nobody reads the channel or its buffer is full '
                 '(a receiver that returned early strands them)',
}
KIND = {'select': 'select', 'chan send': 'chan send'}


def is_runtime(f):
    """The runtime, as the man page's WHOSE CODE says (runtime packages and
    their functions linked into others)."""
    return bool(re.match(r'(runtime|runtime/internal/[^.]*|internal/runtime/[^.]*)\.', f)) or \
        '.runtime_' in f


def culprit_of(funcs):
    """The innermost own frame (package main) and its chain, culprit first;
    else the first frame outside runtime/sync/internal and no chain."""
    for i, f in enumerate(funcs):
        if f.startswith('main.'):
            end = next((j for j in range(i) if not is_runtime(funcs[j])), i)
            return f, funcs[end:i + 1][::-1]
    user = [f for f in funcs if not re.match(r'(runtime|sync|internal)[./]', f)]
    return (user[0] if user else (funcs[0] if funcs else '')), []


def read(path):
    with (gzip.open if path.endswith('.gz') else open)(os.path.join(V.ROOT, path), 'rt') as f:
        return f.read()


def groups(path):
    """(culprit, state) -> [count, created_by, chain] for the goroutines of a dump."""
    text = read(path)
    out = {}
    for block in re.split(r'\n\s*\n', text):
        lines = block.strip('\n').split('\n')
        m = re.match(r'goroutine \d+ \[([^,\]]+)', lines[0])
        if not m:
            continue
        state = m.group(1)
        funcs = [l[:l.rfind('(')] if l.endswith(')') else l
                 for l in lines[1:] if l and not l[0].isspace()]
        created = ''
        if funcs and funcs[-1].startswith('created by '):
            created = funcs.pop()[len('created by '):].split(' in goroutine ')[0]
        culprit, chain = culprit_of(funcs)
        g = out.setdefault((culprit, state), [0, created, chain])
        g[0] += 1
    return out


def counts(d):
    with open(os.path.join(V.ROOT, d, 'counts.json')) as f:
        return json.load(f)


def biggest(path):
    g = groups(path)
    (culprit, state), (n, _, _) = max(g.items(), key=lambda kv: kv[1][0])
    return culprit, state, n


def run(v):
    global V
    V = v
    c = counts(INC)
    h = counts(OK)
    d1, d2 = groups(INC + '/goroutine-1.txt.gz'), groups(INC + '/goroutine-2.txt.gz')
    wheel = (c['wheel']['culprit'], c['wheel']['kind'])
    checker = (c['checker']['culprit'], c['checker']['kind'])
    # The dumps hold what the program started.
    assert d1[wheel][0] == c['wheel']['dump1'] and d2[wheel][0] == c['wheel']['dump2'], 'wheel counts'
    assert d2[checker][0] == c['checker']['count'], 'checker count'
    assert d2[wheel][1] == c['wheel']['created_by']
    hw = groups(OK + '/goroutine-2.txt.gz')
    assert sum(g[0] for g in hw.values()) == h['goroutines_at_dump2'], 'healthy total'

    # leaks: both groups are over min_high (100) and blocked on channel
    # work: high; the wheel grows between the dumps and ranks first.
    def cand(key, grow):
        culprit, kind = key
        n, created, chain = d2[key]
        ev = ['at ' + ' -> '.join(chain)] if len(chain) > 1 else []
        ev += ['%d goroutines in %s' % (n, KIND[kind]), 'created by %s' % created]
        if grow:
            ev.append('count grows across 2 snapshots: %d -> %d' % (d1[key][0], n))
        return culprit, kind, n, ev, created, grow, key, chain

    cands = [cand(wheel, True), cand(checker, False)]
    text = '%d leak candidates\n' % len(cands)
    js = []
    for culprit, kind, n, ev, created, grow, key, chain in cands:
        text += '\nhigh   %s  (blocked goroutines)\n' % culprit
        text += ''.join('   - %s\n' % e for e in ev)
        text += '   hint: %s\n' % HINT[kind]
        # JSON: the same facts as records, one per dump (the dumps hold no
        # "dump" label: 0), the wait and state the dump names.
        js.append({'severity': 'high', 'kind': 'blocked goroutines', 'culprit': culprit,
                   **({'chain': chain} if len(chain) > 1 else {}), 'weight': n,
                   'evidence': [{'file': INC + '/goroutine-%d.txt.gz' % i, 'dump': 0, 'goroutines': d[key][0]}
                                for i, d in ((1, d1), (2, d2))],
                   'hint': HINT[kind], 'wait': KIND[kind], 'state': kind, 'created_by': created,
                   'goroutines': n, 'wait_minutes_min': 0, 'wait_minutes_max': 0, 'grows': grow,
                   'snapshots': 2})
    # growth over dumps timed only by their names: the stamps read as UTC
    # (calendar.timegm), time order not argument order, the wheel's counts
    # from counts.json one minute apart.
    import calendar
    V.checked.add('growth-named-times')
    g = json.loads(V.golden('growth-named-times', 'out'))
    n1 = 'testdata/pprof/named/goroutine-20261122-034443.txt.gz'
    n2 = 'testdata/pprof/named/goroutine-2026-11-22T03:45:43Z.txt.gz'
    want = [{'file': n1, 'time_nanos': calendar.timegm((2026, 11, 22, 3, 44, 43)) * 10**9,
             'minutes': 0, 'time_from': 'file_name'},
            {'file': n2, 'time_nanos': calendar.timegm((2026, 11, 22, 3, 45, 43)) * 10**9,
             'minutes': 1, 'time_from': 'file_name'}]
    wheel_row = next((r for r in g['rows'] if r['name'] == c['wheel']['culprit']), None)
    if g['profiles'] != want or not wheel_row or \
            wheel_row['values'] != [c['wheel']['dump1'], c['wheel']['dump2']] or \
            wheel_row['slope_per_min'] != c['wheel']['dump2'] - c['wheel']['dump1']:
        V.problems.append('growth-named-times: profiles %s, wheel row %s' % (g['profiles'], wheel_row))
    V.expect('growth-named-times', 'err', '')
    V.expect('growth-named-times', 'code', '0\n')
    # The two sides of a lock, from pprof -raw: the block profile's samples
    # through sync.(*Mutex).Lock (waiting) and the mutex profile's through
    # sync.(*Mutex).Unlock (holding), summed apart.
    def side_sums(path, frame):
        types, samples, locs = V.parse_raw(V.pprof('-raw', path))
        ci, di = types.index('contentions'), types.index('delay')
        tot = [0, 0]
        for vals, ids in samples:
            if any(frame in locs[i] for i in ids):
                tot[0] += vals[ci]
                tot[1] += vals[di]
        return tot
    V.checked.add('blocking-lock-sides')
    got = json.loads(V.golden('blocking-lock-sides', 'out'))['hotspots']
    sides = {h['side']: (h['contentions'], h['delay_ns']) for h in got if h['kind'] == 'mutex'}
    want = {'waiting': tuple(side_sums(INC + '/block.pb.gz', 'sync.(*Mutex).Lock')),
            'holding': tuple(side_sums(INC + '/mutex.pb.gz', 'sync.(*Mutex).Unlock'))}
    if sides != want:
        V.problems.append('blocking-lock-sides: mutex sides %s, want %s' % (sides, want))
    V.expect('blocking-lock-sides', 'err', '')
    V.expect('blocking-lock-sides', 'code', '0\n')
    # the folder: the lock sides' hotspots, and the two dumps' groups with
    # one evidence record per dump (goroutine.pb.gz, dump 2's twin, none)
    V.checked.add('blocking-incidents-folder-json')
    folder = json.loads(V.golden('blocking-incidents-folder-json', 'out'))['hotspots']
    want = []
    for key in sorted((wheel, checker), key=lambda k: -d2[k][0]):
        ev = [{'file': '%s/goroutine-%d.txt.gz' % (INC, i + 1), 'source': 'dump',
               'goroutines': d[key][0], 'snapshots': 1, 'state': key[1], 'wait_minutes': 0}
              for i, d in enumerate((d1, d2))]
        want.append({'culprit': key[0], 'kind': key[1], 'goroutines': max(d1[key][0], d2[key][0]),
                     'evidence': ev})
    got_g = [{k: h[k] for k in ('culprit', 'kind', 'goroutines', 'evidence')}
             for h in folder if h['goroutines']]
    if got_g != want or [h for h in folder if not h['goroutines']] != got:
        V.problems.append('blocking-incidents-folder-json: hotspots %s\n  want %s and the lock sides'
                          % (got_g, want))
    V.expect('blocking-incidents-folder-json', 'err',
             "heapscope: blocking: not used: 1 file (1 other file)\n"
             "heapscope: blocking: '%s/goroutine.pb.gz' and '%s/goroutine-2.txt.gz' are one moment "
             "(twins): using '%s/goroutine-2.txt.gz'\n" % (INC, INC, INC))
    V.expect('blocking-incidents-folder-json', 'code', '0\n')
    # a directory: every file below it (find testdata/rules -type f), none of use to leaks
    nrules = sum(len(fs) for _, _, fs in os.walk(os.path.join(V.ROOT, 'testdata', 'rules')))
    V.expect('leaks-dir-unused', 'out', '0 leak candidates\nNo leak signal.\n')
    V.expect('leaks-dir-unused', 'err', 'heapscope: leaks: not used: %d files (%d other files)\n' % (nrules, nrules))
    V.expect('leaks-dir-unused', 'code', '0\n')
    # The summary behind a verdict: every goroutine of each dump (headers
    # counted here), the biggest group in one snapshot, no heap profile.
    tot1 = sum(n for n, _, _ in d1.values())
    tot2 = sum(n for n, _, _ in d2.values())
    assert tot2 == c['goroutines_at_dump2'], 'incident total'
    big = max(list(d1.items()) + list(d2.items()), key=lambda kv: kv[1][0])
    summary = {'goroutine_snapshots': 2, 'goroutines_first': tot1, 'goroutines_last': tot2,
               'goroutines_max': max(tot1, tot2), 'biggest_group': big[1][0],
               'biggest_group_culprit': big[0][0], 'biggest_group_state': big[0][1],
               'heap_snapshots': 0, 'heap_first_bytes': 0, 'heap_last_bytes': 0, 'heap_span_ns': 0}
    # The healthy control: no candidate, and the numbers say why (the
    # workers' select group is the biggest; counts.json: 4 workers, 6
    # goroutines in each dump).
    h1, h2 = groups(OK + '/goroutine-1.txt.gz'), groups(OK + '/goroutine-2.txt.gz')
    hbig = max(h2.items(), key=lambda kv: kv[1][0])
    assert hbig[1][0] == h['workers'] and sum(n for n, _, _ in h2.values()) == h['goroutines_at_dump2']
    healthy = ('0 leak candidates\nNo leak signal.\n   goroutines: %d -> %d over 2 snapshots; '
               'biggest group %d in %s at %s\n'
               % (sum(n for n, _, _ in h1.values()), h['goroutines_at_dump2'], h['workers'],
                  hbig[0][1], hbig[0][0]))
    # the folder (goroutine.pb.gz the twin of dump 2, block, mutex and
    # counts.json not used): the candidates of the two dumps
    want = json.loads(V.golden('leaks-incidents-json', 'out'))
    got = json.loads(V.golden('leaks-incidents-folder-json', 'out'))
    V.checked.add('leaks-incidents-folder-json')
    if {k: v for k, v in got.items() if k != 'inputs'} != {k: v for k, v in want.items() if k != 'inputs'}:
        V.problems.append('leaks-incidents-folder-json.out: not the findings of leaks-incidents-json')
    V.expect('leaks-incidents-folder-json', 'err',
             "heapscope: leaks: not used: 3 files (2 contention (block or mutex) profiles, 1 other file)\n"
             "heapscope: leaks: '%s/goroutine.pb.gz' and '%s/goroutine-2.txt.gz' are one moment "
             "(twins): using '%s/goroutine-2.txt.gz'\n" % (INC, INC, INC))
    V.expect('leaks-incidents-folder-json', 'code', '0\n')
    for name, want in (('leaks-incidents', text),
                       ('leaks-incidents-reverse', text),   # newest first: time order
                       ('leaks-abbrev', text),   # --min-gor 100: the default, abbreviated
                       ('leaks-incidents-json',
                        # "inputs": checked by verify_inputs.py
                        json.dumps({'verdict': 'candidates', 'candidates': js, 'summary': summary,
                                    'inputs': json.loads(V.golden('leaks-incidents-json', 'out'))['inputs']},
                                   separators=(',', ':')) + '\n'),
                       ('leaks-healthy', healthy)):
        V.expect(name, 'out', want)
        V.expect(name, 'err', '')
        V.expect(name, 'code', '0\n')

    # blocking: the same two groups of the second dump, most goroutines first.
    f2 = INC + '/goroutine-2.txt.gz'
    text = '2 blocking hotspots, most goroutines first\n'
    for i, key in enumerate(sorted((wheel, checker), key=lambda k: -d2[k][0])):
        culprit, kind = key
        n, _, chain = d2[key]
        text += '\n%d. %s  [%s]  %d goroutines\n' % (i + 1, culprit, KIND[kind], n)
        text += '   %s at %s\n' % (KIND[kind], ' -> '.join(chain) if len(chain) > 1 else culprit)
        text += '   - %s: %d goroutines [%s], waiting up to 0 min\n' % (f2, n, KIND[kind])
        text += '   hint: %s\n' % HINT[kind]
    V.expect('blocking-incidents', 'out', text)
    V.expect('blocking-incidents', 'err', '')
    V.expect('blocking-incidents', 'code', '0\n')

    # check: the biggest group against 1000, the worst candidate against
    # medium; the healthy dump's biggest group is its select workers.
    ic, istate, inum = biggest(f2)
    hc, hstate, hnum = biggest(OK + '/goroutine-2.txt.gz')
    assert hnum == h['workers'], 'healthy workers'
    fh = OK + '/goroutine-2.txt.gz'
    out = ''
    out += 'FAIL %s: no pile-up on one stack: biggest group %d > 1000 (%s, %s)\n' % (
        f2, inum, ic, KIND[istate])
    out += ('FAIL %s: no high-severity leak: worst leak candidate high > medium '
            '(high blocked goroutines at %s)\n' % (f2, cands[0][0]))
    out += 'PASS %s: no pile-up on one stack: biggest group %d <= 1000 (%s, %s)\n' % (
        fh, hnum, hc, KIND[hstate])
    out += 'PASS %s: no high-severity leak: no leak candidate\n' % fh
    out += '2 passed, 2 failed\n'
    V.expect('check-leaks', 'out', out)
    V.expect('check-leaks', 'err', '')
    V.expect('check-leaks', 'code', '1\n')
    twins_case()


TWINS = 'testdata/pprof/twins'


def debug1_counts(path):
    """A ?debug=1 goroutine profile's header total and the count of the
    stack whose # lines name main.stuck."""
    text = read(path)
    total = int(re.match(r'goroutine profile: total (\d+)\n', text).group(1))
    stuck = sum(int(re.search(r'^(\d+) @ ', b, re.M).group(1)) for b in re.split(r'\n\s*\n', text)
                if re.search(r'^#\t0x[0-9a-f]+\tmain\.stuck\+', b, re.M))
    return total, stuck


def twins_case():
    """leaks-twins: the files, given newest first, are two moments (their
    name stamps) of two formats each.  The series has one snapshot per
    moment, read from the debug=2 dump and equal to the debug=1 twin's
    header; each debug=1 file is named once, as its dump's twin."""
    with open(os.path.join(V.ROOT, 'tests/golden/cases/leaks-twins.cmd')) as f:
        args = [l for l in f.read().split('\n') if l.startswith('heapscope ')][0].split()[2:]
    c = counts(TWINS)
    stamp = lambda p: re.search(r'goroutine-(\d{8}T\d{6})\.debug[12]\.txt$', p).group(1)
    moments = sorted({stamp(a) for a in args})
    assert moments == [m['stamp'] for m in c['moments']], 'twins: the moments'
    series = []
    for m, want in zip(moments, c['moments']):
        d1 = [a for a in args if stamp(a) == m and a.endswith('.debug1.txt')][0]
        d2 = [a for a in args if stamp(a) == m and a.endswith('.debug2.txt')][0]
        total, stuck = debug1_counts(d1)
        g = groups(d2)
        key = (c['culprit'], c['kind'])
        assert (total, stuck) == (sum(n for n, _, _ in g.values()), g[key][0]), 'twins agree'
        assert (total, stuck) == (want['goroutines'], want['stuck']), 'twins: counts.json'
        series.append(g[key][0])
        created = g[key][1]
    assert len(series) == 2 and series[1] - series[0] >= 10 and series[1] >= 100
    # blocked goroutines in chan send, >= min_high: high; grew: the growth line
    text = ('1 leak candidate\n\nhigh   %s  (blocked goroutines)\n'
            '   - %d goroutines in chan send\n   - created by %s\n'
            '   - count grows across 2 snapshots: %d -> %d\n   hint: %s\n'
            % (c['culprit'], max(series), created, series[0], series[1], HINT['chan send']))
    err = ''
    for a in args:
        if a.endswith('.debug1.txt'):
            d2 = a[:-len('.debug1.txt')] + '.debug2.txt'
            err += ("heapscope: leaks: '%s' and '%s' are one moment (twins): using '%s'\n"
                    % (a, d2, d2))
    V.expect('leaks-twins', 'out', text)
    V.expect('leaks-twins', 'err', err)
    V.expect('leaks-twins', 'code', '0\n')

    # blocking over the folder: the same moments, each counted once (the
    # debug=2 dump's evidence), counts.json not used
    folder = sorted(args, key=os.fsencode)
    ev = [{'file': f, 'source': 'dump', 'goroutines': n, 'snapshots': 1, 'state': c['kind'],
           'wait_minutes': 0} for f, n in zip([a for a in folder if a.endswith('.debug2.txt')], series)]
    hot = {'culprit': c['culprit'], 'kind': c['kind'], 'goroutines': max(series), 'wait_minutes': 0,
           'delay_ns': 0, 'contentions': 0, 'evidence': ev, 'hint': HINT['chan send']}
    got = json.loads(V.golden('blocking-twins-json', 'out'))
    V.checked.add('blocking-twins-json')
    if got.get('hotspots') != [hot]:
        V.problems.append('blocking-twins-json.out: hotspots %s\n  want %s' % (got.get('hotspots'), [hot]))
    err = 'heapscope: blocking: not used: 1 file (1 other file)\n'
    for a in folder:
        if a.endswith('.debug1.txt'):
            d2 = a[:-len('.debug1.txt')] + '.debug2.txt'
            err += ("heapscope: blocking: '%s' and '%s' are one moment (twins): using '%s'\n"
                    % (a, d2, d2))
    V.expect('blocking-twins-json', 'err', err)
    V.expect('blocking-twins-json', 'code', '0\n')
