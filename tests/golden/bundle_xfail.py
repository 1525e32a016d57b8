#!/usr/bin/env python3
"""Writes the expected files of the xfail bundle-info(-json) golden cases:
the correct output, info's stdout with a text heap profile timed by its
LastGC, plus the stderr a fixed heapscope owes (the truncated file, the
trace, heap dump and gctrace files "not used").  The other bundle-* cases
are green: their expected files come from run.py --update, checked by
verify_bundle.py like any other expected file.

usage: tests/golden/bundle_xfail.py [HEAPSCOPE]
"""
import json, os, subprocess, sys
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
H = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ROOT + '/build/heapscope'
D = 'testdata/bundle/dumps'
CASES = ROOT + '/tests/golden/cases/'
C = json.load(open(ROOT + '/testdata/bundle/counts.json'))
env = dict(os.environ, TZ='UTC', LC_ALL='C')

def run(*args):
    p = subprocess.run([H] + list(args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.stdout.decode(), p.stderr.decode(), p.returncode

corrupt = [D + '/' + n for n, fi in C['files'].items() if fi.get('corrupt')][0]

_, _err, _ = run('info', corrupt)
def corrupt_line(cmd):
    return next(l for l in _err.splitlines() if corrupt in l).replace('heapscope: info:', 'heapscope: %s:' % cmd) + '\n'

def write(name, out, err, code=2, reason=None):
    for ext, data in (('out', out), ('err', err), ('code', '%d\n' % code)):
        open(CASES + name + '.' + ext, 'w').write(data)
    open(CASES + name + '.xfail', 'w').write(reason + '\n')

R = {
 'info': "trace, heap dump and gctrace files are reported as errors ('not a profile heapscope reads') instead of described or listed as not used (only the truncated pb.gz is an error); text heap profiles have no time (JSON time_nanos 0, not their LastGC)",
}
for js in (False, True):
    sfx = '-json' if js else ''
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

print('ok')
