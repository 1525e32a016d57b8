#!/usr/bin/env python3
"""Writes the expected files of the xfail bundle-* golden cases: the correct
output, as heapscope prints it on the files it should use (the three debug=2
dumps, the three heap pb.gz, in time order) plus the stderr a fixed
heapscope owes (the truncated file, "not used" by kind, the twins with the
richer file used); for blocking today's output with each contention total
taken from the last cumulative profile.  verify_bundle.py checks the result
like any other expected file.

usage: tests/golden/bundle_xfail.py [HEAPSCOPE]   (after run.py --update 'bundle-*')
"""
import json, os, re, subprocess, sys
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
H = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ROOT + '/build/heapscope'
D = 'testdata/bundle/dumps'
CASES = ROOT + '/tests/golden/cases/'
C = json.load(open(ROOT + '/testdata/bundle/counts.json'))
env = dict(os.environ, TZ='UTC', LC_ALL='C')

def run(*args):
    p = subprocess.run([H] + list(args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.stdout.decode(), p.stderr.decode(), p.returncode

def f(kind, fmt, m, profile=None):
    return [D + '/' + n for n, fi in sorted(C['files'].items()) if fi['kind'] == kind and fi['format'] == fmt
            and fi['moment'] == m and (profile is None or fi['profile'] == profile)][0]

M = [1, 2, 3]
G = [f('goroutine', 'debug2', m) for m in M]
P = [f('heap', 'pb', m, 'heap') for m in M]
corrupt = [D + '/' + n for n, fi in C['files'].items() if fi.get('corrupt')][0]

_, _err, _ = run('info', corrupt)
def corrupt_line(cmd):
    return next(l for l in _err.splitlines() if corrupt in l).replace('heapscope: info:', 'heapscope: %s:' % cmd) + '\n'

def twins(cmd, kinds):
    out = ''
    for kind in kinds:
        for m in M:
            if kind == 'goroutine':
                used = f('goroutine', 'debug2', m)
                others = [f('goroutine', 'debug1', m), f('goroutine', 'pb', m)]
            else:
                used = f('heap', 'pb', m, 'heap')
                others = [f('heap', 'debug1', m), f('heap', 'pb', m, 'allocs')]
            for o in others:
                out += "heapscope: %s: '%s' and '%s' are one moment (twins): using '%s'\n" % (cmd, o, used, used)
    return out

def write(name, out, err, code=2, reason=None):
    for ext, data in (('out', out), ('err', err), ('code', '%d\n' % code)):
        open(CASES + name + '.' + ext, 'w').write(data)
    open(CASES + name + '.xfail', 'w').write(reason + '\n')

R = {
 'info': "trace, heap dump and gctrace files are reported as errors ('not a profile heapscope reads') instead of described or listed as not used (only the truncated pb.gz is an error); text heap profiles have no time (JSON time_nanos 0, not their LastGC)",
 'leaks': "twins across formats and the traces make 6 goroutine and 6 heap snapshots instead of 3 (the watch group 'does not grow', a second 'pile-up' candidate for the same goroutines from the traces' waiting state, no main.newSession heap candidate); the gctrace log is not used",
 'goroutines': "stops at the first file that is no goroutine profile (exit 2, nothing printed) instead of using the 3 goroutine moments (twins once, time order) and listing the rest as not used",
 'growth': "stops at the first block profile (exit 2, nothing printed) instead of the heap series of 3 moments (twins once, time order) with the other files listed as not used",
 'blocking': "sums block and mutex profiles taken at several moments, though each is cumulative since the process started, and adds the traces' waits that the block profile already holds (main.warmUp: 3 contentions for its one wait); a hotspot's total is the last profile's",
}
for js in (False, True):
    sfx = '-json' if js else ''
    fmt = ['--format', 'json'] if js else []
    # info: stdout as today (JSON: a text heap profile's time is its
    # LastGC), the 7 other files listed as not used
    out = open(CASES + 'bundle-info%s.out' % sfx).read()
    if js:
        entries = json.loads(out)
        for e in entries:
            fi = C['files'][e['file'][len(D) + 1:]]
            if fi['time_from'] == 'lastgc':
                e['time_nanos'] = fi['own_time_nanos']
        out = json.dumps(entries, separators=(',', ':')) + '\n'
    write('bundle-info' + sfx, out, corrupt_line('info') + 'heapscope: info: not used: 7 files (7 other files)\n',
          reason=R['info'])
    out, _, _ = run('leaks', *fmt, *G, *P)
    write('bundle-leaks' + sfx, out, corrupt_line('leaks') + 'heapscope: leaks: not used: 12 files (6 contention (block or mutex) profiles, 3 cpu profiles, 3 threadcreate profiles)\n'
          + twins('leaks', ['goroutine', 'heap']), reason=R['leaks'])
    out, _, _ = run('goroutines', *fmt, *G)
    write('bundle-goroutines' + sfx, out, corrupt_line('goroutines') + 'heapscope: goroutines: not used: 28 files (9 heap profiles, 6 contention (block or mutex) profiles, 3 cpu profiles, 3 threadcreate profiles, 7 other files)\n'
          + twins('goroutines', ['goroutine']), reason=R['goroutines'])
    out, _, _ = run('growth', *fmt, *P)
    write('bundle-growth' + sfx, out, corrupt_line('growth') + 'heapscope: growth: not used: 27 files (9 goroutine profiles, 6 contention (block or mutex) profiles, 3 cpu profiles, 3 threadcreate profiles, 6 other files)\n'
          + twins('growth', ['heap']), reason=R['growth'])

# blocking: the contention totals of the last cumulative profile
def is_prof(fn):
    return re.search(r'/(block|mutex)-', fn) is not None
js = json.loads(open(CASES + 'bundle-blocking-json.out').read())
for h in js['hotspots']:
    ev = [e for e in h['evidence'] if e.get('source') == 'contention' and is_prof(e['file'])]
    if ev:
        h['contentions'], h['delay_ns'] = ev[-1]['contentions'], ev[-1]['delay_ns']
js['hotspots'].sort(key=lambda h: (-h['goroutines'], -h['delay_ns']))
order = [(h['culprit'], h['kind'], h.get('side', '')) for h in js['hotspots']]
raw = open(CASES + 'bundle-blocking-json.out').read()
write('bundle-blocking-json', json.dumps(js, separators=(',', ':')) + ('\n' if raw.endswith('\n') else ''),
      open(CASES + 'bundle-blocking-json.err').read(), reason=R['blocking'])
text = open(CASES + 'bundle-blocking.out').read()
head, _, rest = text.partition('\n\n')
blocks = rest.rstrip('\n').split('\n\n')
keyed = {}
for b in blocks:
    lines = b.split('\n')
    m = re.match(r'^\d+\. (\S+)  \[([^,\]]+)(?:, (\w+))?\]  (.*)$', lines[0])
    ev = [l for l in lines if re.match(r'^   - \S+/(block|mutex)-', l)]
    if ev:
        last = re.search(r': (\d+ contentions?, \S+ delay)', ev[-1]).group(1)
        lines[0] = re.sub(r'\d+ contentions?, \S+ delay', last, lines[0])
    keyed[(m.group(1), m.group(2), m.group(3) or '')] = lines
new = []
for i, k in enumerate(order):
    lines = keyed[k]
    lines[0] = re.sub(r'^\d+\.', '%d.' % (i + 1), lines[0])
    new.append('\n'.join(lines))
write('bundle-blocking', head + '\n\n' + '\n\n'.join(new) + '\n', open(CASES + 'bundle-blocking.err').read(),
      reason=R['blocking'])
print('ok')
