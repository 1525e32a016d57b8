#!/usr/bin/env python3
"""Behaviour sweep: run heapscope on many command lines and record, or compare.

usage: sweep.py record HEAPSCOPE SOURCE_ROOT OUTDIR [SHARED]
       sweep.py compare HEAPSCOPE SOURCE_ROOT OUTDIR [SHARED]
       sweep.py list SOURCE_ROOT [SHARED]

Made for refactors that must not change behaviour: `record` with the old
binary, `compare` with the new one.  Every command line runs with cwd
SOURCE_ROOT, TZ=UTC LC_ALL=C and stdin from /dev/null; stdout, stderr and
the exit status are kept per line (OUTDIR/NNNN.{cmd,out,err,code}).
`compare` prints each line whose result differs and ends with
'N passed, N failed'.  SHARED (default SOURCE_ROOT/../shared) adds the
corpus files.  Not a meson test: a tool for the one who changes the code.
"""
import glob
import os
import shlex
import subprocess
import sys

SEL_PPROF = ['testdata/pprof/%s' % f for f in (
    'heap.pb.gz', 'heap.pb', 'cpu.pb.gz', 'allocs.pb.gz', 'block.pb.gz', 'mutex.pb.gz',
    'goroutine.pb.gz', 'threadcreate.pb.gz', 'goroutine-debug1.txt', 'goroutine-debug2.txt')]

REPORT_OPTS = [
    [], ['--cum'], ['--nodecount', '3'], ['--nodecount=0'], ['--sample-index', '0'],
    ['--sample-index=alloc_space'], ['--focus', 'main'], ['--ignore', 'runtime'],
    ['--hide', 'runtime'], ['--show', 'main'], ['--granularity', 'lines'],
    ['--granularity=files'], ['--unit', 'kB'], ['--nodefraction', '0.1'],
    ['--edgefraction', '0.5'], ['--format', 'json'], ['--format=bogus'], ['--nodec', '3'],
    ['--nodecount', 'x'], ['--granularity', 'nope'], ['--bogus'], ['--help'],
]


def files_under(root, pattern):
    return sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, pattern), recursive=True)
                  if os.path.isfile(p))


def command_lines(root, shared):
    lines = []
    add = lines.append
    td = files_under(root, 'testdata/**/*')
    data = [f for f in td if not f.endswith(('.json', '.yaml', '.py', '.go', '.md', '.sh', '.mod', '.sum'))
            and '/gen/' not in f and '/expected/' not in f]
    corpus = []
    if shared and os.path.isdir(shared):
        corpus = [os.path.relpath(p, root) for p in sorted(glob.glob(os.path.join(shared, 'corpus', '*', '*')))
                  if os.path.isfile(p)]
    everything = data + corpus
    # info and the one-file reports on every file
    for f in everything:
        add(['info', f])
        add(['top', f])
        add(['folded', f])
        add(['goroutines', f])
    for f in data:
        add(['info', '--format', 'json', f])
        add(['dot', f])
        add(['leaks', f])
        add(['blocking', f])
    # report options on the selected pprof files
    for f in SEL_PPROF:
        for o in REPORT_OPTS:
            add(['top'] + o + [f])
        for o in REPORT_OPTS[:12]:
            add(['dot'] + o + [f])
            add(['folded'] + o + [f])
        add(['top', f, '--cum'])
        add(['goroutines', '--by', 'state', f])
        add(['goroutines', '--by', 'created-by', f])
        add(['goroutines', '--by', 'top-frame', '--format', 'json', f])
        add(['goroutines', '--format', 'folded', f])
        add(['goroutines', '--format', 'dot', f])
        add(['goroutines', '--by', 'nope', f])
        add(['blocking', '--format', 'json', f])
        add(['leaks', '--format', 'json', f])
        add(['leaks', '--min-goroutines', '5', f])
        add(['leaks', '--min-medium=2', f])
        add(['leaks', '--min-wait-minutes', '0', f])
        add(['leaks', '--min-gor', '5', f])
        add(['leaks', '--', '--min-medium'])
    for d in ('growth', 'growth-text', 'steady', 'incidents', 'healthy', 'series'):
        fs = files_under(root, 'testdata/pprof/%s/*' % d)
        fs = [f for f in fs if not f.endswith('.json')]
        if not fs:
            continue
        for o in ([], ['--format', 'json'], ['--format', 'folded'], ['--format', 'dot'], ['--cum'],
                  ['--limit', '64MiB'], ['--stacks'], ['--keep-order'], ['--min-growth', '10kB'],
                  ['--interval', '30s'], ['--nodecount', '4'], ['--limit', 'x']):
            add(['growth'] + o + fs)
        add(['growth'] + fs + ['--limit', '1G'])
        add(['leaks'] + fs)
        add(['leaks', '--format', 'json'] + fs)
        add(['blocking'] + fs)
        add(['goroutines'] + fs)
        add(['info'] + fs)
        if len(fs) >= 2:
            for o in ([], ['--cum'], ['--format', 'json'], ['--format', 'dot'], ['--format', 'folded'],
                      ['--normalize'], ['--diff-base'], ['--nodecount', '5']):
                add(['diff'] + o + [fs[0], fs[-1]])
    for f in files_under(root, 'testdata/heapdump/*'):
        for o in ([], ['--format', 'json'], ['--format', 'folded'], ['--format', 'dot']):
            add(['heapdump'] + o + [f])
        add(['leaks', f])
        add(['diff', f, f])
    for f in files_under(root, 'testdata/trace/**/*'):
        for o in ([], ['--format', 'json'], ['--format', 'folded'], ['--profile', 'sync'],
                  ['--profile=net', '--format', 'folded'], ['--profile', 'sched', '--format', 'top'],
                  ['--profile', 'syscall', '--format', 'dot'], ['--profile', 'bogus']):
            add(['trace'] + o + [f])
    for f in files_under(root, 'testdata/gctrace/**/*'):
        if f.endswith('.json'):
            continue
        for o in ([], ['--format', 'json'], ['--limit', '2GiB'], ['--limit', 'zz']):
            add(['gctrace'] + o + [f])
    for f in corpus:
        if '/trace/' in f or '/gctrace/' in f:
            add(['trace', f] if '/trace/' in f else ['gctrace', f])
    rules = files_under(root, 'testdata/rules/**/*.yaml')
    for r in rules:
        add(['check', '--rules', r, 'testdata/pprof/heap.pb.gz', 'testdata/pprof/goroutine.pb.gz'])
    add(['check', '--rules', 'testdata/rules/example.yaml', '--base', 'testdata/pprof/growth/heap-1.pb.gz',
         'testdata/pprof/growth/heap-6.pb.gz', '--format', 'json'])
    add(['merge', 'testdata/pprof/heap.pb.gz', 'testdata/pprof/cpu.pb.gz', '-o', '/dev/null'])
    add(['merge'])
    for c in ('info', 'top', 'dot', 'folded', 'goroutines', 'check', 'growth', 'diff', 'merge',
              'blocking', 'leaks', 'heapdump', 'trace', 'gctrace', 'nope'):
        add(['help', c])
        add([c, '--help'])
        add([c])
        add(['__complete', c])
        add(['__complete', c, '--format'])
    add(['--help'])
    add(['--version'])
    add([])
    add(['__complete'])
    return lines


def run(heapscope, root, args):
    env = dict(os.environ, TZ='UTC', LC_ALL='C')
    try:
        p = subprocess.run([heapscope] + args, cwd=root, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
        return p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired:
        return b'', b'TIMEOUT\n', -1


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mode = sys.argv[1]
    if mode == 'list':
        root = sys.argv[2]
        shared = sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, '..', 'shared')
        for l in command_lines(root, shared):
            print(shlex.join(['heapscope'] + l))
        return
    heapscope, root, out = os.path.abspath(sys.argv[2]), sys.argv[3], sys.argv[4]
    shared = sys.argv[5] if len(sys.argv) > 5 else os.path.join(root, '..', 'shared')
    lines = command_lines(root, shared)
    os.makedirs(out, exist_ok=True)
    passed = failed = 0
    for i, l in enumerate(lines):
        so, se, rc = run(heapscope, root, l)
        base = os.path.join(out, '%05d' % i)
        cmd = shlex.join(['heapscope'] + l)
        if mode == 'record':
            for ext, data in (('cmd', cmd.encode() + b'\n'), ('out', so), ('err', se), ('code', b'%d\n' % rc)):
                with open(base + '.' + ext, 'wb') as f:
                    f.write(data)
            passed += 1
            continue
        want = {}
        for ext in ('cmd', 'out', 'err', 'code'):
            with open(base + '.' + ext, 'rb') as f:
                want[ext] = f.read()
        got = {'cmd': cmd.encode() + b'\n', 'out': so, 'err': se, 'code': b'%d\n' % rc}
        bad = [ext for ext in ('cmd', 'out', 'err', 'code') if want[ext] != got[ext]]
        if bad:
            failed += 1
            print('DIFF %05d %s (%s)' % (i, cmd, ','.join(bad)))
            if 'err' in bad:
                print('  was: %s' % want['err'].decode(errors='replace').strip()[:300])
                print('  now: %s' % se.decode(errors='replace').strip()[:300])
            if 'code' in bad:
                print('  code %s -> %d' % (want['code'].decode().strip(), rc))
        else:
            passed += 1
    print('%d command lines' % len(lines))
    print('%d passed, %d failed' % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
