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

import dumps

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
    """(culprit, state) -> [count, created_by, chain, entry] for the
    goroutines of a dump; entry: the culprit is the goroutine's outermost
    frame (the dump lists no runtime.goexit), where idle.h looks for a
    worker loop."""
    out = {}
    for state, funcs, created in dumps.goroutines(read(path)):
        culprit, chain = culprit_of(funcs)
        g = out.setdefault((culprit, state), [0, created, chain, bool(funcs) and funcs[-1] == culprit,
                                              funcs])
        g[0] += 1
    return out


def counts(d):
    with open(os.path.join(V.ROOT, d, 'counts.json')) as f:
        return json.load(f)


def biggest(path):
    g = groups(path)
    (culprit, state), (n, _, _, _, _) = max(g.items(), key=lambda kv: kv[1][0])
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
    #
    # leaks.h's rules written out again: confidence from the series (never
    # falling and up by 10: grows; over 3 snapshots rising twice: high;
    # grows: medium; else low, the waits being 0 minutes); the mechanism:
    # a channel wait is a goroutine leak; a select or receive at the
    # goroutine's entry (a worker loop's shape, idle.h) that grew, started
    # by a function other than main.main, is one per call of its creator,
    # the rest "started at" it.
    def cand(key):
        culprit, kind = key
        n, created, chain, entry, _ = d2[key]
        series = [d1[key][0], n]
        grow = all(b >= a for a, b in zip(series, series[1:])) and series[-1] - series[0] >= 10
        rises = sum(b > a for a, b in zip(series, series[1:]))
        conf = 'high' if grow and len(series) >= 3 and rises >= 2 else 'medium' if grow else 'low'
        loop = entry and kind in ('select', 'chan receive')
        # a loop's shape, grown, from a creator other than main.main: one per
        # call of it; else where it was started
        per_call = loop and grow and created != 'main.main'
        origin = ('one per call of %s' if per_call else 'started at %s') % created
        grew = ', grew %d -> %d' % (series[0], n) if grow else ''
        mech = ('goroutine leak', 'goroutine leak: %d goroutines in %s%s, %s'
                % (n, KIND[kind], grew, origin))
        ev = ['at ' + ' -> '.join(chain)] if len(chain) > 1 else []
        ev += ['%d goroutines in %s' % (n, KIND[kind]), 'created by %s' % created]
        if grow:
            ev.append('count grows across 2 snapshots: %d -> %d' % (series[0], n))
        ev += ['%s/goroutine-%d.txt.gz: %d goroutines' % (INC, i + 1, c) for i, c in enumerate(series)]
        return culprit, kind, n, ev, created, grow, key, chain, conf, mech, loop

    # counts.json: the wheel grew, the checkers did not
    assert c['wheel']['dump2'] - c['wheel']['dump1'] >= 10
    cands = [cand(wheel), cand(checker)]
    text = '%d leak candidates\n' % len(cands)
    js = []
    for culprit, kind, n, ev, created, grow, key, chain, conf, mech, loop in cands:
        text += '\nhigh   %s  (blocked goroutines, confidence %s)\n' % (culprit, conf)
        text += '   %s\n' % mech[1]
        text += ''.join('   - %s\n' % e for e in ev)
        text += '   hint: %s\n' % HINT[kind]
        # JSON: the same facts as records, one per dump (the dumps hold no
        # "dump" label: 0), the wait and state the dump names.
        js.append({'severity': 'high', 'kind': 'blocked goroutines', 'confidence': conf,
                   'mechanism': mech[0], 'mechanism_text': mech[1], 'culprit': culprit,
                   'follows': '',   # no heap growth: nothing follows from a group
                   **({'chain': chain} if len(chain) > 1 else {}), 'weight': n,
                   'evidence': [{'file': INC + '/goroutine-%d.txt.gz' % i, 'dump': 0, 'goroutines': d[key][0]}
                                for i, d in ((1, d1), (2, d2))],
                   'hint': HINT[kind], 'wait': KIND[kind], 'state': kind, 'created_by': created,
                   # no input shows who calls the creator: no callers
                   'created_by_callers': [], 'created_by_callers_file': '', 'per_request': False,
                   'idle_shape': 'worker loop' if loop else '',
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
    tot1 = sum(g[0] for g in d1.values())
    tot2 = sum(g[0] for g in d2.values())
    assert tot2 == c['goroutines_at_dump2'], 'incident total'
    big = max(list(d1.items()) + list(d2.items()), key=lambda kv: kv[1][0])
    summary = {'goroutine_snapshots': 2, 'goroutines_first': tot1, 'goroutines_last': tot2,
               'goroutines_max': max(tot1, tot2), 'biggest_group': big[1][0],
               'biggest_group_culprit': big[0][0], 'biggest_group_state': big[0][1],
               # the biggest group is the wheel, a suspect (it grew): not idle
               'biggest_group_idle': '', 'goroutines_flat': tot1 == tot2,
               'heap_snapshots': 0, 'heap_first_bytes': 0, 'heap_last_bytes': 0, 'heap_span_ns': 0}
    # The healthy control: no candidate, and the numbers say why (the
    # workers' select group is the biggest; counts.json: 4 workers, 6
    # goroutines in each dump).
    # The workers wait in a select at their goroutine's entry: a worker
    # loop (idle.h), 4 < 1000 and flat: idle.  Both dumps hold 6: flat.
    h1, h2 = groups(OK + '/goroutine-1.txt.gz'), groups(OK + '/goroutine-2.txt.gz')
    hbig = max(h2.items(), key=lambda kv: kv[1][0])
    assert hbig[1][0] == h['workers'] and sum(g[0] for g in h2.values()) == h['goroutines_at_dump2']
    assert hbig[1][3] and hbig[0][1] == 'select' and h1[hbig[0]][0] == h['workers']
    assert sum(g[0] for g in h1.values()) == h['goroutines_at_dump2']
    healthy = ('0 leak candidates\nNo leak signal.\n   goroutines: flat at %d over 2 snapshots; '
               'biggest wait group %d in %s at %s, idle: worker loop\n'
               % (h['goroutines_at_dump2'], h['workers'], hbig[0][1], hbig[0][0]))
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
    # the wheel is a worker loop's shape but 2000 >= 1000: no longer idle
    assert d2[wheel][0] >= 1000 and d2[wheel][3]
    for i, key in enumerate(sorted((wheel, checker), key=lambda k: -d2[k][0])):
        culprit, kind = key
        n, _, chain, _, _ = d2[key]
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
    healthy_blocking_case()
    V.checked.add('leaks-healthy-dir')
    hb = goroutine_pb(OK + '/goroutine.pb.gz')
    assert sum(n for n, _ in hb) == h['goroutines_at_dump2']
    V.expect('leaks-healthy-dir', 'out', healthy.replace('over 2 snapshots', 'over 3 snapshots'))
    V.expect('leaks-healthy-dir', 'err', 'heapscope: leaks: not used: 3 files (2 contention '
             '(block or mutex) profiles, 1 other file)\n')
    V.expect('leaks-healthy-dir', 'code', '0\n')
    trace_case()
    creators_cases()


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
    series, used = [], []
    for m, want in zip(moments, c['moments']):
        d1 = [a for a in args if stamp(a) == m and a.endswith('.debug1.txt')][0]
        d2 = [a for a in args if stamp(a) == m and a.endswith('.debug2.txt')][0]
        total, stuck = debug1_counts(d1)
        g = groups(d2)
        key = (c['culprit'], c['kind'])
        assert (total, stuck) == (sum(x[0] for x in g.values()), g[key][0]), 'twins agree'
        assert (total, stuck) == (want['goroutines'], want['stuck']), 'twins: counts.json'
        series.append(g[key][0])
        used.append(d2)
        created = g[key][1]
    assert len(series) == 2 and series[1] - series[0] >= 10 and series[1] >= 100
    # blocked goroutines in chan send, >= min_high: high; grew over two
    # snapshots: confidence medium; a goroutine leak growing at the rate the
    # name stamps give (UTC), started at its creator; the evidence file by
    # file (the debug=2 dumps used)
    import calendar
    import time
    secs = [calendar.timegm(time.strptime(m, '%Y%m%dT%H%M%S')) for m in moments]
    rate = (series[1] - series[0]) * 60.0 / (secs[1] - secs[0])
    text = ('1 leak candidate\n\nhigh   %s  (blocked goroutines, confidence medium)\n'
            '   goroutine leak: %d goroutines in chan send, growing %.0f/min, started at %s\n'
            '   - %d goroutines in chan send\n   - created by %s\n'
            '   - count grows across 2 snapshots: %d -> %d\n'
            % (c['culprit'], max(series), rate, created, max(series), created, series[0], series[1]))
    text += ''.join('   - %s: %d goroutines\n' % (f, n) for f, n in zip(used, series))
    text += '   hint: %s\n' % HINT['chan send']
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
           'delay_ns': 0, 'contentions': 0, 'evidence': ev, 'idle': '', 'hint': HINT['chan send']}
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

# ---- idle waits (idle.h), written out again -------------------------------

HEALTHY_FILES = ['goroutine-1.txt.gz', 'goroutine-2.txt.gz', 'goroutine.pb.gz', 'block.pb.gz',
                 'mutex.pb.gz']
IDLE_HINT = {
    'worker loop': 'a long-lived loop waiting for work or a tick (a worker pool, a ticker): '
                   'normal while its count stays flat',
    'accept': 'an accept loop waiting for the next connection: normal',
}
WAIT_HINT = {
    'mutex': 'waiting for a sync.Mutex: a long critical section or a lock held across I/O',
    'waitgroup': 'waiting in WaitGroup.Wait: a worker did not call Done, or is itself blocked',
}
HOLDING_HINT = ("the holder's side (mutex profile): others waited this long for it to unlock; "
                "what runs between its Lock and Unlock is the cost")


def raw_samples(path):
    """(values by type, frames leaf first) of each sample of pprof -raw."""
    return V.raw_sample_frames(path)


def goroutine_pb(path):
    """(count, frames) per sample of a goroutine profile."""
    _, samples = raw_samples(path)
    return [(vals[0], frames) for vals, frames in samples]


def idle_class(kind, frames):
    """idle.h's classes this data can show: an accept loop (a network wait
    with a standard Accept/accept frame), a worker loop (a select or
    receive whose user frame is the outermost frame, runtime.goexit
    aside)."""
    fs = [f for f in frames if f != 'runtime.goexit']
    user = [f for f in fs if not f.startswith(PLUMBING)]
    if kind == 'network' and any(re.search(r'\.(Accept|accept)$', f) for f in fs):
        return 'accept'
    if kind in ('select', 'chan receive') and user and fs and fs[-1] == user[0]:
        return 'worker loop'
    return ''


PLUMBING = ('runtime.', 'runtime/', 'internal/', 'sync.', 'sync/atomic.', 'syscall.', 'time.',
            'net.', 'os.', 'io.', 'bufio.', 'reflect.')


def culprit_or_user(frames):
    """The innermost main frame, else blocking.h's user frame: the first
    outside its plumbing list (written out above)."""
    culprit, chain = culprit_of(frames)
    if culprit.startswith('main.'):
        return culprit
    return next((f for f in frames if not f.startswith(PLUMBING)), frames[0])


def frame_kind(frames):
    for f in frames:
        if f == 'runtime.selectgo':
            return 'select'
        if f.startswith('sync.(*Mutex).'):
            return 'mutex'
        if f == 'sync.(*WaitGroup).Wait':
            return 'waitgroup'
        if f.startswith('internal/poll.'):
            return 'network'
    return 'other'


def healthy_blocking_case():
    """blocking on every file of the healthy control.  Contention (block and
    mutex profiles, pprof -raw summed by the innermost main frame, the
    kind and side its frames show) ranks first; the goroutines waiting
    (the dumps read here, goroutine.pb.gz by -raw) and the block profile's
    ticks are idle and come after, each with its class's hint, none with
    the select's "never exits" hint.  counts.json: 4 workers."""
    h = counts(OK)
    hot = {}
    for name in ('block.pb.gz', 'mutex.pb.gz'):
        types, samples = raw_samples(OK + '/' + name)
        ci, di = types.index('contentions'), types.index('delay')
        for vals, frames in samples:
            culprit = culprit_or_user(frames)
            kind = frame_kind(frames)
            side = 'holding' if any(f.endswith(').Unlock') for f in frames) else 'waiting'
            e = hot.setdefault((culprit, kind, side), {'goroutines': 0, 'contentions': 0,
                                                       'delay_ns': 0, 'idle': idle_class(kind, frames)})
            e['contentions'] += vals[ci]
            e['delay_ns'] += vals[di]
    waits = {}
    for name in HEALTHY_FILES[:2]:
        for (_, state), (n, _, _, _, funcs) in groups(OK + '/' + name).items():
            if state == 'running':
                continue
            culprit = culprit_or_user(funcs)
            kind = {'select': 'select', 'IO wait': 'network'}[state]
            k = (culprit, kind, '')
            waits.setdefault(k, [0, idle_class(kind, funcs)])
            waits[k][0] = max(waits[k][0], n)
    for n, frames in goroutine_pb(OK + '/goroutine.pb.gz'):
        kind = frame_kind(frames)
        if kind == 'other':   # running (the profile's writer)
            continue
        k = (culprit_or_user(frames), kind, '')
        assert waits[k][0] == n and waits[k][1] == idle_class(kind, frames), k
    for k, (n, idle) in waits.items():
        hot[k] = {'goroutines': n, 'contentions': 0, 'delay_ns': 0, 'idle': idle}
    assert waits[('main.worker', 'select', '')][0] == h['workers']
    rank = lambda kv: (kv[1]['idle'] != '', -kv[1]['goroutines'], -kv[1]['delay_ns'],
                       -kv[1]['contentions'], kv[0][0])
    want = []
    for (culprit, kind, side), e in sorted(hot.items(), key=rank):
        hint = IDLE_HINT[e['idle']] if e['idle'] else HOLDING_HINT if side == 'holding' \
            else WAIT_HINT[kind]
        want.append((culprit, kind, side, e['goroutines'], e['contentions'], e['delay_ns'],
                     e['idle'], hint))
    V.checked.add('blocking-healthy-json')
    got = json.loads(V.golden('blocking-healthy-json', 'out'))['hotspots']
    have = [(x['culprit'], x['kind'], x.get('side', ''), x['goroutines'], x['contentions'],
             x['delay_ns'], x['idle'], x['hint']) for x in got]
    if have != want:
        V.problems.append('blocking-healthy-json: %s, want %s' % (have, want))
    if any('never exits' in x['hint'] for x in got if x['idle']):
        V.problems.append('blocking-healthy-json: an idle wait with a "never exits" hint')
    # the text: the same hotspots in the same order, the busy ones counted
    # in the header, the idle ones under their own heading with their class
    V.checked.add('blocking-healthy')
    text = V.golden('blocking-healthy', 'out')
    busy = [w for w in want if not w[6]]
    idle = [w for w in want if w[6]]
    heads = re.findall(r'^(\d+)\. (\S+)  \[([^\]]+)\]  .*?(?:  \(idle: ([^)]*)\))?$', text, re.M)
    exp = [(str(i + 1), w[0], w[1] + (', ' + w[2] if w[2] else ''), w[6])
           for i, w in enumerate(busy + idle)]
    hints = re.findall(r'^   hint: (.*)$', text, re.M)
    if not text.startswith('%d blocking hotspots, most goroutines first\n' % len(busy)) or \
            '\n%d idle waits, normal in a long-lived service (listed apart)\n' % len(idle) not in text or \
            heads != exp or hints != [w[7] for w in busy + idle]:
        V.problems.append('blocking-healthy: headings %s, want %s; hints %s' % (heads, exp, hints))
    for name in ('blocking-healthy', 'blocking-healthy-json'):
        V.expect(name, 'err', 'heapscope: blocking: not used: 1 file (1 other file)\n')
        V.expect(name, 'code', '0\n')


def trace_case():
    """leaks on testdata/trace/leak.trace: 40 goroutines left in a select at
    their entry (a worker loop's shape) by a go statement whose other
    goroutines returned (leak.counts.json: created 300, ended 260, alive
    40), so no pool: a candidate, medium (10 <= 40 < 100), one snapshot:
    confidence low, a goroutine leak.  Who calls the go statement comes
    from its creation stack; the program's source says spawnLeaky holds
    `go leakyWorker`, run calls spawnLeaky, main calls run."""
    with open(os.path.join(V.ROOT, 'testdata/trace/leak.counts.json')) as f:
        c = json.load(f)
    with open(os.path.join(V.ROOT, 'testdata/gen/trace/main.go')) as f:
        src = f.read()

    def body(fn):
        m = re.search(r'^func %s\(.*?^}' % fn, src, re.M | re.S)
        return m.group(0)
    site = c['site'][len('main.'):]
    assert re.search(r'\bgo %s\(' % site, body('spawnLeaky'))
    assert re.search(r'\bspawnLeaky\(', body('run')) and re.search(r'\brun\(', body('main'))
    assert re.search(r'^\tselect \{', body(site), re.M), 'the select at its entry'
    assert c['created'] - c['ended'] == c['alive'] and 10 <= c['alive'] < 100 and c['ended'] > 0
    chain = 'main.main -> main.run -> main.spawnLeaky'
    f = 'testdata/trace/leak.trace'
    text = ('1 leak candidate\n\nmedium %s  (blocked goroutines, confidence low)\n'
            '   goroutine leak: %d goroutines in select, %d of the %d its go statement started '
            'returned, started at %s\n'
            '   - %d goroutines in select\n'
            '   - created by main.spawnLeaky, called as %s (%s)\n'
            '   - %s: %d goroutines\n'
            '   hint: %s\n' % (c['site'], c['alive'], c['ended'], c['created'], chain, c['alive'],
                               chain, f, f, c['alive'], HINT['select']))
    V.expect('leaks-trace', 'out', text)
    V.expect('leaks-trace', 'err', '')
    V.expect('leaks-trace', 'code', '0\n')


CRE = 'testdata/pprof/creators'


def heap_callers(path, creator):
    """From pprof -raw of a heap profile: the own (main.) frames calling
    `creator` on the first sample stack holding it with a caller, outermost
    first and ending with it, and whether net/http lies above them."""
    _, samples = raw_samples(path)
    for vals, frames in samples:
        if creator in frames[:-1]:
            i = frames.index(creator)
            j = i + 1
            while j < len(frames) and frames[j].startswith('main.'):
                j += 1
            if j > i + 1:
                return frames[i:j][::-1], any(f.startswith('net/http.') for f in frames[j:])
    return [], False


def creators_cases():
    """testdata/pprof/creators (testdata/gen/creators): an expiry loop per
    request.  The dumps hold counts.json's loops at each moment, created by
    startExpiry, the loop's select at its goroutine's entry (a worker loop's
    shape that grew 150 -> 400: a suspect); the heap profile's stacks give
    startExpiry's own callers (counts.json's) under net/http: one per
    request, a goroutine leak (leaks.h).  Two snapshots, grown: medium
    confidence; 400 >= 100 in select: high.  The fixed pool (8 workers on a
    receive at their entry) and the accept loop are idle in blocking."""
    with open(os.path.join(V.ROOT, CRE, 'counts.json')) as f:
        c = json.load(f)
    files = [CRE + '/goroutine-1.txt.gz', CRE + '/goroutine-2.txt.gz']
    ds = [groups(f) for f in files]
    key = (c['culprit'], c['kind'])
    series = [d[key][0] for d in ds]
    assert series == [c['requests']['dump1'], c['requests']['dump2']], series
    assert all(d[key][1] == c['created_by'] and d[key][3] for d in ds)
    callers, under_http = heap_callers(CRE + '/heap.pb.gz', c['created_by'])
    assert callers == c['callers'] and under_http, (callers, under_http)
    chain = ' -> '.join(callers)
    n = series[-1]
    mech = ('goroutine leak: %d goroutines in select, grew %d -> %d, one per request, one per '
            'call of %s' % (n, series[0], n, chain))
    text = ('1 leak candidate\n\nhigh   %s  (blocked goroutines, confidence medium)\n   %s\n'
            '   - %d goroutines in select\n   - created by %s, called as %s (%s)\n'
            '   - count grows across 2 snapshots: %d -> %d\n'
            % (c['culprit'], mech, n, c['created_by'], chain, CRE + '/heap.pb.gz', series[0], n))
    text += ''.join('   - %s: %d goroutines\n' % (f, x) for f, x in zip(files, series))
    text += '   hint: %s\n' % HINT['select']
    not_used = 'heapscope: leaks: not used: 1 file (1 other file)\n'
    V.expect('leaks-creators', 'out', text)
    V.expect('leaks-creators', 'err', not_used)
    V.expect('leaks-creators', 'code', '0\n')
    # JSON: the same as fields; the summary from the dumps' goroutines and
    # the heap profile's in-use total (pprof -raw)
    types, samples = raw_samples(CRE + '/heap.pb.gz')
    heap = sum(v[types.index('inuse_space')] for v, _ in samples)
    tots = [sum(g[0] for g in d.values()) for d in ds]
    big = max(ds[-1].items(), key=lambda kv: kv[1][0])
    assert big[0] == key
    want = {'verdict': 'candidates', 'candidates': [{
        'severity': 'high', 'kind': 'blocked goroutines', 'confidence': 'medium',
        'mechanism': 'goroutine leak', 'mechanism_text': mech, 'culprit': c['culprit'],
        'follows': '',
        'weight': n,
        'evidence': [{'file': f, 'dump': 0, 'goroutines': x} for f, x in zip(files, series)],
        'hint': HINT['select'], 'wait': 'select', 'state': 'select', 'created_by': c['created_by'],
        'created_by_callers': callers, 'created_by_callers_file': CRE + '/heap.pb.gz',
        'per_request': True, 'idle_shape': 'worker loop', 'goroutines': n,
        'wait_minutes_min': 0, 'wait_minutes_max': 0, 'grows': True, 'snapshots': 2}],
        'summary': {'goroutine_snapshots': 2, 'goroutines_first': tots[0],
                    'goroutines_last': tots[1], 'goroutines_max': max(tots), 'biggest_group': n,
                    'biggest_group_culprit': c['culprit'], 'biggest_group_state': 'select',
                    'biggest_group_idle': '', 'goroutines_flat': False, 'heap_snapshots': 1,
                    'heap_first_bytes': heap, 'heap_last_bytes': heap, 'heap_span_ns': 0}}
    V.checked.add('leaks-creators-json')
    got = json.loads(V.golden('leaks-creators-json', 'out'))
    got.pop('inputs', None)   # verify_inputs.py's to check
    if got != want:
        V.problems.append('leaks-creators-json: %s, want %s' % (got, want))
    V.expect('leaks-creators-json', 'err', not_used)
    V.expect('leaks-creators-json', 'code', '0\n')
    # blocking over both dumps: the loops grew (a suspect), the pool and the
    # accept loop stay idle, ranked after it
    rows = []
    for (cul, state) in ds[-1]:
        if state == 'running':
            continue
        g = [d[(cul, state)] for d in ds]
        kind = {'select': 'select', 'chan receive': 'chan receive', 'IO wait': 'network'}[state]
        user = culprit_or_user(g[-1][4])
        counts_ = [x[0] for x in g]
        grew = all(b >= a for a, b in zip(counts_, counts_[1:])) and counts_[-1] - counts_[0] >= 10
        cls = idle_class(kind, g[-1][4]) if not grew and max(counts_) < 1000 else ''
        rows.append((cls != '', -max(counts_), user, kind, state, counts_, cls))
    rows.sort()
    busy = sum(1 for r in rows if not r[0])
    assert busy == 1 and rows[0][2] == c['culprit'] and \
        [r[6] for r in rows[1:]] == ['worker loop', 'accept'] and -rows[1][1] == c['workers']
    out = '%d blocking hotspot%s, most goroutines first\n' % (busy, '' if busy == 1 else 's')
    for i, (idle, _, user, kind, state, counts_, cls) in enumerate(rows):
        if i == busy:
            out += '\n%d idle waits, normal in a long-lived service (listed apart)\n' % (len(rows) - busy)
        m = max(counts_)
        out += '\n%d. %s  [%s]  %d goroutine%s%s\n' % (i + 1, user, kind, m, '' if m == 1 else 's',
                                                      '  (idle: %s)' % cls if cls else '')
        out += '   %s at %s\n' % (kind, user)
        out += ''.join('   - %s: %d goroutine%s [%s], waiting up to 0 min\n'
                       % (f, x, '' if x == 1 else 's', state) for f, x in zip(files, counts_))
        out += '   hint: %s\n' % (IDLE_HINT[cls] if cls else HINT[kind])
    V.expect('blocking-creators', 'out', out)
    V.expect('blocking-creators', 'err', '')
    V.expect('blocking-creators', 'code', '0\n')
