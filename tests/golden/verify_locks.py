"""Independent checks of the blocking-locks* cases and of the lock_sites of
blocking-lock-sides (heapscope blocking's lock sites).

Imported by verify.py (run(v) with the verify module), never run alone; it
never runs heapscope.  The lock sites are rebuilt here from:

  - `go tool pprof -raw` of the block, mutex and CPU profiles (frames with
    their lines), and the `-top -cum` figure of the function the program
    runs under its write lock;
  - the debug=2 goroutine dump, read with a few lines of Python;
  - testdata/pprof/locks/counts.json, what the generating program
    (testdata/gen/locks) knows: its reader goroutines, the reader and writer
    functions, what runs under the lock, the second, separate lock site;
  - the rule of include/heapscope/blocking.h ("lock sites"), written out
    again below: the lock operation is the outermost sync.(*Mutex)/
    (*RWMutex) Lock/RLock/Unlock/RUnlock frame of the leading runtime./sync.
    run; its function the innermost own frame (package main) above it; the
    site that function's receiver type, else its package; a holder's
    critical section the lines strictly between its lock and unlock calls.
"""
import json
import os
import re

V = None
LOCKS = 'testdata/pprof/locks'
INC = 'testdata/pprof/incidents'
OPS = ['Lock', 'RLock', 'Unlock', 'RUnlock']


def raw(path):
    """(types, [(values, [(func, line)...] leaf first)]) from pprof -raw
    (verify.py's reader)."""
    types, samples, locs = V.parse_raw_frames(V.pprof('-raw', path))
    return types, [(v, [(f, line) for loc in ids for f, _, line in locs[loc]])
                   for v, ids, _ in samples]


def dump(path):
    """[(state, [(func, line)...])] of a debug=2 dump."""
    out = []
    with open(os.path.join(V.ROOT, path)) as f:
        blocks = re.split(r'\n\s*\n', f.read())
    for b in blocks:
        ls = b.strip('\n').split('\n')
        m = re.match(r'goroutine \d+ \[([^,\]]+)', ls[0])
        if not m:
            continue
        frames = []
        for k in range(1, len(ls) - 1, 2):
            if ls[k].startswith('created by '):
                break
            fm = re.match(r'^\t\S+:(\d+)', ls[k + 1])
            frames.append((ls[k][:ls[k].rfind('(')], int(fm.group(1)) if fm else 0))
        out.append((m.group(1), frames))
    return out


def lock_op(funcs):
    """(op, index, rw) of the outermost lock frame of the leading run."""
    op = (None, None, False)
    for i, f in enumerate(funcs):
        if not (f.startswith('runtime.') or f.startswith('sync.')):
            break
        m = re.match(r'^sync\.\(\*(RW)?Mutex\)\.(R?(?:Un)?[Ll]ock)$', f)
        if m and m.group(2) in OPS and (m.group(1) or not m.group(2).startswith('R')):
            op = (m.group(2), i, bool(m.group(1)))
    return op


def site_key(func):
    """main.(*T).M[.funcN] -> main.(*T); main.f[.funcN] -> main."""
    m = re.match(r'^([^.]*)\.\(\*([^)]*)\)\.', func)
    if m:
        return '%s.(*%s)' % (m.group(1), m.group(2)), 'receiver'
    m = re.match(r'^([^.]*)\.([^.]+)\.([^.]+)', func)
    if m and not re.match(r'^func\d+$', m.group(3)):
        return '%s.(*%s)' % (m.group(1), m.group(2)), 'receiver'
    return func.split('.')[0], 'package'


def caller(frames, oi):
    """The innermost own frame above the operation, else its caller."""
    for j in range(oi + 1, len(frames)):
        if frames[j][0].startswith('main.'):
            return frames[j]
    return frames[oi + 1]


class Sites:
    def __init__(self):
        self.entries = {}    # (site, rw, op, func) -> dict
        self.info = {}       # (site, rw) -> site_is
        self.cpu = {}        # (site, rw, holder, read, callee) -> [samples, ns]

    def entry(self, site, rw, op, func):
        return self.entries.setdefault((site, rw, op, func),
                                       {'contentions': 0, 'delay_ns': 0, 'goroutines': 0,
                                        'lines': []})

    def op_sample(self, frames, add):
        op, oi, rw = lock_op([f for f, _ in frames])
        if op is None or oi + 1 >= len(frames):
            return
        func, line = caller(frames, oi)
        site, kind = site_key(func)
        self.info[(site, rw)] = kind
        e = self.entry(site, rw, op, func)
        e['lines'].append(line)
        add(e)

    def holders(self):
        """func -> [(site, rw, read, lo, hi)] (0: open)."""
        hs = {}
        for (site, rw, op, func), e in self.entries.items():
            read = op.startswith('R')
            h = hs.setdefault((site, rw, read, func), [0, 0])
            if op in ('Lock', 'RLock'):
                h[0] = min(l for l in e['lines'] if l) if any(e['lines']) else 0
            else:
                h[1] = max(e['lines'])
        out = {}
        for (site, rw, read, func), (lo, hi) in hs.items():
            out.setdefault(func, []).append((site, rw, read, lo, hi))
        return out

    def inside(self, frames):
        """(index, [holders]) of the innermost frame inside a holder."""
        hs = self.holders()
        for i, (f, line) in enumerate(frames):
            got = [h for h in hs.get(f, []) if line == 0 or
                   ((h[3] == 0 or line > h[3]) and (h[4] == 0 or line < h[4]))]
            if got:
                return i, got
        return None, []


def build(block, mutex, cpu, dumps):
    s = Sites()
    for path in [p for p in (block, mutex) if p]:
        types, samples = raw(path)
        ci, di = types.index('contentions'), types.index('delay')

        def add(e, v=None):
            e['contentions'] += v[ci]
            e['delay_ns'] += v[di]
        for v, frames in samples:
            if v[ci] or v[di]:
                s.op_sample(frames, lambda e, v=v: add(e, v))
    snaps = {}
    for path in dumps:
        for state, frames in dump(path):
            def count(e, key=path):
                snaps.setdefault(id(e), {}).setdefault(key, [e, 0])[1] += 1
            if lock_op([f for f, _ in frames])[0]:
                s.op_sample(frames, count)
    for path in dumps:             # goroutines inside a holder, not waiting
        for state, frames in dump(path):
            if lock_op([f for f, _ in frames])[0]:
                continue
            i, hs = s.inside(frames)
            for site, rw, read, lo, hi in hs:
                e = s.entry(site, rw, 'RUnlock' if read else 'Unlock', frames[i][0])
                snaps.setdefault(id(e), {}).setdefault(path, [e, 0])[1] += 1
    for per in snaps.values():
        for e, n in per.values():
            e['goroutines'] = max(e['goroutines'], n)
    if cpu:
        types, samples = raw(cpu)
        ki, si = types.index('cpu'), types.index('samples')
        for v, frames in samples:
            i, hs = s.inside(frames)
            for site, rw, read, lo, hi in hs:
                callee = frames[i - 1][0] if i else frames[0][0]
                c = s.cpu.setdefault((site, rw, frames[i][0], read, callee), [0, 0])
                c[0] += v[si]
                c[1] += v[ki]
    return s


def expected_sites(s, cpu_file):
    sites = []
    for (site, rw), kind in s.info.items():
        parts = []
        for op in OPS:
            es = [(f, e) for (st, r, o, f), e in s.entries.items() if (st, r, o) == (site, rw, op)]
            if not es:
                continue
            best = sorted(es, key=lambda fe: (-fe[1]['delay_ns'], -fe[1]['goroutines'], fe[0]))[0]
            parts.append({'op': op, 'side': 'waiting' if op in ('Lock', 'RLock') else 'holding',
                          'func': best[0], 'functions': len(es),
                          'goroutines': sum(e['goroutines'] for _, e in es),
                          'contentions': sum(e['contentions'] for _, e in es),
                          'delay_ns': sum(e['delay_ns'] for _, e in es)})
        has = {p['op'] for p in parts}
        linked = ('RLock' in has and bool(has & {'Lock', 'Unlock'})) if rw else \
            ('Lock' in has and 'Unlock' in has)
        cpu = sorted(({'file': cpu_file, 'holder': h, 'lock': 'read' if rd else 'write',
                       'callee': c, 'samples': v[0], 'cpu_ns': v[1]}
                      for (st, r, h, rd, c), v in s.cpu.items() if (st, r) == (site, rw)),
                     key=lambda c: (-c['cpu_ns'], c['holder'], c['callee']))
        sites.append({'site': site, 'site_is': kind, 'lock': 'RWMutex' if rw else 'Mutex',
                      'linked': linked, 'parts': parts,
                      'cpu_write_ns': sum(c['cpu_ns'] for c in cpu if c['lock'] == 'write'),
                      'cpu_read_ns': sum(c['cpu_ns'] for c in cpu if c['lock'] == 'read'),
                      'cpu_under_lock': cpu})

    def waiting(x):
        ps = {p['op']: p for p in x['parts']}
        return (-sum(ps[o]['delay_ns'] for o in ('Lock', 'RLock') if o in ps),
                -sum(ps[o]['goroutines'] for o in ('Lock', 'RLock') if o in ps), x['site'])
    return sorted(sites, key=waiting)


def dur(ns):
    """pprof's auto time label (measurement.Label): %.2f of the largest
    unit, a ".00" dropped."""
    for name, f in (('hrs', 3600e9), ('mins', 60e9), ('s', 1e9), ('ms', 1e6), ('us', 1e3)):
        if abs(ns) >= f:
            v = '%.2f' % (ns / f)
            return (v[:-3] if v.endswith('.00') else v) + name
    return '%dns' % ns


def headline(x):
    ps = {p['op']: p for p in x['parts']}
    rw = x['lock'] == 'RWMutex'
    wait = 'RLock' if rw and 'RLock' in ps else 'Lock'
    out = '%s %s: ' % (x['lock'], x['site'])
    if wait in ps:
        p = ps[wait]
        who = 'goroutine' if not rw else 'reader' if wait == 'RLock' else 'writer'
        n = p['goroutines']
        out += ('%d %s%s ' % (n, who, '' if n == 1 else 's')) if n else who + 's '
        out += 'waiting %s (block profile delay) in %s (%s)' % (dur(p['delay_ns']), p['func'], wait)
    holder = ps['Unlock']['func'] if 'Unlock' in ps else \
        ps['Lock']['func'] if rw and wait == 'RLock' and 'Lock' in ps else None
    if holder:
        out += '%s%s in %s (Lock)' % (', ' if wait in ps else '', 'writer holds' if rw else 'held', holder)
        if 'Unlock' in ps:
            out += ' %s (mutex profile delay at Unlock)' % dur(ps['Unlock']['delay_ns'])
    return out


def check_counts(sites):
    """The program's own account: who reads, who writes, what runs under the lock."""
    with open(os.path.join(V.ROOT, LOCKS, 'counts.json')) as f:
        c = json.load(f)
    st = c['store']
    by = {x['site']: x for x in sites}
    store = by.get(st['site'])
    ps = {p['op']: p for p in store['parts']} if store else {}
    want = [(store is not None and store['linked'], True),
            (ps.get('RLock', {}).get('func'), st['reader']),
            (ps.get('RLock', {}).get('goroutines'), st['readers_in_dump']),
            (st['readers_in_dump'], st['readers']),
            (ps.get('Unlock', {}).get('func'), st['writer']),
            (ps.get('Unlock', {}).get('goroutines'), st['writers_in_dump']),
            ([x['callee'] for x in store['cpu_under_lock'] if x['lock'] == 'write'][:1] if store else [],
             [st['under_lock']]),
            (any(x['holder'] == st['outside_lock'] for x in store['cpu_under_lock']) if store else True,
             False)]
    for got, exp in want:
        if got != exp:
            V.problems.append('blocking-locks: counts.json says %r, the sites %r' % (exp, got))
    rg = by.get(c['registry']['site'])
    rps = {p['op']: p['func'] for p in rg['parts']} if rg else {}
    if rps.get('RLock') != c['registry']['reader'] or rps.get('Unlock') != c['registry']['writer']:
        V.problems.append('blocking-locks: registry site %r, counts.json %r' % (rps, c['registry']))
    # what runs under the write lock, against pprof -top -cum: the program
    # calls sort.Sort only there, so its cum is the whole of it
    top = V.pprof('-top', '-cum', '-unit=ns', LOCKS + '/cpu.pb.gz')
    m = re.search(r'(\d+)ns\s+[\d.]+%\s+' + re.escape(st['under_lock']) + r'$', top, re.M)
    sort_ns = [x['cpu_ns'] for x in store['cpu_under_lock'] if x['callee'] == st['under_lock']] if store else []
    if not m or sort_ns != [int(m.group(1))]:
        V.problems.append('blocking-locks: %s under the lock %s, pprof -top cum %s'
                          % (st['under_lock'], sort_ns, m and m.group(1)))


def check_text(name, sites):
    """The lock-site section: the headline and each part's numbers."""
    out = V.golden(name, 'out') or ''
    sec = out[out.find('\n%d lock site' % len(sites)):]
    for i, x in enumerate(sites):
        want = '\n%d. %s\n' % (i + 1, headline(x))
        if want not in sec:
            V.problems.append('%s: no line %r' % (name, want.strip()))
        for p in x['parts']:
            tail = '%d contention%s, %s delay' % (p['contentions'], '' if p['contentions'] == 1 else 's',
                                                  dur(p['delay_ns']))
            if not re.search(r'%s %-7s %s:.*%s' % (p['side'], p['op'], re.escape(p['func']), re.escape(tail)), sec):
                V.problems.append('%s: no %s %s line with %r' % (name, p['op'], p['func'], tail))
        for c in x['cpu_under_lock'][:5]:
            line = '%s -> %s: %s, %d sample' % (c['holder'], c['callee'], dur(c['cpu_ns']), c['samples'])
            if c['callee'] != c['holder'] and line not in sec:
                V.problems.append('%s: no cpu line %r' % (name, line))


def check_hotspots(name):
    """Every contention hotspot's numbers are pprof -raw sums at its user
    frame (the first frame outside the plumbing) and side."""
    plumbing = re.compile(r'^(runtime[./]|internal/|sync\.|sync/atomic\.|syscall\.|time\.|net\.|os\.|'
                          r'io\.|bufio\.|reflect\.)|\.runtime_')
    want = {}
    for path in ('block.pb.gz', 'mutex.pb.gz'):
        types, samples = raw(LOCKS + '/' + path)
        ci, di = types.index('contentions'), types.index('delay')
        for v, frames in samples:
            funcs = [f for f, _ in frames]
            u = next((i for i, f in enumerate(funcs) if not plumbing.search(f)), len(funcs))
            hold = any(re.match(r'^sync\..*\)\.R?Unlock$', f) for f in funcs[:u])
            op, _, rw = lock_op(funcs)
            # an RWMutex's inner Mutex frames make an rwmutex wait, not a mutex one
            kind = ('rwmutex' if rw else 'mutex') if op else 'other'
            k = (funcs[u] if u < len(funcs) else funcs[0], 'holding' if hold else 'waiting', kind)
            w = want.setdefault(k, [0, 0])
            w[0] += v[ci]
            w[1] += v[di]
    got = {}
    for h in json.loads(V.golden(name, 'out'))['hotspots']:
        if h.get('side'):
            kind = h['kind'] if h['kind'] in ('mutex', 'rwmutex') else 'other'
            g = got.setdefault((h['culprit'], h['side'], kind), [0, 0])
            g[0] += h['contentions']
            g[1] += h['delay_ns']
    if got != want:
        V.problems.append('%s: hotspots %s, pprof -raw %s' % (name, sorted(got.items()), sorted(want.items())))


def check_refs(name, s, sites):
    """Each mutex/rwmutex hotspot points at the site its function takes part
    in on its side (lock_site, an index into lock_sites)."""
    index = {x['site'] + x['lock']: i for i, x in enumerate(sites)}
    for h in json.loads(V.golden(name, 'out'))['hotspots']:
        want = None
        if h['kind'] in ('mutex', 'rwmutex'):
            hold = h.get('side') == 'holding'
            for (site, rw, op, func), e in s.entries.items():
                if func == h['culprit'] and rw == (h['kind'] == 'rwmutex') and \
                        (op in ('Unlock', 'RUnlock')) == hold:
                    want = index[site + ('RWMutex' if rw else 'Mutex')]
        if h.get('lock_site') != want:
            V.problems.append('%s: hotspot %s %s lock_site %s, want %s'
                              % (name, h['culprit'], h.get('side'), h.get('lock_site'), want))


def run(v):
    global V
    V = v
    s = build(LOCKS + '/block.pb.gz', LOCKS + '/mutex.pb.gz', LOCKS + '/cpu.pb.gz',
              [LOCKS + '/goroutine.txt'])
    sites = expected_sites(s, LOCKS + '/cpu.pb.gz')
    for name in ('blocking-locks-json', 'blocking-locks'):
        V.checked.add(name)
        V.expect(name, 'err', 'heapscope: blocking: not used: 1 file (1 other file)\n')
        V.expect(name, 'code', '0\n')
    got = json.loads(V.golden('blocking-locks-json', 'out') or '{}')
    if got.get('lock_sites') != sites:
        V.problems.append('blocking-locks-json: lock_sites\n  %s\nwant\n  %s' % (got.get('lock_sites'), sites))
    check_counts(sites)
    check_text('blocking-locks', sites)
    check_hotspots('blocking-locks-json')
    check_refs('blocking-locks-json', s, sites)
    # the text case prints the JSON case's hotspots, with their site
    text = V.golden('blocking-locks', 'out') or ''
    blocks = text.split('\n\n')
    for i, h in enumerate(got.get('hotspots', [])):
        head = '%d. %s  [%s%s]' % (i + 1, h['culprit'], h['kind'], ', ' + h['side'] if h.get('side') else '')
        b = next((b for b in blocks if b.startswith(head)), None)
        ref = h.get('lock_site')
        line = ref is not None and '   lock site %d below: %s %s' % (
            ref + 1, sites[ref]['lock'], sites[ref]['site'])
        if b is None or (line and line not in b) or (not line and 'lock site' in b):
            V.problems.append('blocking-locks: hotspot %r or its lock site line %r' % (head, line))
    # the incidents' plain Mutex: one site, by package (a closure of main.contend)
    si = build(INC + '/block.pb.gz', INC + '/mutex.pb.gz', None, [])
    inc = expected_sites(si, '')
    got = json.loads(V.golden('blocking-lock-sides', 'out') or '{}').get('lock_sites')
    if got != inc:
        V.problems.append('blocking-lock-sides: lock_sites %s, want %s' % (got, inc))
    check_refs('blocking-lock-sides', si, inc)
