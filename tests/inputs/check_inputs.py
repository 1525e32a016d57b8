#!/usr/bin/env python3
"""Folders as ops hand them over, bad ones included (src/cmd/inputs.c):
a symlink loop and a FIFO inside a folder are named and skipped, never
followed or opened (each run has a deadline: a hang fails); a folder of
10,000 small files is walked, every file counted once; a dangling symlink
is named; a directory given to a one-file command is refused by name.

usage: check_inputs.py HEAPSCOPE SOURCE_ROOT"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

PROBLEMS = []
CHECKED = 0


def run(hs, *args):
    try:
        p = subprocess.run([hs] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return -1, '', 'TIMEOUT'
    return p.returncode, p.stdout.decode(errors='replace'), p.stderr.decode(errors='replace')


def expect(what, ok, detail):
    global CHECKED
    CHECKED += 1
    if not ok:
        PROBLEMS.append('%s: %s' % (what, detail))


def main():
    hs, root = sys.argv[1], sys.argv[2]
    dump = os.path.join(root, 'testdata', 'pprof', 'incidents', 'goroutine-2.txt.gz')
    with tempfile.TemporaryDirectory() as tmp:
        d = os.path.join(tmp, 'bundle')
        os.makedirs(os.path.join(d, 'sub'))
        shutil.copy(dump, os.path.join(d, 'goroutine-2.txt.gz'))
        os.symlink('..', os.path.join(d, 'sub', 'loop'))
        os.mkfifo(os.path.join(d, 'fifo'))
        os.symlink('/nonexistent/heap.pb', os.path.join(d, 'dangling'))
        rc, out, err = run(hs, 'leaks', d)
        expect('leaks on the bundle', rc == 0 and '2 leak candidates' in out,
               'exit %d, stdout %r' % (rc, out[:80]))
        expect('the FIFO', "'%s': not a regular file" % os.path.join(d, 'fifo') in err, err)
        expect('the symlink loop', "'%s': a symlink loop" % os.path.join(d, 'sub', 'loop') in err, err)
        expect('the dangling link', "'%s': No such file or directory" % os.path.join(d, 'dangling')
               in err, err)
        # 10,000 small files, none a profile: each counted once, quickly
        many = os.path.join(tmp, 'many')
        os.makedirs(many)
        for i in range(10000):
            with open(os.path.join(many, 'f%05d.txt' % i), 'w') as f:
                f.write('x\n')
        rc, out, err = run(hs, 'leaks', many)
        expect('10,000 files', rc == 0 and 'not used: 10000 files (10000 other files)' in err,
               'exit %d, stderr %r' % (rc, err[-200:]))
        # a directory where one file is wanted
        rc, out, err = run(hs, 'top', d)
        expect('top on a directory', rc == 2 and err == "heapscope: top: '%s': is a directory\n" % d,
               'exit %d, stderr %r' % (rc, err))
    for p in PROBLEMS:
        print('FAIL ' + p)
    ok = ci_gate.enough(CHECKED, 6, 'input checks')
    print('%d checks, %d problems' % (CHECKED, len(PROBLEMS)))
    return 1 if PROBLEMS or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
