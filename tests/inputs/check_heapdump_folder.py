#!/usr/bin/env python3
"""A folder holding only a heap dump (issue 13, part 7): goroutines,
blocking and leaks find its goroutine groups (and leaks its suspect) as
they do on the file itself; the goroutine groups equal the golden case
goroutines-heapdump-owner-json, which tests/golden/verify_heapdump.py
re-derives from its own parse of the dump.

usage: check_heapdump_folder.py HEAPSCOPE SOURCE_ROOT"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402


def run(hs, cwd, *args):
    p = subprocess.run([hs] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120, stdin=subprocess.DEVNULL, cwd=cwd)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    hs, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    problems, checked = [], 0
    tmp = tempfile.mkdtemp()
    try:
        os.mkdir(os.path.join(tmp, 'only'))
        shutil.copy(os.path.join(root, 'testdata', 'heapdump', 'owner.dump.gz'),
                    os.path.join(tmp, 'only', 'owner.dump.gz'))
        golden = open(os.path.join(root, 'tests', 'golden', 'cases',
                                   'goroutines-heapdump-owner-json.out')).read()
        for cmd in (['goroutines', '--format', 'json'], ['blocking', '--format', 'json'],
                    ['leaks', '--format', 'json'], ['goroutines']):
            d = run(hs, tmp, *cmd, 'only')
            f = run(hs, tmp, *cmd, os.path.join('only', 'owner.dump.gz'))
            checked += 1
            if d != f or d[0] != 0 or d[2]:
                problems.append('%s on the folder differs from the file: %s / %s' % (cmd, d, f))
        try:
            js = json.loads(run(hs, tmp, 'goroutines', '--format', 'json', 'only')[1])
        except ValueError:
            js = None
        checked += 1
        want = json.loads(golden)
        # the groups, not "inputs" (another path, the copy's mtime)
        if not js or {k: js.get(k) for k in want if k != 'inputs'} != \
                {k: v for k, v in want.items() if k != 'inputs'} or not js['groups']:
            problems.append('goroutine groups of the folder differ from the verified golden case')
        # a heap dump after a profile of the command's inventory (name
        # order: a-... before owner...): the dump's goroutines join that
        # inventory, not one of their own ("files of two inventories")
        os.mkdir(os.path.join(tmp, 'mixed'))
        shutil.copy(os.path.join(root, 'testdata', 'pprof', 'incidents', 'goroutine-2.txt.gz'),
                    os.path.join(tmp, 'mixed', 'a-goroutine.txt.gz'))
        shutil.copy(os.path.join(root, 'testdata', 'heapdump', 'owner.dump.gz'),
                    os.path.join(tmp, 'mixed', 'owner.dump.gz'))
        code, out, err = run(hs, tmp, 'leaks', '--format', 'json', 'mixed')
        checked += 1
        try:
            kinds = {c['kind'] for c in json.loads(out)['candidates']}
        except (ValueError, KeyError):
            kinds = set()
        if code != 0 or err or 'retention' not in kinds:
            problems.append('leaks on a goroutine dump and a heap dump: exit %d, stderr %r, kinds %s'
                            % (code, err, sorted(kinds)))
    finally:
        shutil.rmtree(tmp)
    for p in problems:
        print(p)
    print('%d checks, %d problems' % (checked, len(problems)))
    ok = ci_gate.enough(checked, 5, 'heap dump folder checks')
    return 1 if problems or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
