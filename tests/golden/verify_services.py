"""Checks of the svc-* golden cases (issue 13): leaks, blocking and growth
on the six services of testdata/gen/services, against what each program
knows (testdata/pprof/services/MODE/counts.json) and the reference tools.

Imported by verify.py (run(v) with the verify module); it never runs
heapscope.  Two kinds of checks:

1. The artifacts agree with counts.json, read here without heapscope:
   every debug=2 dump's goroutines (counted from its headers) and the
   leaking group (its culprit frame, state and `created by`), the heap
   under each function of counts.json per profile (`go tool pprof -raw`:
   in-use bytes of the samples with the function on their stack), the
   RWMutex's RLock waits (block profile) and Unlock events (mutex profile)
   per moment (`go tool pprof -raw`), the CPU profile's sort.* samples
   under the writer, and the trace's goroutines with the leaking loop's
   start PC (`go tool trace -d`).

2. Each golden output has the properties of a correct finding, not a byte
   image (the wording is the writers'; the facts are the programs'):
   - leaks: the first candidate names counts.json's culprit (own code),
     high, with its mechanism (kind) in words; a goroutine leak gives the
     leaking group's goroutines at every moment, says it grows, names the
     `created by` function and the handler that calls it (creator chain);
     retention and per-instance caches give the in-use bytes under the
     culprit at every moment; every heap growth candidate is "per
     instance" exactly when the rule of include/heapscope/instances.h,
     redone here on pprof -raw's allocation sites (per_instance), says so,
     with its instances per profile, objects and parts per instance, and
     those agree with the program's counts (pertenant: caches per moment,
     shards_per_instance, its runtime.MemProfile objects per cache;
     pertask: one cache per request); the goroutine series lists the
     dumps and profiles used (not a twin left out, not a trace beside
     them: leaks.h), and the file said to show the creator's callers
     names the handler; the healthy control and the lock incident
     have nothing above low and say so with the numbers behind it
     (goroutines flat at the dumps' count; the healthy control's biggest
     group is its worker pool).
   - blocking: a goroutine leak's group first with its count, listed once;
     the RWMutex's waiting readers first, linked to the writer holding the
     lock, each side with the latest (cumulative) profile's contentions,
     never a sum over snapshots, and the CPU profile's sort inside the
     writer's section; where nothing contends (the healthy control and the
     retention incidents) every hotspot is an idle wait, marked idle.
   - growth: the first candidate (*) is counts.json's growth_culprit with
     its flat in-use bytes per profile (pprof -raw), every candidate grows
     by the rule's 1 MiB and is own code; the healthy control and the lock
     incident have none; the candidate rule of growth.h is redone on every
     JSON row, and on sampled heap profiles its noise floor from pprof
     -raw's raw samples (flat_samples_added: more than SIGMAS**2 added for
     a candidate, `noise` and `~` when the rule holds without them).
   - stderr: the "not used" line lists exactly the files the command does
     not read (leaks: block, mutex and CPU profiles and counts.json;
     blocking: heap profiles and counts.json; the CPU profile is evidence
     for blocking); exit status 0.

Where today's heapscope gets a property wrong, the case carries a .xfail
file and its golden files hold the corrected output, which these checks
accept; to turn such a case green, remove its .xfail, rerun run.py
--update for it and then this script.

Run alone (`verify_services.py HEAPSCOPE SOURCE_ROOT`, the meson test
svc-properties) it runs heapscope on every svc-* case and checks the same
properties on the live output: an xfail case whose live output has them all
fails the test (FIXED: the fix landed, in whatever wording), and so does a
case without .xfail that lacks one.
"""
import gzip
import json
import os
import re
import subprocess
import tempfile

import dumps

V = None
PROBLEMS = []   # where problem() writes: verify.py's list, or live()'s own
DIR = 'testdata/pprof/services'
MODES = ['registry', 'pertask', 'pertenant', 'history', 'rwstarve', 'healthy', 'pertenant-sampled']
SIGMAS = 3   # include/heapscope/instances.h HS_INSTANCE_SIGMAS
MECHANISM = {'goroutine leak': r'goroutine leak', 'retention': r'\bretention\b',
             'per-instance cache': r'per[- ]instance', 'lock contention': r'lock contention'}
RANK = {'low': 0, 'medium': 1, 'high': 2}
# what each command reads, by the kind of file (the rest is "not used")
USES = {'leaks': {'goroutine', 'heap', 'trace'},
        'blocking': {'goroutine', 'contention', 'cpu', 'trace'},
        'growth': {'heap'}}
UNUSED_LABEL = [('contention', 'contention (block or mutex) profile', 'contention (block or mutex) profiles'),
                ('cpu', 'cpu profile', 'cpu profiles'),
                ('goroutine', 'goroutine profile', 'goroutine profiles'), ('heap', 'heap profile', 'heap profiles'),
                ('other', 'other file', 'other files')]


def problem(case, msg):
    PROBLEMS.append('%s: %s' % (case, msg))


def path(mode, name):
    return os.path.join(DIR, mode, name)


def period(p):
    """A heap profile's sampling period in bytes (pprof -raw's Period with
    PeriodType space bytes), 1 when it has none."""
    text = V.pprof('-raw', p)
    t = re.search(r'^PeriodType: \S+ bytes$', text, re.M)
    m = re.search(r'^Period: (\d+)$', text, re.M)
    return int(m.group(1)) if t and m and int(m.group(1)) > 1 else 1


def scale(size, rate):
    """pprof's scale of a heap sample (runtime/pprof scaleHeapSample):
    1 / (1 - exp(-size/rate)), 1 when every allocation is recorded."""
    import math
    return 1.0 if rate <= 1 or size <= 0 else 1.0 / -math.expm1(-size / rate)


def read(p):
    with (gzip.open if p.endswith('.gz') else open)(os.path.join(V.ROOT, p), 'rt') as f:
        return f.read()


def kind_of(name):
    if name.startswith('goroutine'):
        return 'goroutine'
    if name.startswith(('block-', 'mutex-')):
        return 'contention'
    for k in ('heap', 'cpu', 'trace'):
        if name.startswith(k):
            return k
    return 'other'


# ---- 1. the artifacts against counts.json -----------------------------------

def dump_goroutines(p):
    """[(state, funcs leaf first, created_by)] of a debug=2 dump."""
    return dumps.goroutines(read(p))


def raw(p):
    return V.raw_sample_frames(p)


def heap_facts(p, fns):
    """Total in-use bytes, and per function its in-use bytes under it (cum)
    and as the leaf (flat), from pprof -raw."""
    types, samples = raw(p)
    k = types.index('inuse_space')
    cum = {f: sum(v[k] for v, fr in samples if f in fr) for f in fns}
    flat = {}
    for v, fr in samples:
        if fr:
            flat[fr[0]] = flat.get(fr[0], 0) + v[k]
    return sum(v[k] for v, _ in samples), cum, flat


def raw_samples_under(p, fn):
    """The raw samples behind the in-use objects of the samples with fn on
    their stack: each sample's objects over pprof's scale at the profile's
    period (its object size: bytes over objects), rounded."""
    types, samples = raw(p)
    io, isp = types.index('inuse_objects'), types.index('inuse_space')
    rate = period(p)
    return sum(round(v[io] / scale(v[isp] // v[io], rate)) for v, fr in samples if v[io] > 0 and fn in fr)


def raw_sites(p):
    """pprof -raw of a heap profile by allocation site: {(culprit, leaf
    function, line, object size): [inuse_objects, inuse_space]}, the
    culprit being the innermost main. frame (else the leaf function), the
    object size a sample's in-use bytes over its objects (verify_locks.py
    reads -raw with the frames' lines)."""
    import verify_locks
    verify_locks.V = V
    types, samples = verify_locks.raw(p)
    io, isp = types.index('inuse_objects'), types.index('inuse_space')
    out = {}
    for vals, fr in samples:
        if vals[io] <= 0 or not fr:
            continue
        culprit = next((f[0] for f in fr if f[0].startswith('main.')), fr[0][0])
        o = out.setdefault((culprit,) + fr[0] + (vals[isp] // vals[io],), [0, 0])
        o[0] += vals[io]
        o[1] += vals[isp]
    return out


def step_error(added, size, rate):
    """The sampling error in objects of a step that added `added` objects
    of that size: objects added / sqrt(raw samples added), raw samples being
    objects / scale (1/sqrt(n) relative error of n samples); 0 unsampled."""
    import math
    return 0.0 if rate <= 1 else math.sqrt(abs(added) * scale(size, rate))


def per_instance(mode, c, culprit):
    """The per-instance rule of include/heapscope/instances.h, redone on
    the heap profiles' allocation sites: None, or (instances per profile,
    objects per instance, parts per instance, raw samples of the base per
    profile or None when the profiles record every allocation).  On
    sampled profiles a step is in step within SIGMAS times its sampling
    error when that is more than 10%."""
    per = [raw_sites(path(mode, m['heap'])) for m in c['per_moment']]
    rate = max(period(path(mode, m['heap'])) for m in c['per_moment'])
    keys = sorted({k for p in per for k in p if k[0] == culprit})
    series = {k: [p.get(k, [0, 0])[0] for p in per] for k in keys}
    added = {k: s[-1] - s[0] for k, s in series.items()
             if all(s[i] > s[i - 1] for i in range(1, len(s)))}
    if not added:
        return None
    base = min(added, key=lambda k: (added[k], -k[-1]))
    b, db = series[base], added[base]

    def in_step(k):
        # within 10% of the base's step times the ratio, or SIGMAS times
        # the step's sampling error (both sites' errors combined) if more
        r = added[k] / db
        for i in range(1, len(b)):
            want, got = (b[i] - b[i - 1]) * r, series[k][i] - series[k][i - 1]
            err = (step_error(got, k[-1], rate) ** 2 + (r * step_error(b[i] - b[i - 1], base[-1], rate)) ** 2) ** 0.5
            if abs(got - want) > max(0.1 * want, SIGMAS * err):
                return False
        return True
    bundle = [k for k in added if in_step(k)]
    growth = sum(per[-1].get(k, [0, 0])[1] - per[0].get(k, [0, 0])[1] for k in keys)
    parts = max(added[k] for k in bundle)
    if parts < 8 * db or 2 * sum(added[k] * k[-1] for k in bundle) < growth:
        return None
    # sampled: the raw samples behind the base's counts, per profile
    return b, round(sum(added[k] for k in bundle) / db), round(parts / db), \
        ([round(x / scale(base[-1], rate)) for x in b] if rate > 1 else None)


PER_INSTANCE = {}   # (mode, culprit): per_instance(), computed once


def built_per_instance(c, culprit):
    """What the program says about a structure built per instance at
    culprit: (instances per moment, parts per instance or None, objects per
    instance), or None.  pertenant: one presence cache per room (its
    counts: caches, shards_per_instance), its objects counted by the
    program's own runtime.MemProfile (heap_under); pertask: the
    goroutine's creator is called once per request (one_per), so its
    caches are the requests."""
    if c['kind'] == 'per-instance cache' and culprit == c['culprit']:
        n = [m['caches'] for m in c['per_moment']]
        if 'objects_per_instance' in c:   # counted by runtime.MemStats around one call
            return n, c['shards_per_instance'], c['objects_per_instance']
        return n, c['shards_per_instance'], c['per_moment'][-1]['heap_under'][culprit]['inuse_objects'] // n[-1]
    if c['kind'] == 'goroutine leak' and c.get('one_per') == 'request' and culprit == c['created_by']:
        n = [m['requests'] for m in c['per_moment']]
        return n, None, c['per_moment'][-1]['heap_under'][culprit]['inuse_objects'] // n[-1]
    return None


def instance_facts(name, c, culprit):
    """The per-instance rule redone (per_instance) for a heap growth
    candidate, checked against the program's own counts when it knows."""
    key = (c['mode'], culprit)
    if key not in PER_INSTANCE:
        PER_INSTANCE[key] = per_instance(c['mode'], c, culprit)
        prog = built_per_instance(c, culprit)
        got = PER_INSTANCE[key]
        if prog and not (got and agrees(got, prog)):
            problem('services/%s' % c['mode'], '%s per instance from the profiles %s, the program: %s'
                    % (culprit, got, prog))
    return PER_INSTANCE[key]


def agrees(got, prog):
    """The rule's counts (per_instance) against the program's: equal on
    exact profiles; on sampled ones each instance count within SIGMAS
    times its error (count / sqrt(raw samples)), objects and parts per
    instance within SIGMAS times the relative error of the base's samples
    added (1 / sqrt(raw added))."""
    raw = got[3]
    if raw is None:
        return got[0] == prog[0] and got[1] == prog[2] and prog[1] in (None, got[2])
    if len(got[0]) != len(prog[0]) or raw[-1] <= raw[0] or min(raw) <= 0:
        return False
    if any(abs(g - p) > SIGMAS * g / n ** 0.5 for g, p, n in zip(got[0], prog[0], raw)):
        return False
    rel = SIGMAS / (raw[-1] - raw[0]) ** 0.5
    return abs(got[1] - prog[2]) <= rel * got[1] and (prog[1] is None or abs(got[2] - prog[1]) <= rel * got[2])


def check_instances_json(name, c, k):
    """A heap growth candidate is per instance exactly when the rule redone
    says so, with its instances per profile and its parts."""
    want = instance_facts(name, c, k['culprit'])
    said = re.search(MECHANISM['per-instance cache'], k.get('mechanism', ''), re.I)
    if bool(want) != bool(said):
        return problem(name, '%s: mechanism %r, the per-instance rule redone: %s'
                       % (k['culprit'], k.get('mechanism'), want))
    if want:
        got = ([e.get('instances') for e in k['evidence']], k['instances']['objects_per_instance'],
               k['instances']['parts_per_instance'])
        if got != want[:3]:
            problem(name, '%s: instances, objects and parts per instance %s, want %s' % (k['culprit'], got, want[:3]))
        # sampled profiles: estimates, with the samples behind the last count
        est = (k['instances'].get('estimated', False), k['instances'].get('base_samples'))
        if est != ((True, want[3][-1]) if want[3] else (False, None)):
            problem(name, '%s: estimated, base_samples %s; the profiles %s' % (k['culprit'], est, want[3]))


def check_instances_text(name, c, block):
    m = re.match(r'^\w+ +(\S+) +\(heap growth', block)
    if not m:
        return
    want = instance_facts(name, c, m.group(1))
    said = re.search(r'^   %s' % MECHANISM['per-instance cache'], block, re.M | re.I)
    if bool(want) != bool(said):
        return problem(name, '%s: per instance %s, the per-instance rule redone: %s' % (m.group(1), bool(said), want))
    if want:
        # on sampled profiles the counts are estimates: "about", and the
        # samples behind the last count
        about = 'about ' if want[3] else ''
        series = about + ' -> '.join(map(str, want[0]))
        each = re.search(r'each instance: %s(\d+) objects, .*; (\d+) parts' % about, block)
        if 'instances: %s ' % series not in block or not each or \
                (int(each.group(1)), int(each.group(2))) != want[1:3]:
            problem(name, '%s: no "instances: %s" with %d objects and %d parts per instance'
                    % (m.group(1), series, want[1], want[2]))
        if want[3] and 'estimates from %d samples' % want[3][-1] not in block:
            problem(name, '%s: no "estimates from %d samples"' % (m.group(1), want[3][-1]))
        if not want[3] and re.search(r'\babout\b|estimates', block):
            problem(name, '%s: exact profiles, counts said to be estimates' % m.group(1))


def joined_builds(name, c, files):
    """A goroutine leak whose creator is built per instance (leaks.h, "One
    finding"): with the mode's heap profiles among the case's files, the
    per-instance rule redone at the `created by` function the dumps name
    (counts.json created_by, checked against the dumps in artifacts()), else
    None.  Then the leak's finding carries it (builds) and no heap growth
    candidate of its own is listed at the creator."""
    if c['kind'] != 'goroutine leak':
        return None
    heaps = {path(c['mode'], m['heap']) for m in c['per_moment']}
    if not heaps <= set(files):
        return None
    return instance_facts(name, c, c['created_by'])


def check_builds_json(name, c, top, cands, files):
    want = joined_builds(name, c, files)
    b = top.get('builds')
    apart = [x['culprit'] for x in cands if x['kind'] == 'heap growth' and x['culprit'] == c['created_by']]
    if not want:
        if b:
            problem(name, 'builds %s, but %s is not built per instance here' % (b.get('culprit'), c['created_by']))
        return
    if apart:
        problem(name, 'heap growth at %s listed apart from the goroutine leak it starts' % apart)
    if not b:
        return problem(name, 'the goroutine leak does not carry its creator built per instance (builds)')
    got = ([e.get('instances') for e in b['evidence']], b['instances']['objects_per_instance'],
           b['instances']['parts_per_instance'])
    if b['culprit'] != c['created_by'] or got != want[:3]:
        problem(name, 'builds %s %s, the per-instance rule redone at %s: %s' % (b['culprit'], got, c['created_by'], want[:3]))
    heap = {path(c['mode'], m['heap']): m['heap_under'][c['created_by']]['inuse_space'] for m in c['per_moment']}
    ev = {e['file']: e['inuse_bytes'] for e in b['evidence']}
    if ev != heap:
        problem(name, 'builds: in-use bytes under %s %s, counts.json %s' % (c['created_by'], ev, heap))
    if not re.search(r'every call of %s builds a structure of %d objects .* and starts a goroutine in %s that never exits: %d goroutines'
                     % (re.escape(c['created_by']), want[1], re.escape(c['culprit']), c['per_moment'][-1]['leaked_goroutines']),
                     top.get('mechanism_text', '')):
        problem(name, 'one sentence for both: %r' % top.get('mechanism_text'))


def check_builds_text(name, c, top, blocks, files):
    want = joined_builds(name, c, files)
    said = re.search(r'every call of (\S+) builds a structure of (\d+) objects .* and starts a goroutine in (\S+) '
                     r'that never exits: (\d+) goroutines', top.split('\n')[1] if '\n' in top else '')
    apart = [b.split('\n')[0] for b in blocks if re.match(r'^\w+ +%s +\(heap growth' % re.escape(c['created_by']), b)]
    if not want:
        if said:
            problem(name, 'joined with %s, which is not built per instance here' % said.group(1))
        return
    if apart:
        problem(name, 'heap growth at %s listed apart from the goroutine leak it starts' % apart)
    if not said or said.groups() != (c['created_by'], str(want[1]), c['culprit'], str(c['per_moment'][-1]['leaked_goroutines'])):
        return problem(name, 'no "every call of %s builds a structure of %d objects ... starts a goroutine in %s that never '
                       'exits: %d goroutines"' % (c['created_by'], want[1], c['culprit'], c['per_moment'][-1]['leaked_goroutines']))
    series = ' -> '.join(map(str, want[0]))
    each = re.search(r'each instance: (\d+) objects, .*; (\d+) parts', top)
    if 'instances: %s ' % series not in top or not each or (int(each.group(1)), int(each.group(2))) != want[1:3]:
        problem(name, 'no "instances: %s" with %d objects and %d parts per instance' % (series, want[1], want[2]))
    h = re.search(r'heap under %s: inuse_space (\S+) -> (\S+) over' % re.escape(c['created_by']), top)
    per = [m['heap_under'][c['created_by']]['inuse_space'] for m in c['per_moment']]
    if not h or not close(h.group(1), per[0]) or not close(h.group(2), per[-1]):
        problem(name, 'heap under %s %s, counts.json %d -> %d' % (c['created_by'], h and h.groups(), per[0], per[-1]))


def side(p, frame):
    """(contentions, delay) of the samples through frame."""
    types, samples = raw(p)
    c, d = types.index('contentions'), types.index('delay')
    sel = [v for v, fr in samples if frame in fr]
    return sum(v[c] for v in sel), sum(v[d] for v in sel)


def artifacts(mode, c):
    """Checks the files against counts.json; returns facts for the cases."""
    case = 'services/%s' % mode
    facts = {'heap_total': [], 'flat': [], 'cum': []}
    fns = set()
    for m in c['per_moment']:
        fns |= set(m['heap_under'])
    if c.get('growth_culprit'):
        fns.add(c['growth_culprit'])
    for m in c['per_moment']:
        gs = dump_goroutines(path(mode, m['goroutine_dump']))
        if len(gs) != m['goroutines_total']:
            problem(case, '%s: %d goroutines, counts.json %d' % (m['goroutine_dump'], len(gs), m['goroutines_total']))
        total, cum, flat = heap_facts(path(mode, m['heap']), fns)
        facts['heap_total'].append(total)
        facts['cum'].append(cum)
        facts['flat'].append(flat)
        for fn, want in m['heap_under'].items():
            if 'inuse_samples' in want:
                # sampled (-sampled): the runtime's records count raw samples;
                # the profile's objects over pprof's scale must give them
                # back, and then its in-use bytes (pprof -raw) are the ones
                # the outputs must show
                n = raw_samples_under(path(mode, m['heap']), fn)
                if n != want['inuse_samples']:
                    problem(case, '%s: %d raw samples under %s, counts.json %d'
                            % (m['heap'], n, fn, want['inuse_samples']))
                want['inuse_space'] = cum[fn]
            elif cum[fn] != want['inuse_space']:
                problem(case, '%s: %d B under %s, counts.json %d' % (m['heap'], cum[fn], fn, want['inuse_space']))
        if c['kind'] == 'goroutine leak':
            g = [x for x in gs if x[1] and c['culprit'] in x[1] and x[0] == c['state']]
            if len(g) != m['leaked_goroutines'] or {x[2] for x in g} != {c['created_by']}:
                problem(case, '%s: %d goroutines at %s created by %s, counts.json %d by %s'
                        % (m['goroutine_dump'], len(g), c['culprit'], {x[2] for x in g},
                           m['leaked_goroutines'], c['created_by']))
        if c['kind'] == 'lock contention':
            readers = [x for x in gs if 'sync.(*RWMutex).RLock' in x[1] and c['readers'] in x[1]]
            if len(readers) != m['readers_waiting']:
                problem(case, '%s: %d readers in RLock, counts.json %d' % (m['goroutine_dump'], len(readers), m['readers_waiting']))
            wait = side(path(mode, m['block']), 'sync.(*RWMutex).RLock')
            hold = side(path(mode, m['mutex']), 'sync.(*RWMutex).Unlock')
            if wait[0] != m['block_rlock_contentions'] or hold[0] != m['mutex_unlock_events']:
                problem(case, 'moment %d: RLock waits %d, Unlock events %d; counts.json %d, %d'
                        % (m['moment'], wait[0], hold[0], m['block_rlock_contentions'], m['mutex_unlock_events']))
            m['_wait'], m['_hold'] = wait, hold
    if c['kind'] == 'goroutine leak':
        # the trace: `go tool trace -d` lists a GoCreate per goroutine (those
        # alive at its start, then those created in it) with the new
        # goroutine's start PC as a stack id; the leaking loops are the
        # biggest set with one start PC: as many as the last dump holds
        with tempfile.NamedTemporaryFile(suffix='.trace') as t:
            t.write(gzip.open(os.path.join(V.ROOT, path(mode, c['trace']))).read())
            t.flush()
            d = subprocess.run(['go', 'tool', 'trace', '-d', t.name], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, check=True).stdout.decode()
        starts, window, made = {}, {}, {}
        for m in re.finditer(r' GoCreate p=\S+ g=(\d+) off=\d+ g=(\d+) stack=(\d+)$', d, re.M):
            g, new, st = m.groups()
            starts[st] = starts.get(st, 0) + 1
            made.setdefault(st, set()).add(new)
            # the opening GoCreate of a goroutine already there comes from
            # g=0; one a goroutine ran in the window has its creator's g
            if g != '0':
                window[st] = window.get(st, 0) + 1
        last = c['per_moment'][-1]['leaked_goroutines']
        loop = max(starts, key=starts.get)
        if starts[loop] != last:
            problem(case, '%s: %d goroutines with one start PC, counts.json %d' % (c['trace'], starts[loop], last))
        if window.get(loop, 0) != c['trace_created_in_window']:
            problem(case, '%s: %d of them created in the window, counts.json %d'
                    % (c['trace'], window.get(loop, 0), c['trace_created_in_window']))
        ended = set(re.findall(r' GoEnd p=\S+ g=(\d+) ', d))
        facts['trace_alive'] = len(made[loop] - ended)
        facts['trace_created'] = window.get(loop, 0)
        if facts['trace_alive'] != last:
            problem(case, '%s: %d loops alive at its end, counts.json %d' % (c['trace'], facts['trace_alive'], last))
    if c['kind'] == 'lock contention':
        types, samples = raw(path(mode, c['cpu']))
        facts['sort_in_writer'] = sum(v[0] for v, fr in samples
                                      if c['writer'] in fr and any(f.startswith('sort.') for f in fr))
        if not facts['sort_in_writer']:
            problem(case, 'cpu.pb.gz: no sample of sort.* under %s' % c['writer'])
        # what the writer runs (counts.json writer_work): its sort's CPU
        # under the writer (-raw), all of that function's (-top -cum)
        fn = [w for w in c['writer_work'] if w.startswith('sort.')][0]
        k = types.index('cpu')
        under = sum(v[k] for v, fr in samples if c['writer'] in fr and fn in fr)
        top = V.pprof('-top', '-cum', '-unit=ns', path(mode, c['cpu']))
        m = re.search(r'(\d+)ns\s+[\d.]+%\s+' + re.escape(fn) + r'$', top, re.M)
        if not m or int(m.group(1)) != under:
            problem(case, '%s: %s %d ns under %s (-raw), -top -cum %s'
                    % (c['cpu'], fn, under, c['writer'], m and m.group(1)))
        facts['section_fn'], facts['section_ns'] = fn, under
    facts['files'] = sorted(os.listdir(os.path.join(V.ROOT, DIR, mode)))
    return facts


# ---- 2. the golden outputs --------------------------------------------------

def unused_line(cmd, files):
    n = {}
    for f in files:
        k = kind_of(f)
        if k not in USES[cmd] and k not in [u[0] for u in UNUSED_LABEL]:
            k = 'other'   # a trace, which the command does not read: no profile
        if k not in USES[cmd]:
            n[k] = n.get(k, 0) + 1
    if not n:
        return ''
    parts = ['%d %s' % (n[k], one if n[k] == 1 else many) for k, one, many in UNUSED_LABEL if k in n]
    tot = sum(n.values())
    return 'heapscope: %s: not used: %d file%s (%s)\n' % (cmd, tot, '' if tot == 1 else 's', ', '.join(parts))


def case_utimes(name):
    """The @utime lines of a case: {path: seconds}."""
    with open(os.path.join(V.ROOT, 'tests', 'golden', 'cases', name + '.cmd')) as fh:
        return {w[1]: int(w[2]) for w in (l.split() for l in fh.read().split('\n'))
                if w and w[0] == '@utime'}


def want_err(cmd, name, files):
    """stderr of a case: the not-used line, then a line per twin left out
    (the bundle rule, written out in verify_inputs.py), in the order given."""
    import verify_inputs
    verify_inputs.V = V
    err = unused_line(cmd, [os.path.basename(p) for p in files])
    if cmd in ('leaks', 'blocking', 'growth'):
        for e in verify_inputs.expected(cmd, files, case_utimes(name)):
            if e['why'] and e['why'].startswith('twin of '):
                used = e['why'][len('twin of '):]
                err += ("heapscope: %s: '%s' and '%s' are one moment (twins): using '%s'\n"
                        % (cmd, e['path'], used, used))
    return err


def parse_label(s):
    m = re.match(r'^([-+]?[\d.]+)(B|kB|MB|GB)$', s)
    return float(m.group(1)) * {'B': 1, 'kB': 1 << 10, 'MB': 1 << 20, 'GB': 1 << 30}[m.group(2)], \
        {'B': 1, 'kB': 1 << 10, 'MB': 1 << 20, 'GB': 1 << 30}[m.group(2)]


def close(label, want):
    got, unit = parse_label(label)
    return abs(got - want) <= 0.006 * unit


def text_blocks(text, head):
    """Blocks of a text report, each starting at a line matching head."""
    blocks, cur = [], None
    for line in text.split('\n'):
        if re.match(head, line):
            cur = [line]
            blocks.append(cur)
        elif cur is not None and line.strip():
            cur.append(line)
    return ['\n'.join(b) for b in blocks]


def mechanism_named(c, s):
    pat = MECHANISM.get(c['kind'])
    return pat is None or re.search(pat, s, re.I)


def library_heap(p):
    """In-use bytes of the stacks with no own-code frame (no main. frame:
    these programs' own code is package main), in all and per leaf
    function, from pprof -raw."""
    types, samples = raw(p)
    k = types.index('inuse_space')
    per = {}
    for v, fr in samples:
        if fr and not any(x.startswith('main.') for x in fr):
            per[fr[0]] = per.get(fr[0], 0) + v[k]
    return sum(per.values()), per


def library_heap_json(name, c, cands, files):
    """leaks.h, library heap: heap growth with no own-code frame is never
    a candidate above low beside a growing goroutine group; it folds into
    the group, whose library_heap lies between its biggest site's bytes
    and all such bytes of the first and last heap profiles (pprof -raw)."""
    growing = any(x.get('grows') and 'wait' in x for x in cands)
    lib = [x['culprit'] for x in cands if x['kind'] == 'heap growth' and not x['culprit'].startswith('main.')
           and (growing or RANK[x['severity']] > RANK['low'])]
    if lib:
        problem(name, 'heap growth with no own-code frame as its own candidate: %s' % lib)
    heaps = [p for p in files if kind_of(os.path.basename(p)) == 'heap']
    lh = [x['library_heap'] for x in cands if 'library_heap' in x]
    if c['kind'] != 'goroutine leak' or not heaps:
        return
    if len(lh) != 1 or cands[0].get('library_heap') != lh[0]:
        return problem(name, 'want the leaking group (first) to hold the library heap, got %s' % lh)
    for key, p in (('first', heaps[0]), ('last', heaps[-1])):
        total, per = library_heap(path('pertask', os.path.basename(p)))
        if not per.get(lh[0]['site'], 0) <= lh[0][key] <= total:
            problem(name, 'library heap %s %d not within %s %d and all %d (pprof -raw of %s)'
                    % (key, lh[0][key], lh[0]['site'], per.get(lh[0]['site'], 0), total, p))
    if lh[0]['last'] <= lh[0]['first']:
        problem(name, 'library heap does not grow: %s' % lh[0])


def site_samples_added(files, site):
    """flat_samples_added for a leaks heap site: the samples whose innermost
    main. frame (else their leaf) is site."""
    return samples_added(files, lambda fr: next((x for x in fr if x.startswith('main.')),
                                                 fr[0]) == site)


def leaks_json(name, c, f, out, files):
    d = json.loads(out)
    cands = d['candidates']
    library_heap_json(name, c, cands, files)
    # growth's noise floor (growth.h) holds for leaks' heap growth sites too
    for k in cands:
        added = site_samples_added(files, k['culprit']) if k['kind'] == 'heap growth' else None
        if added is not None and added <= SIGMAS * SIGMAS:
            problem(name, 'heap growth %s: %d raw samples added, within the noise floor %d (pprof -raw)'
                    % (k['culprit'], added, SIGMAS * SIGMAS))
    above = [(x['severity'], x['culprit']) for x in cands if RANK[x['severity']] > RANK['low']]
    if c['kind'] in ('healthy', 'lock contention'):
        if above:
            problem(name, 'no leak: nothing may be above low, got %s' % above)
        # the numbers behind the verdict: goroutines flat at the dumps' count
        s, n = d['summary'], c['per_moment'][-1]['goroutines_total']
        if (s['goroutines_first'], s['goroutines_last'], s['heap_snapshots']) != (n, n, len(c['per_moment'])):
            problem(name, 'summary goroutines %s -> %s over %s heap profiles, want %d -> %d over %d'
                    % (s['goroutines_first'], s['goroutines_last'], s['heap_snapshots'], n, n, len(c['per_moment'])))
        if c['kind'] == 'healthy' and (s['biggest_group'], s['biggest_group_culprit']) != (c['workers'], c['worker']):
            problem(name, 'biggest group %d at %s, want the %d workers at %s'
                    % (s['biggest_group'], s['biggest_group_culprit'], c['workers'], c['worker']))
        return
    if not cands:
        return problem(name, 'no candidate; want %s' % c['culprit'])
    for k in cands:
        if k['kind'] == 'heap growth':
            check_instances_json(name, c, k)
    top = cands[0]
    if top['culprit'] != c['culprit'] or top['severity'] != 'high':
        problem(name, 'first candidate %s %s, want high %s' % (top['severity'], top['culprit'], c['culprit']))
    if not mechanism_named(c, ' '.join(str(top.get(k, '')) for k in ('kind', 'mechanism'))):
        problem(name, 'first candidate kind %r does not name the mechanism %r' % (top.get('kind'), c['kind']))
    # the facts, on the candidate that names the culprit (the first one when right)
    top = next((x for x in cands if x['culprit'] == c['culprit']), top)
    ev = {e['file']: e for e in top.get('evidence', [])}
    if c['kind'] == 'goroutine leak':
        last = c['per_moment'][-1]['leaked_goroutines']
        at = {path('pertask', m['goroutine_dump']): m['leaked_goroutines'] for m in c['per_moment']}
        # goroutine.pb.gz and the trace are the last moment (the group at the trace's end)
        want = {p: at.get(p, last) for p in series_files(name, files)}
        got = {k: e.get('goroutines') for k, e in ev.items() if k in want}
        if got != want:
            problem(name, 'goroutines per file %s, want %s' % (got, want))
        if top.get('goroutines') != last or top.get('grows') is not True:
            problem(name, 'goroutines %s grows %s, want %d and growing' % (top.get('goroutines'), top.get('grows'), last))
        if top.get('created_by') != c['created_by']:
            problem(name, 'created_by %s, want %s' % (top.get('created_by'), c['created_by']))
        if shows_caller(files) and c['creator_chain'][0] not in json.dumps(top):
            problem(name, 'the handler that calls %s (%s) is not named' % (c['created_by'], c['creator_chain'][0]))
        if top.get('created_by_callers'):
            names_caller(name, c, top.get('created_by_callers_file'))
        dup = [x for x in cands if x is not top and x['culprit'] == c['culprit'] and 'goroutines' in x]
        if dup:
            problem(name, 'the leaking goroutines again as %s' % [(x['kind'], x['goroutines']) for x in dup])
        check_builds_json(name, c, top, cands, files)
    else:
        want = {path(c['mode'], m['heap']): m['heap_under'][c['culprit']]['inuse_space'] for m in c['per_moment']}
        got = {k: e.get('inuse_bytes') for k, e in ev.items()}
        if got != want:
            problem(name, 'in-use bytes under %s per profile %s, want %s' % (c['culprit'], got, want))


def leaks_text(name, c, f, out, files):
    blocks = text_blocks(out, r'^(high|medium|low) +\S')
    # library heap (leaks.h): above low, heap growth names own code
    lib = [b.split('\n')[0] for b in blocks if re.match(r'^(high|medium) +(?!main\.)\S+ +\(heap growth', b)]
    if lib:
        problem(name, 'heap growth with no own-code frame above low: %s' % lib)
    above = [b.split('\n')[0] for b in blocks if not b.startswith('low')]
    if c['kind'] in ('healthy', 'lock contention'):
        if above:
            problem(name, 'no leak: nothing may be above low, got %s' % above)
        n = c['per_moment'][-1]['goroutines_total']
        flat = ('   goroutines: %d -> %d over ' % (n, n), '   goroutines: flat at %d over ' % n)
        if 'No leak signal' not in out or not any(f in out for f in flat):
            problem(name, 'no "No leak signal" verdict with goroutines %d -> %d' % (n, n))
        return
    if not blocks:
        return problem(name, 'no candidate')
    for b in blocks:
        check_instances_text(name, c, b)
    top = blocks[0]
    m = re.match(r'^(\w+) +(\S+)', top)
    if m.groups() != ('high', c['culprit']):
        problem(name, 'first candidate %s, want high %s' % (m.groups(), c['culprit']))
    if not mechanism_named(c, top):
        problem(name, 'the first candidate does not name the mechanism %r' % c['kind'])
    top = next((b for b in blocks if re.match(r'^\w+ +%s ' % re.escape(c['culprit']), b)), top)
    if c['kind'] == 'goroutine leak':
        counts = [m['leaked_goroutines'] for m in c['per_moment']]
        if not re.search(r'^   - %d goroutines in %s$' % (counts[-1], c['state']), top, re.M):
            problem(name, 'no "%d goroutines in %s" line' % (counts[-1], c['state']))
        g = re.search(r'count grows across \d+ snapshots: ([\d >-]+)$', top, re.M)
        if not g or [int(x) for x in g.group(1).split(' -> ')] not in (counts, counts + [counts[-1]] * 2):
            problem(name, 'no growth line %s' % ' -> '.join(map(str, counts)))
        if 'created by %s' % c['created_by'] not in top:
            problem(name, 'no "created by %s"' % c['created_by'])
        if shows_caller(files) and c['creator_chain'][0] not in top:
            problem(name, 'the handler that calls %s (%s) is not named' % (c['created_by'], c['creator_chain'][0]))
        by = re.search(r'called as .* \((\S+)\)$', top, re.M)
        if by:
            names_caller(name, c, by.group(1))
        if len([b for b in blocks if re.match(r'^\w+ +%s ' % re.escape(c['culprit']), b) and 'goroutines' in b]) > 1:
            problem(name, 'the leaking goroutines are listed twice')
        check_builds_text(name, c, top, blocks, files)
    else:
        h = re.search(r'inuse_space (\S+) -> (\S+) over', top)
        per = [m['heap_under'][c['culprit']]['inuse_space'] for m in c['per_moment']]
        if not h or not close(h.group(1), per[0]) or not close(h.group(2), per[-1]):
            problem(name, 'in-use bytes %s, want %d -> %d' % (h and h.groups(), per[0], per[-1]))


def series_files(name, files):
    """The goroutine files that are points of the leaking group's series:
    the goroutine dumps and profiles used (a twin left out for its twin is
    no point: verify_inputs.py), and a trace only when no goroutine dump or
    profile is given (leaks.h: a trace of the last requests sees the
    goroutines it saw created, not a snapshot beside the dumps)."""
    import verify_inputs
    verify_inputs.V = V
    used = {e['path'] for e in verify_inputs.expected('leaks', files, case_utimes(name)) if e['used']}
    g = [p for p in files if p in used and kind_of(os.path.basename(p)) == 'goroutine']
    return g or [p for p in files if p in used and kind_of(os.path.basename(p)) == 'trace']


def names_caller(name, c, f):
    """The file named as showing who calls the creator holds the handler's
    name: in a dump's text, among a heap profile's frames (pprof -raw), in a
    trace's string table (the names of its stacks' frames)."""
    handler = c['creator_chain'][0]
    if not f or not os.path.exists(os.path.join(V.ROOT, f)):
        return problem(name, 'the callers of %s are said to come from %r' % (c['created_by'], f))
    k = kind_of(os.path.basename(f))
    if k == 'heap':
        held = handler in V.pprof('-raw', f)
    else:
        with gzip.open(os.path.join(V.ROOT, f)) as fh:
            held = handler.encode() in fh.read()
    if not held:
        problem(name, '%s is said to show %s calling %s, but it never names it' % (f, handler, c['created_by']))


def shows_caller(files):
    """The creator's caller is in the input: a heap profile (the
    constructor's allocations under the handler) or a trace (GoCreate
    stacks); a debug=2 dump names only the creator."""
    return any(kind_of(os.path.basename(p)) in ('heap', 'trace') for p in files)


def is_idle(s):
    return re.search(r'\bidle\b', s, re.I)


def has_trace(files):
    return any(kind_of(os.path.basename(p)) == 'trace' for p in files)


DUR = {'ns': 1, 'us': 1e3, 'ms': 1e6, 's': 1e9}


def dur_close(label, ns):
    """A duration as the writers print it (1.13s, 690ms) against ns."""
    m = re.match(r'^([\d.]+)(ns|us|ms|s)$', label)
    return m and abs(float(m.group(1)) * DUR[m.group(2)] - ns) <= 0.006 * ns


def lock_facts(c):
    """The numbers each side of the RWMutex must show: the latest
    cumulative profile's (pprof -raw of the last block/mutex profile)."""
    last = c['per_moment'][-1]
    return {'RLock': (c['readers'],) + last['_wait'], 'Unlock': (c['writer'],) + last['_hold']}


def blocking_json(name, c, f, out, files):
    d = json.loads(out)
    hs = d['hotspots']
    if c['kind'] == 'goroutine leak':
        last = c['per_moment'][-1]['leaked_goroutines']
        if not hs or hs[0]['culprit'] != c['culprit'] or hs[0]['goroutines'] != last:
            problem(name, 'first hotspot %s, want %s with %d goroutines'
                    % (hs and (hs[0]['culprit'], hs[0]['goroutines']), c['culprit'], last))
        again = [(h['kind'], h['goroutines']) for h in hs[1:] if h['culprit'] == c['culprit'] and h['goroutines']]
        if again:
            problem(name, 'the leaking goroutines listed again: %s' % again)
        if has_trace(files):
            # the trace's record: alive at its end, of them created in its window
            ev = [e for e in (hs[0]['evidence'] if hs else []) if e['file'].endswith('/' + c['trace'])]
            want = (f['trace_alive'], f['trace_created'])
            if [(e['goroutines'], e.get('created_in_window')) for e in ev] != [want]:
                problem(name, 'the trace\'s record %s, want %d alive at its end, %d created in its window (go tool trace -d)'
                        % (ev, want[0], want[1]))
    elif c['kind'] == 'lock contention':
        last = c['per_moment'][-1]
        first = hs[0] if hs else {}
        if first.get('culprit') != c['readers'] or first.get('goroutines') != last['readers_waiting']:
            problem(name, 'first hotspot %s, want the readers %s with %d goroutines'
                    % ((first.get('culprit'), first.get('goroutines')), c['readers'], last['readers_waiting']))
        if c['writer'] not in json.dumps(first):
            problem(name, 'the readers waiting in RLock are not linked to the writer %s' % c['writer'])
        if not re.search(r'"sort\.', json.dumps([h for h in hs if c['writer'] in json.dumps(h)])):
            problem(name, 'the CPU profile\'s sort.* inside %s is not shown' % c['writer'])
        want = {'waiting': last['_wait'][0], 'holding': last['_hold'][0]}
        for h in hs:
            s = h.get('side')
            if s in want and h['culprit'] in (c['readers'], c['writer']) and h.get('contentions') != want[s]:
                problem(name, '%s side at %s: %d contentions, want %d (the latest cumulative profile, not a sum)'
                        % (s, h['culprit'], h.get('contentions'), want[s]))
        # the link on the readers: the writer with its mutex profile numbers
        # and what the CPU profile says runs in its section
        held = first.get('held_by') or {}
        if (held.get('culprit'), held.get('contentions'), held.get('delay_ns')) != lock_facts(c)['Unlock']:
            problem(name, 'the readers held by %s, want %s (mutex profile -raw)' % (held, lock_facts(c)['Unlock']))
        cpu = {x['name']: x['cpu_ns'] for x in first.get('cpu_in_section', [])}
        if cpu.get(f['section_fn']) != f['section_ns']:
            problem(name, 'in the section %s, want %s %d ns (cpu -raw, -top -cum)' % (cpu, f['section_fn'], f['section_ns']))
        for site in d.get('lock_sites', []):
            for p in site['parts']:
                w = lock_facts(c).get(p['op'])
                if w and p['func'] == w[0] and (p['contentions'], p['delay_ns']) != w[1:]:
                    problem(name, 'lock site %s %s: %d contentions %d ns, want %s (the latest profile, not a sum)'
                            % (site['site'], p['op'], p['contentions'], p['delay_ns'], w[1:]))
    else:
        busy = [h['culprit'] for h in hs if not is_idle(json.dumps(h))]
        if busy:
            problem(name, 'nothing contends here: every hotspot is an idle wait, not marked idle: %s' % busy)


def blocking_text(name, c, f, out, files):
    hs = text_blocks(out, r'^\d+\. ')
    idle_section = False
    marked = []
    for line in out.split('\n'):
        if re.match(r'^\S', line) and not re.match(r'^\d+\. ', line) and is_idle(line):
            idle_section = True
    head = lambda b: re.match(r'^\d+\. (\S+) +\[([^\]]*)\] +(\d+) goroutines?', b)
    if c['kind'] == 'goroutine leak':
        last = c['per_moment'][-1]['leaked_goroutines']
        h = head(hs[0]) if hs else None
        if not h or h.group(1) != c['culprit'] or int(h.group(3)) != last:
            problem(name, 'first hotspot %s, want %s with %d goroutines' % (h and h.groups(), c['culprit'], last))
        again = [b.split('\n')[0] for b in hs[1:] if head(b) and head(b).group(1) == c['culprit'] and int(head(b).group(3))]
        if again:
            problem(name, 'the leaking goroutines listed again: %s' % again)
        if has_trace(files):
            ev = [l for l in (hs[0] if hs else '').split('\n') if '/' + c['trace'] + ':' in l]
            got = [(re.search(r'(\d+) alive\b', l), re.search(r'(\d+) created\b', l)) for l in ev]
            got = [(int(a.group(1)), int(b.group(1))) if a and b else l for (a, b), l in zip(got, ev)]
            if got != [(f['trace_alive'], f['trace_created'])]:
                problem(name, 'the trace\'s record %s, want %d alive at its end, %d created in its window (go tool trace -d)'
                        % (ev, f['trace_alive'], f['trace_created']))
    elif c['kind'] == 'lock contention':
        last = c['per_moment'][-1]
        h = head(hs[0]) if hs else None
        if not h or h.group(1) != c['readers'] or int(h.group(3)) != last['readers_waiting']:
            problem(name, 'first hotspot %s, want the readers %s with %d goroutines'
                    % (h and h.groups(), c['readers'], last['readers_waiting']))
        if not hs or c['writer'] not in hs[0]:
            problem(name, 'the readers waiting in RLock are not linked to the writer %s' % c['writer'])
        if not any(c['writer'] in b and re.search(r'\bsort\.', b) for b in hs):
            problem(name, 'the CPU profile\'s sort.* inside %s is not shown' % c['writer'])
        for b in hs:
            m = re.match(r'^\d+\. (\S+) +\[[^\]]*\b(waiting|holding)\] .* (\d+) contentions', b)
            if m and m.group(1) in (c['readers'], c['writer']):
                want = last['_wait'][0] if m.group(2) == 'waiting' else last['_hold'][0]
                if int(m.group(3)) != want:
                    problem(name, '%s side at %s: %s contentions, want %d (the latest cumulative profile, not a sum)'
                            % (m.group(2), m.group(1), m.group(3), want))
        # the readers' link: the writer's line with its contentions and the
        # section's CPU; the lock site's parts with the latest profile's
        w = lock_facts(c)
        link = [l for l in (hs[0] if hs else '').split('\n') if c['writer'] in l]
        m = re.search(r'(\d+) contentions, (\S+) delay', link[0]) if link else None
        sec = re.search(re.escape(f['section_fn']) + r' (\S+?)[,;) ]', link[0] + ' ') if link else None
        if not m or int(m.group(1)) != w['Unlock'][1] or not dur_close(m.group(2), w['Unlock'][2]) \
                or not sec or not dur_close(sec.group(1), f['section_ns']):
            problem(name, 'the readers\' link to %s: %s; want %d contentions, %d ns, %s %d ns'
                    % (c['writer'], link[:1], w['Unlock'][1], w['Unlock'][2], f['section_fn'], f['section_ns']))
        for op, (fn, n, ns) in w.items():
            for l in re.findall(r'^ +(?:waiting|holding) +%s +%s: .*$' % (op, re.escape(fn)), out, re.M):
                m = re.search(r'(\d+) contentions, (\S+) delay', l)
                if not m or int(m.group(1)) != n or not dur_close(m.group(2), ns):
                    problem(name, 'lock site %s %s: %s, want %d contentions, %d ns (the latest profile, not a sum)'
                            % (op, fn, l.strip(), n, ns))
    else:
        busy = [b.split('\n')[0] for b in hs if not (idle_section or is_idle(b))]
        if busy:
            problem(name, 'nothing contends here: every hotspot is an idle wait, not marked idle: %s' % busy)


def growth_json(name, c, f, out, files):
    d = json.loads(out)
    if d['total']['values'] != f['heap_total']:
        problem(name, 'totals %s, pprof -raw %s' % (d['total']['values'], f['heap_total']))
    for r in d['rows']:
        want = [fl.get(r['name'], 0) for fl in f['flat']]
        if r['values'] != want:
            problem(name, 'row %s %s, pprof -raw flat %s' % (r['name'], r['values'], want))
    cands = [r for r in d['rows'] if r.get('candidate')]
    for r in d['rows']:
        want = own_culprit(files, r['name']) if r.get('candidate') else None
        got = r.get('own_culprit')
        if (got and (got['name'], got['growth'])) != want:
            problem(name, '%s: own culprit %s, pprof -raw %s' % (r['name'], got, want))
    noise_floor(name, d, files, min_growth(name))
    if not c['growth_culprit']:
        if cands:
            problem(name, 'nothing grows: no candidate, got %s' % [r['name'] for r in cands])
        return
    if not cands or cands[0]['name'] != c['growth_culprit']:
        problem(name, 'first candidate %s, want %s' % (cands and cands[0]['name'], c['growth_culprit']))
    least = min_growth(name)
    for r in cands:
        if r['values'][-1] - r['values'][0] < least:
            problem(name, 'candidate %s %s: grows less than %d' % (r['name'], r['values'], least))
        if least >= 1 << 20 and not r['name'].startswith('main.'):
            problem(name, 'candidate %s: not own code' % r['name'])


def min_growth(name):
    """The case's --min-growth in bytes (kB = 1024), else the 1 MiB default."""
    with open(os.path.join(V.ROOT, 'tests', 'golden', 'cases', name + '.cmd')) as fh:
        m = re.search(r'--min-growth (\d+)(kB|MB)?', fh.read())
    return int(m.group(1)) * {None: 1, 'kB': 1 << 10, 'MB': 1 << 20}[m.group(2)] if m else 1 << 20


def flat_samples_added(files, fn):
    """On sampled heap profiles (pprof -raw's Period in bytes > 1), the raw
    samples fn as the leaf (flat) added from the first heap profile to the
    last.  None on exact profiles."""
    return samples_added(files, lambda fr: fr[0] == fn)


def samples_added(files, pick):
    """The raw samples of the stacks pick(frames) chooses, added from the
    first heap profile to the last: each sample's inuse_objects over pprof's
    scale at its object size (inuse_space // inuse_objects), rounded (the
    runtime's records count whole samples).  None on exact profiles."""
    heaps = [f for f in files if os.path.basename(f).startswith('heap')]
    if not heaps or period(heaps[0]) <= 1:
        return None
    n = []
    for p in (heaps[0], heaps[-1]):
        types, samples = raw(p)
        io, isp = types.index('inuse_objects'), types.index('inuse_space')
        rate = period(p)
        n.append(sum(round(v[io] / scale(v[isp] // v[io], rate)) for v, fr in samples
                     if v[io] > 0 and fr and pick(fr)))
    return n[1] - n[0]


def growth_rule(d, r, least):
    """growth.h's candidate rule without the noise floor, redone on a JSON
    row: 3+ profiles, least-squares slope over the profiles' minutes > 0,
    monotonic >= 0.8, rising >= 0.5, growth > 1% of the last total and
    >= least."""
    v, t = r['values'], [p['minutes'] for p in d['profiles']]
    n = len(v)
    if n < 3:
        return False
    mt, mv = sum(t) / n, sum(v) / n
    sxx = sum((x - mt) ** 2 for x in t)
    slope = sum((x - mt) * (y - mv) for x, y in zip(t, v)) / sxx if sxx else 0
    steps = list(zip(v, v[1:]))
    grow = v[-1] - v[0]
    return slope > 0 and sum(b >= a for a, b in steps) >= 0.8 * len(steps) and \
        sum(b > a for a, b in steps) >= 0.5 * len(steps) and \
        grow > 0.01 * abs(d['total']['values'][-1]) and grow >= least and grow > 0


def noise_floor(name, d, files, least):
    """The noise floor of growth.h redone from pprof -raw: on sampled heap
    profiles a row is a candidate when the rule holds and its raw samples
    added (flat_samples_added) are more than SIGMAS**2, `noise` when the
    rule holds and they are not; on exact profiles the rule alone, and no
    sampling field."""
    heaps = [f for f in files if os.path.basename(f).startswith('heap')]
    rate = period(heaps[0]) if heaps else 1
    rule = d['candidate_rule']
    if (rule.get('sampling_period'), rule.get('noise_sigmas')) != ((rate, SIGMAS) if rate > 1 else (None, None)):
        problem(name, 'candidate rule %s, pprof -raw period %d' % (rule, rate))
    for r in d['rows']:
        ok = growth_rule(d, r, least)
        added = flat_samples_added(files, r['name'])
        if added is None:
            if r['candidate'] != ok or 'noise' in r or 'samples_added' in r:
                problem(name, '%s: candidate %s, the rule %s (exact profiles)' % (r['name'], r['candidate'], ok))
            continue
        floor = added > SIGMAS * SIGMAS
        if abs(r.get('samples_added', -1e9) - added) > 1e-3:
            problem(name, '%s: %s samples added, pprof -raw %d' % (r['name'], r.get('samples_added'), added))
        if (r['candidate'], r.get('noise')) != (ok and floor, ok and not floor):
            problem(name, '%s: candidate %s noise %s; the rule %s, %d raw samples added (floor %d)'
                    % (r['name'], r['candidate'], r.get('noise'), ok, added, SIGMAS * SIGMAS))


def own_culprit(files, fn):
    """For a function that is not own code (the services are package main):
    over the first and last heap profiles' samples (pprof -raw) whose leaf
    is fn, the innermost main. frame whose stacks' inuse_space grew most,
    and that growth; None when fn is own code or none grew."""
    if fn.startswith('main.'):
        return None
    heaps = [f for f in files if os.path.basename(f).startswith('heap')]
    sums = {}
    for sign, p in ((-1, heaps[0]), (1, heaps[-1])):
        types, samples = raw(p)
        k = types.index('inuse_space')
        for v, fr in samples:
            own = next((f for f in fr if f.startswith('main.')), None)
            if fr and fr[0] == fn and own:
                sums[own] = sums.get(own, 0) + sign * v[k]
    best = sorted((-g, o) for o, g in sums.items() if g > 0)
    return (best[0][1], -best[0][0]) if best else None


def growth_text(name, c, f, out, files):
    stars = [l for l in out.split('\n') if l.startswith('*')]
    for l in stars:
        m = re.search(r'  (\S+)  \(own code: (\S+), \+(\S+) of it\)$', l)
        fn = m.group(1) if m else l.split()[-1]
        want = own_culprit(files, fn)
        if (m and m.group(2)) != (want and want[0]) or (m and not close(m.group(3), want[1])):
            problem(name, '%s: own culprit %s, pprof -raw %s' % (fn, m and m.groups()[1:], want))
    stars = [re.sub(r'  \(own code: .*\)$', '', l) for l in stars]
    # the noise floor (growth.h): '*' rows stand on more than SIGMAS**2 raw
    # samples added, '~' rows on no more (pprof -raw), sampled profiles only
    sampled = re.search(r'^Sampled every (\S+) \(MemProfileRate\)', out, re.M)
    heaps = [p for p in files if os.path.basename(p).startswith('heap')]
    rate = period(heaps[0]) if heaps else 1
    if bool(sampled) != (rate > 1) or (sampled and not close(sampled.group(1), rate)):
        problem(name, 'sampling line %s, pprof -raw period %d' % (sampled and sampled.group(0), rate))
    for l in out.split('\n'):
        if l[:1] in '*~' and l and rate > 1:
            fn = re.sub(r'  \(own code: .*\)$', '', l).split()[-1]
            added = flat_samples_added(files, fn)
            if (l[0] == '*') != (added > SIGMAS * SIGMAS):
                problem(name, '%s marked %s: %d raw samples added (floor %d)' % (fn, l[0], added, SIGMAS * SIGMAS))
    names = [l.split()[-1] for l in stars]
    if not c['growth_culprit']:
        if stars:
            problem(name, 'nothing grows: no candidate, got %s' % names)
        return
    if not names or names[0] != c['growth_culprit']:
        return problem(name, 'first candidate %s, want %s' % (names[:1], c['growth_culprit']))
    last = stars[0].split()[-2]
    if not close(last, f['flat'][-1].get(c['growth_culprit'], 0)):
        problem(name, '%s last %s, pprof -raw flat %d' % (names[0], last, f['flat'][-1].get(names[0], 0)))


def case_files(name):
    """The files a case gives heapscope (a folder: the files in it)."""
    with open(os.path.join(V.ROOT, 'tests', 'golden', 'cases', name + '.cmd')) as fh:
        words = [l for l in fh.read().split('\n') if l.startswith('heapscope ')][0].split()[2:]
    out, skip = [], False
    for w in words:
        if skip or w.startswith('-'):
            skip = w in ('--format', '--min-growth', '--own')   # their value is no file
            continue
        full = os.path.join(V.ROOT, w)
        out += [os.path.join(w, n) for n in sorted(os.listdir(full))] if os.path.isdir(full) else [w]
    return out


CHECKS = {'leaks': (leaks_text, leaks_json), 'blocking': (blocking_text, blocking_json),
          'growth': (growth_text, growth_json)}
# cases beyond one per command and folder: leaks on pertask's dumps alone,
# with the heap profiles, with the trace (which sources name the handler)
EXTRA = [('leaks', 'pertask', 'svc-leaks-pertask-' + v) for v in ('dumps', 'heap', 'trace')] + \
    [('growth', 'pertask', 'svc-growth-pertask-small')]   # --min-growth 100kB: library rows too


def checked(check, name, c, f, out, files):
    """check(), an output of another shape (a field renamed, not JSON) being
    a problem of the case, not a crash of the script."""
    try:
        check(name, c, f, out, files)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as e:
        problem(name, 'output not of the expected shape: %s: %s' % (type(e).__name__, e))


def load_all():
    cases = [(cmd, mode, 'svc-%s-%s' % (cmd, mode)) for mode in MODES for cmd in CHECKS] + EXTRA
    counts, facts = {}, {}
    for mode in MODES:
        with open(os.path.join(V.ROOT, DIR, mode, 'counts.json')) as fh:
            counts[mode] = json.load(fh)
        counts[mode]['mode'] = mode
        facts[mode] = artifacts(mode, counts[mode])
    return cases, counts, facts


def run(v):
    global V, PROBLEMS
    V, PROBLEMS = v, v.problems
    cases, counts, facts = load_all()
    for cmd, mode, base in cases:
        for name, check in zip((base, base + '-json'), CHECKS[cmd]):
            V.checked.add(name)
            out = V.golden(name, 'out')
            if out is None:
                problem(name, 'no golden output')
                continue
            files = case_files(name)
            checked(check, name, counts[mode], facts[mode], out, files)
            V.expect(name, 'err', want_err(cmd, name, files))
            V.expect(name, 'code', '0\n')


def live(heapscope, root):
    """Runs each svc-* case's command and checks the properties on what
    heapscope prints now.  Fails on a case without .xfail whose output lacks
    a property, and on an xfail case whose output has them all (the bug is
    fixed: remove its .xfail, run.py --update it, run verify.py), so that a
    fix is seen even when its wording differs from the corrected golden."""
    import shlex
    import sys
    global V, PROBLEMS
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import verify
    import shutil
    if not shutil.which('go'):
        return verify.ci_gate.skip('go is not installed (go tool pprof, go tool trace)')
    V = verify
    V.ROOT = os.path.abspath(root)
    V.CASES = os.path.join(V.ROOT, 'tests', 'golden', 'cases')
    PROBLEMS = []
    cases, counts, facts = load_all()
    failed = PROBLEMS[:]
    env = dict(os.environ, TZ='UTC', LC_ALL='C')
    for cmd, mode, base in cases:
        for name, check in zip((base, base + '-json'), CHECKS[cmd]):
            with open(os.path.join(V.CASES, name + '.cmd')) as fh:
                words = shlex.split([l for l in fh.read().split('\n') if l.startswith('heapscope ')][0])
            for path, t in case_utimes(name).items():   # as run.py sets them
                os.utime(os.path.join(V.ROOT, path), (t, t))
            p = subprocess.run([os.path.abspath(heapscope)] + words[1:], cwd=V.ROOT, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=120)
            PROBLEMS = []
            files = case_files(name)
            checked(check, name, counts[mode], facts[mode], p.stdout.decode(), files)
            want = want_err(cmd, name, files)
            if p.stderr.decode() != want or p.returncode != 0:
                problem(name, 'stderr %r exit %d, want %r exit 0' % (p.stderr.decode(), p.returncode, want))
            xfail = os.path.exists(os.path.join(V.CASES, name + '.xfail'))
            if PROBLEMS and not xfail:
                print('FAIL %s' % name)
                failed += PROBLEMS
            elif not PROBLEMS and xfail:
                print('FIXED %s: its properties hold now: remove %s.xfail, run.py --update it, run verify.py'
                      % (name, name))
                failed.append('%s: fixed' % name)
            elif PROBLEMS:
                print('xfail %s: %s' % (name, PROBLEMS[0].split(': ', 1)[1]))
            else:
                print('ok %s' % name)
    for p in failed:
        print(p)
    print('%d svc cases, %d problems' % (sum(2 for _ in cases), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    import sys
    if len(sys.argv) != 3:
        print('usage: verify_services.py HEAPSCOPE SOURCE_ROOT', file=sys.stderr)
        sys.exit(2)
    sys.exit(live(sys.argv[1], sys.argv[2]))
