"""triage and leaks on the bundle fixture (testdata/bundle/dumps, issue 12):
the two leaks the program made, with the numbers it counted itself
(testdata/bundle/counts.json), whatever else the folder holds (traces,
heap dumps, twins, a gctrace log, a truncated file).

- the watchers: a goroutine-group finding whose culprit, state and
  `created by` are counts.json's, its evidence per_moment * k at moments
  1, 2, 3 (a trace's or heap dump's goroutines beside the dumps are no
  point of the series: with them the series read 80, 80, 80, 160, ...);
- the sessions: heap growth at counts.json's culprit, evidence
  per_moment_bytes * k (MemProfileRate samples them whole);
- the truncated file makes the exit status 2 and the rest is reported.

Usage: check_bundle.py HEAPSCOPE SOURCE_ROOT"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import ci_gate  # noqa: E402


def main():
    hs, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    c = json.load(open(os.path.join(root, 'testdata', 'bundle', 'counts.json')))
    gor = next(x for x in c['leaks'] if x['what'] == 'goroutines')
    heap = next(x for x in c['leaks'] if x['what'] == 'heap')
    n = len(c['moments'])
    problems, checked = [], 0
    for cmd, key in ((['triage'], 'findings'), (['leaks'], 'candidates')):
        p = subprocess.run([hs] + cmd + ['--format', 'json', 'testdata/bundle/dumps'], cwd=root,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                           env=dict(os.environ, TZ='UTC'))
        checked += 1
        try:
            fs = json.loads(p.stdout)[key]
        except (ValueError, KeyError):
            problems.append('%s: no JSON %s' % (cmd[0], key))
            continue
        if p.returncode != 2 or b'heap-20261122T034400.pb.gz' not in p.stderr:
            problems.append('%s: exit %d, want 2 naming the truncated file' % (cmd[0], p.returncode))

        def values(f):
            return [e.get('value', e.get('goroutines', e.get('inuse_bytes'))) for e in f['evidence']]

        g = [f for f in fs if f['culprit'] == gor['culprit'] and f['kind'] == 'blocked goroutines']
        want = [gor['per_moment'] * k for k in range(1, n + 1)]
        checked += 1
        if len(g) != 1 or g[0]['severity'] != 'high' or g[0].get('created_by') != gor['created_by'] \
                or values(g[0]) != want:
            problems.append('%s: watchers %s, want one high group of %s created by %s'
                            % (cmd[0], [(f['severity'], values(f)) for f in g], want, gor['created_by']))
        h = [f for f in fs if f['culprit'] == heap['culprit'] and f['kind'] == 'heap growth']
        want = [heap['per_moment_bytes'] * k for k in range(1, n + 1)]
        checked += 1
        if len(h) != 1 or values(h[0]) != want:
            problems.append('%s: sessions %s, want heap growth %s'
                            % (cmd[0], [values(f) for f in h], want))
    for m in problems:
        print(m)
    print('%d checks, %d problems' % (checked, len(problems)))
    ok = ci_gate.enough(checked, 6, 'bundle checks')
    return 1 if problems or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
