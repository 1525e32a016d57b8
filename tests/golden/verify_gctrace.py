"""Independent checks of the gctrace-* golden cases.

Imported by verify.py (run(v) with the verify module), never run alone.  It
never runs heapscope.  The expected outputs are rebuilt from the logs
themselves, parsed here with one regular expression after the format the
runtime prints (Go 1.19 runtime/mgc.go, gcMarkTermination), and from what
the generating program counted (testdata/gctrace/*.counts.json: NumGC
must be the number of gc lines, the leak keeps 64 MiB).  The summary rules
(slope, quarters, thresholds) are redone here from include/heapscope/
gctrace.h's description; number formatting from verify_growth's label().
"""
import json
import math
import os
import re

import verify_growth as G

V = None
GC = re.compile(r'gc (\d+) @([\d.]+)s (\d+)%: ([\d.+]+) ms clock, ([\d.+/]+) ms cpu, '
                r'(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?'
                r'(\d+) P( \(forced\))?\s*$')
START = re.compile(r'(^|[^A-Za-z0-9_])gc \d+ @')   # where a gc line begins
MB = 1 << 20


def parse(path, cut=False):
    lines = open(os.path.join(V.ROOT, path), encoding='utf-8').read().split('\n')
    complete_last = lines[-1] == ''
    if complete_last:
        lines = lines[:-1]
    gcs, other = [], 0
    for i, ln in enumerate(lines):
        if START.search(ln) and i == len(lines) - 1 and not complete_last:
            continue                     # the cut last line
        m = GC.search(ln)
        if not m:
            other += 1
            continue
        clock = [float(x) for x in m.group(4).split('+')]
        gcs.append(dict(num=int(m.group(1)), at=float(m.group(2)), cpu=int(m.group(3)),
                        stw=clock[0] + clock[-1], start=int(m.group(6)) * MB,
                        end=int(m.group(7)) * MB, live=int(m.group(8)) * MB,
                        goal=int(m.group(9)) * MB, forced=m.group(13) is not None))
    runs = []
    for g in gcs:
        if not runs or g['num'] != runs[-1][-1]['num'] + 1:
            runs.append([])
        runs[-1].append(g)
    return dict(lines=len(lines), other=other, runs=runs, gcs=len(gcs),
                cut=not complete_last and bool(START.search(lines[-1])))


def summary(run, limit):
    n = len(run)
    t0 = run[0]['at']
    x = [(g['at'] - t0) / 60 for g in run]
    live = [g['live'] for g in run]
    s = G.slope(x, live)
    q = max(n // 4, 1)
    head = sum(live[:q]) / q
    tail = sum(live[-q:]) / q
    stws = [g['stw'] for g in run]
    imax = max(range(n), key=lambda i: (stws[i], -i))
    span = run[-1]['at'] - t0
    r = dict(gcs=n, forced=sum(g['forced'] for g in run), start_s=t0, end_s=run[-1]['at'],
             gcs_per_min=(n - 1) / (span / 60) if span > 0 else 0,
             gc_cpu_percent=run[-1]['cpu'], live_first=live[0], live_last=live[-1],
             live_max=max(live), heap_max=max(max(g['start'], g['end']) for g in run),
             goal_last=run[-1]['goal'], live_slope_per_min=s,
             live_monotonic=sum(b >= a for a, b in zip(live, live[1:])) / (n - 1) if n > 1 else 1,
             stw_total_ms=sum(stws), stw_max_ms=stws[imax], stw_max_gc=run[imax]['num'],
             first_gc=run[0]['num'], last_gc=run[-1]['num'])
    r['leak_suspect'] = n >= 5 and s > 0 and tail >= 1.5 * head and tail - head >= 4 * MB
    r['gc_thrash'] = r['gc_cpu_percent'] >= 25
    r['long_pause'] = r['stw_max_ms'] >= 100
    if limit:
        r['minutes_to_limit'] = G.minutes_to(live[-1], s, limit)
    return r


def close(a, b):
    if isinstance(b, bool) or isinstance(b, int):
        return a == b
    if b is None or math.isinf(b) or math.isnan(b):
        return a is None
    return a is not None and math.isclose(a, b, rel_tol=2e-5, abs_tol=1e-9)


def json_case(name, path, limit=None):
    log = parse(path)
    got = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    bad = []
    head = dict(file=path, gcs=log['gcs'], lines=log['lines'], other_lines=log['other'],
                cut_last_line=log['cut'], limit=limit)
    bad += [k for k, v in head.items() if got.get(k) != v]
    if len(got['runs']) != len(log['runs']):
        bad.append('runs')
    for gr, run in zip(got['runs'], log['runs']):
        want = summary(run, limit)
        bad += ['%s %r != %r' % (k, gr.get(k), v) for k, v in want.items() if not close(gr.get(k), v)]
    if bad:
        V.problems.append('%s.out: differs from the log in %s' % (name, bad))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')
    return log


def counts_agree(name, mode, log):
    """What the program counted: a gc line per NumGC; the leak keeps 64 MiB
    and is the only one flagged."""
    c = json.load(open(os.path.join(V.ROOT, 'testdata', 'gctrace', mode + '.counts.json')))
    got = json.loads(V.golden(name, 'out'))
    run = got['runs'][-1]
    ok = log['gcs'] == c['num_gc'] == got['gcs'] and len(log['runs']) == 1
    if mode == 'leak':
        ok &= run['leak_suspect'] and run['live_last'] // MB in (c['kept_bytes'] // MB, c['kept_bytes'] // MB + 1)
    else:
        ok &= not run['leak_suspect'] and c['kept_bytes'] == 0
    if not ok:
        V.problems.append('%s: disagrees with testdata/gctrace/%s.counts.json' % (name, mode))


def spark(run):
    live = [g['live'] for g in run]
    k = min(len(live), 40)
    pts = [max(live[len(live) * b // k:len(live) * (b + 1) // k]) for b in range(k)]
    return G.spark(pts)


def minutes_label(m):
    if math.isinf(m):
        return 'never at this slope'
    if m <= 0:
        return 'already'
    if m < 120:
        c = math.ceil(m)
        return 'in ~%d minute%s' % (c, '' if c == 1 else 's')
    return 'in ~%.0f hours' % round(m / 60)


def text_case(name, path, limit):
    log = parse(path)
    L = G.label
    out = ['GC trace: %s, %d GC%s in %d run%s (%d other lines%s)'
           % (path, log['gcs'], '' if log['gcs'] == 1 else 's', len(log['runs']),
              '' if len(log['runs']) == 1 else 's', log['other'],
              ', the last line cut' if log['cut'] else '')]
    sums = [summary(r, limit) for r in log['runs']]
    verdicts = []
    for i, r in enumerate(sums):
        if r['leak_suspect']:
            verdicts.append("Leak suspect: run %d's live heap grows %s (%s -> %s over %d GCs)"
                            % (i + 1, G.slope_label(r['live_slope_per_min']), L(r['live_first']),
                               L(r['live_last']), r['gcs']))
        if r['gc_thrash']:
            verdicts.append('GC thrash: run %d spends %d%% of its CPU in GC' % (i + 1, r['gc_cpu_percent']))
        if r['long_pause']:
            verdicts.append('Long pause: run %d stopped the world for %.3fms (gc %d)'
                            % (i + 1, r['stw_max_ms'], r['stw_max_gc']))
    out += verdicts or ['No leak suspect, GC thrash or long pause']
    for i, (r, run) in enumerate(zip(sums, log['runs'])):
        out.append('Run %d: gc %d to %d, %.3fs to %.3fs after start, %d GCs (%.1f/min), %d forced'
                   % (i + 1, r['first_gc'], r['last_gc'], r['start_s'], r['end_s'], r['gcs'],
                      r['gcs_per_min'], r['forced']))
        out.append('  live heap    %s -> %s (max %s), %s, monotonic %.2f %s%s'
                   % (L(r['live_first']), L(r['live_last']), L(r['live_max']),
                      G.slope_label(r['live_slope_per_min']), r['live_monotonic'], spark(run),
                      '  LEAK SUSPECT' if r['leak_suspect'] else ''))
        out.append('  heap         max %s, goal %s at the last GC' % (L(r['heap_max']), L(r['goal_last'])))
        out.append('  GC CPU       %d%% of all CPU since the start, at the last GC%s'
                   % (r['gc_cpu_percent'], '  GC THRASH' if r['gc_thrash'] else ''))
        out.append('  STW pauses   total %.3fms, max %.3fms (gc %d)%s'
                   % (r['stw_total_ms'], r['stw_max_ms'], r['stw_max_gc'],
                      '  LONG PAUSE' if r['long_pause'] else ''))
        if limit:
            out.append('  limit        the live heap reaches %s %s'
                       % (L(limit), minutes_label(r['minutes_to_limit'])))
    V.expect(name, 'out', '\n'.join(out) + '\n')
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def error_case(name, err):
    V.refused(name, err)


def growth_cases():
    """growth-gctrace(-json): growth-heap's series (verified) with the log's
    last run, summed up here, on one line after the total; in JSON its
    numbers in bytes."""
    log = 'testdata/gctrace/leak.log'
    r = summary(parse(log)['runs'][-1], None)
    L = G.label
    line = 'gctrace %s: live heap %s -> %s (max %s) over %d GCs, %s, GC CPU %d%%%s\n' % (
        log, L(r['live_first']), L(r['live_last']), L(r['live_max']), r['gcs'],
        G.slope_label(r['live_slope_per_min']), r['gc_cpu_percent'],
        '  LEAK SUSPECT' if r['leak_suspect'] else '')
    assert 'growth-heap' in V.checked
    want = ''.join(ln + (line if ln.startswith('Total: ') else '')
                   for ln in V.golden('growth-heap', 'out').splitlines(keepends=True))
    V.expect('growth-gctrace', 'out', want)
    V.expect('growth-gctrace', 'err', '')
    V.expect('growth-gctrace', 'code', '0\n')
    got = json.loads(V.golden('growth-gctrace-json', 'out'))
    V.checked.add('growth-gctrace-json')
    gc = got.get('gctrace', [{}])[0]
    want = dict(file=log, gcs=r['gcs'], live_first=r['live_first'], live_last=r['live_last'],
                live_max=r['live_max'], cpu_percent=r['gc_cpu_percent'],
                leak_suspect=r['leak_suspect'])
    base = json.loads(V.golden('growth-heap-json', 'out'))
    if any(gc.get(k) != v for k, v in want.items()) or \
            not close(gc.get('slope_per_min'), r['live_slope_per_min']) or \
            {k: v for k, v in got.items() if k not in ('gctrace', 'inputs')} != \
            {k: v for k, v in base.items() if k != 'inputs'}:
        V.problems.append('growth-gctrace-json.out: gctrace %s, want %s and growth-heap-json' % (gc, want))
    V.expect('growth-gctrace-json', 'err', '')
    V.expect('growth-gctrace-json', 'code', '0\n')


def leaks_cases():
    """leaks-gctrace: the leak log alone is a medium heap growth candidate
    with its run's numbers (summed up here); leaks-gctrace-healthy: the
    verified leaks-healthy report plus the steady log's live heap."""
    L = G.label
    log = 'testdata/gctrace/leak.log'
    r = summary(parse(log)['runs'][-1], None)
    assert r['leak_suspect']
    hint = [ln for ln in V.golden('leaks-heap-growth', 'out').splitlines() if 'hint:' in ln][0]
    # heap growth is medium confidence at least (leaks.h); the mechanism
    # sentence and the evidence: the log's first and last GC's live heap
    V.expect('leaks-gctrace', 'out',
             '1 leak candidate\n\nmedium live heap (gctrace)  (heap growth, confidence medium)\n'
             '   retention: the live heap the GC finds grows %s/min over %d GCs; a heap profile '
             'would name what keeps it\n'
             '   - live heap %s -> %s over %d GCs (%s), no heap profile\n'
             '   - %s, %.0f%% of steps grew\n'
             '   - %s: live heap %s at its first GC\n   - %s: live heap %s at its last GC\n%s\n'
             % (L(round(r['live_slope_per_min'])), r['gcs'],
                L(r['live_first']), L(r['live_last']), r['gcs'], log,
                G.slope_label(r['live_slope_per_min']), 100 * r['live_monotonic'],
                log, L(r['live_first']), log, L(r['live_last']), hint))
    V.expect('leaks-gctrace', 'err', '')
    V.expect('leaks-gctrace', 'code', '0\n')
    log = 'testdata/gctrace/steady.log'
    r = summary(parse(log)['runs'][-1], None)
    assert not r['leak_suspect'] and 'leaks-healthy' in V.checked
    V.expect('leaks-gctrace-healthy', 'out', V.golden('leaks-healthy', 'out') +
             '   live heap (gctrace %s): %s -> %s over %d GCs, %s, GC CPU %d%%\n'
             % (log, L(r['live_first']), L(r['live_last']), r['gcs'],
                G.slope_label(r['live_slope_per_min']), r['gc_cpu_percent']))
    V.expect('leaks-gctrace-healthy', 'err', '')
    V.expect('leaks-gctrace-healthy', 'code', '0\n')


def run(v):
    global V
    V = v
    G.V = v
    growth_cases()
    leaks_cases()
    text_case('gctrace-leak', 'testdata/gctrace/leak.log', 1 << 30)
    counts_agree('gctrace-leak-json', 'leak',
                 json_case('gctrace-leak-json', 'testdata/gctrace/leak.log', 1 << 30))
    counts_agree('gctrace-steady-json', 'steady',
                 json_case('gctrace-steady-json', 'testdata/gctrace/steady.log'))
    json_case('gctrace-cut-json', 'testdata/gctrace/bad/cut.log')
    # The defect placed by hand: line 2, the live heap 'x' where digits go.
    p = 'testdata/gctrace/bad/bad-number.log'
    ln = open(os.path.join(V.ROOT, p)).read().split('\n')[1]
    error_case('gctrace-bad-number', "heapscope: gctrace: '%s': gctrace line: expected "
               "'START->END->LIVE MB, ' (line 2:%d)\n" % (p, ln.index('->x MB') + 3))
    p = 'testdata/pprof/goroutine-debug1.txt'
    text = open(os.path.join(V.ROOT, p)).read()
    nlines = len(text.split('\n')) - text.endswith('\n')
    error_case('gctrace-not-log', "heapscope: gctrace: '%s': no 'gc N @...' line in %d "
               "lines: not a GODEBUG=gctrace=1 log\n" % (p, nlines))
    error_case('gctrace-top-refused', "heapscope: top: 'testdata/gctrace/leak.log': not a "
               "profile heapscope reads (looks like a GODEBUG=gctrace=1 log (read it with "
               "heapscope gctrace)) (at byte 0)\n")
