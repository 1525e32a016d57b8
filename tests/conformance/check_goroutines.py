#!/usr/bin/env python3
"""Conformance: `heapscope goroutines` against what the dumps themselves say.

  check_goroutines.py HEAPSCOPE --corpus DIR
      Every goroutine dump in DIR (?debug=2, runtime.Stack and traceback
      text; debug=1 count profiles, which start "goroutine profile:", are
      left to their own loader) must load, and:
        * the total must be the number of header lines, counted here with a
          regular expression ("goroutine N [state]:", Go 1.24's gp=/m=/mp=
          fields allowed, anywhere on its line);
        * `--by state` must give, per state, the number of headers with
          that state;
        * the groups must add up to the total, in every output format.
      Exits 77 (skipped) when DIR does not exist (../shared is optional).

  check_goroutines.py HEAPSCOPE --testdata ROOT
      testdata/pprof/goroutine-debug2.txt and goroutine.pb.gz must give the
      groups that testdata/gen wrote down in testdata/pprof/counts.json,
      biggest first, and the main goroutine besides."""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

HEADER = re.compile(r'goroutine (\d+)(?: [^ \[\]]+=[^ \[\]]*)* \[([^\]]*)\]:[ \t\r]*$')
FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print('FAIL ' + msg)


def run(binary, *args):
    p = subprocess.run([binary, 'goroutines'] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8', 'surrogateescape'), p.stderr.decode('utf-8', 'replace')


def load_json(binary, *args):
    rc, out, err = run(binary, '--format', 'json', *args)
    if rc != 0:
        fail('%s: exit %d: %s' % (' '.join(args), rc, err.strip()))
        return None
    return json.loads(out)


def headers(path):
    states = collections.Counter()
    with open(path, 'rb') as f:
        for raw in f.read().decode('utf-8', 'surrogateescape').split('\n'):
            m = HEADER.search(raw)
            if m:
                states[m.group(2).split(', ')[0] or 'unknown'] += 1
    return states


def check_corpus(binary, d):
    if not os.path.isdir(d):
        return ci_gate.skip('%s absent' % d)
    checked = 0
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        with open(path, 'rb') as f:
            if f.read(64).lstrip().startswith(b'goroutine profile:'):
                continue
        states = headers(path)
        want = sum(states.values())
        got = load_json(binary, path)
        if got is None:
            continue
        checked += 1
        if got['total'] != want:
            fail('%s: total %d, the file has %d goroutine headers' % (name, got['total'], want))
        if sum(g['count'] for g in got['groups']) != got['total']:
            fail('%s: groups do not add up to the total' % name)
        by_state = load_json(binary, '--by', 'state', path)
        if by_state is not None:
            have = {g['state']: g['count'] for g in by_state['groups']}
            if have != dict(states):
                fail('%s: per state %s, headers say %s' % (name, have, dict(states)))
        rc, out, err = run(binary, '--format', 'folded', path)
        folded = sum(int(ln.rpartition(' ')[2]) for ln in out.splitlines() if ln)
        if rc != 0 or folded != want:
            fail('%s: folded gives %d (exit %d %s)' % (name, folded, rc, err.strip()))
        for fmt in ('text', 'dot'):
            rc, out, err = run(binary, '--format', fmt, path)
            if rc != 0 or not out:
                fail('%s: --format %s: exit %d %s' % (name, fmt, rc, err.strip()))
        print('ok %s: %d goroutines, %d groups' % (name, want, len(got['groups'])))
    # every debug=2 / traceback dump the corpus manifest lists
    manifest = os.path.join(os.path.dirname(os.path.normpath(d)), 'MANIFEST.tsv')
    with open(manifest, encoding='utf-8') as f:
        least = sum(1 for ln in f if ln.split('\t')[1:2] == ['goroutine-text'] and
                    'debug=2' in ln.split('\t')[2])
    if not ci_gate.enough(checked, least, 'goroutine dumps (MANIFEST.tsv debug=2 rows)'):
        fail('too few dumps checked')
    return 1 if FAILURES else 0


# The wait of a profile's stack, by the frame it blocks in (the program's
# counts.json names it): the states heapscope derives (hs_wait_state_of).
DERIVED = {'runtime.chansend1': 'chan send', 'runtime.selectgo': 'select',
           'sync.(*WaitGroup).Wait': 'sync.WaitGroup.Wait'}


def check_testdata(binary, root):
    pdir = os.path.join(root, 'testdata', 'pprof')
    with open(os.path.join(pdir, 'counts.json')) as f:
        known = json.load(f)['goroutine']
    want = sorted(known['groups'], key=lambda g: -g['count'])
    compared = 0
    for name, dump in (('goroutine-debug2.txt', True), ('goroutine.pb.gz', False)):
        got = load_json(binary, os.path.join(pdir, name))
        if got is None:
            continue
        if got['total'] != known['total']:
            fail('%s: total %d, counts.json says %d' % (name, got['total'], known['total']))
        groups = got['groups']
        for i, g in enumerate(want):
            if i >= len(groups):
                fail('%s: no group %d (%s)' % (name, i + 1, g['function']))
                continue
            h = groups[i]
            compared += 1
            # A profile names no state: every command derives it from the
            # frame the goroutine blocks in, as a dump of Go 1.20+ names it.
            state = g['state'] if dump else DERIVED[g['blocked_in']]
            if (h['count'], h['state']) != (g['count'], state) or g['function'] not in h['stack']:
                fail('%s: group %d is %s, want %d %s in %s' % (name, i + 1, h, g['count'], state,
                                                                g['function']))
            # Root first is the goroutine's function; the frame it blocks
            # in is on the stack (a dump hides the runtime's frames).
            blocked = g['blocked_in']
            if h['stack'][-1] != g['function'] or \
                    ((not dump or not blocked.startswith('runtime.')) and blocked not in h['stack']):
                fail('%s: group %d stack: %s' % (name, i + 1, h))
            if dump and h['created_by'] != 'main.startGoroutines.func1.1':
                fail('%s: group %d creator: %s' % (name, i + 1, h))
            if not dump and h['stack'][0] != 'runtime.gopark':
                fail('%s: group %d: the leaf should be runtime.gopark: %s' % (name, i + 1, h))
        rest = groups[len(want):]
        main_count = known['total'] - sum(g['count'] for g in want)
        if sum(g['count'] for g in rest) != main_count or len(rest) != 1:
            fail('%s: besides the known groups, want the main goroutine only: %s' % (name, rest))
        elif dump and rest[0]['state'] != 'running':
            fail('%s: the main goroutine should be running: %s' % (name, rest[0]))
        print('ok %s: %s' % (name, [(g['count'], g['state']) for g in groups]))
    # The text report starts with the culprit.
    rc, out, err = run(binary, os.path.join(pdir, 'goroutine-debug2.txt'))
    lines = out.splitlines()
    first = next((ln for ln in lines if ln.strip().startswith('100 ')), '')
    if rc != 0 or '171 goroutines in 4 groups' not in out or 'chan send' not in first \
            or 'main.sender' not in first:
        fail('text report: exit %d, first row %r' % (rc, first))
    # counts.json's groups, in the dump and in the profile
    if not ci_gate.enough(compared, 2 * len(want), 'groups against counts.json'):
        fail('too few groups compared')
    return 1 if FAILURES else 0


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ('--corpus', '--testdata'):
        print(__doc__)
        return 2
    binary, mode, arg = sys.argv[1:]
    return check_corpus(binary, arg) if mode == '--corpus' else check_testdata(binary, arg)


if __name__ == '__main__':
    sys.exit(main())
