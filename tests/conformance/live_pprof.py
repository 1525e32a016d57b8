#!/usr/bin/env python3
"""Live differential test: heapscope top against `go tool pprof -top`, run
now on the same files with the same options (granularities, filters,
sorting, trimming, units).  The reference tool's stdout is the expectation.

usage: live_pprof.py HEAPSCOPE SOURCE_ROOT
Skipped (exit 77) when `go` is not installed."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

FLAGS = [
    [], ['-cum'], ['-lines'], ['-files'], ['-filefunctions'], ['-addresses'],
    ['-nodecount=5'], ['-nodefraction=0.05'], ['-nodefraction=0', '-nodecount=0'],
    ['-focus=main'], ['-ignore=runtime'], ['-hide=runtime'], ['-show=main|sync'],
    ['-focus=(?i)MAIN\\.', '-hide=^runtime\\.'], ['-unit=MB'], ['-unit=ms'],
    ['-sample_index=0'], ['-show=go-build'], ['-hide=go-build'],
]

CORPUS = ['pprof/go1.19/echo-cpu.pb.gz', 'pprof/hodis/heap.pb.gz',
          'pprof/jaeger-badger/mem.pb.gz', 'pprof/cdk-erigon/block.pb.gz',
          'pprof/pyroscope/nodejs-heap.pb.gz', 'pprof/go1.25/l4.5-cpu.pb.gz',
          'pprof/google-pprof/cppbench.cpu', 'pprof/julia/profile.pb']


def heapscope_args(flags):
    out = []
    for f in flags:
        k, _, v = f.lstrip('-').partition('=')
        if k in ('lines', 'files', 'filefunctions', 'addresses'):
            out.append('--granularity=' + k)
        elif k == 'sample_index':
            out.append('--sample-index=' + v)
        elif v:
            out.append('--%s=%s' % (k, v))
        else:
            out.append('--' + k)
    return out


def main():
    hs, root = sys.argv[1], sys.argv[2]
    go = shutil.which('go')
    if not go:
        return ci_gate.skip('go is not installed')
    files = sorted(os.path.join(root, 'testdata', 'pprof', f)
                   for f in os.listdir(os.path.join(root, 'testdata', 'pprof')) if f.endswith('.pb.gz'))
    corpus = os.path.join(root, '..', 'shared', 'corpus')
    gone = [c for c in CORPUS if not os.path.exists(os.path.join(corpus, c))]
    if gone:
        return ci_gate.skip('corpus files absent: %s' % ', '.join(gone))
    files += [os.path.join(corpus, c) for c in CORPUS]
    nobin = tempfile.mkdtemp()
    env = dict(os.environ, TZ='UTC', LC_ALL='C', PPROF_BINARY_PATH=nobin, PPROF_TMPDIR=nobin)
    passed = failed = refused = 0
    compared = set()
    for path in files:
        for flags in FLAGS:
            ref = subprocess.run([go, 'tool', 'pprof', '-top'] + flags + [path],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            if ref.returncode != 0:
                refused += 1   # e.g. -sample_index=1 of a one-type profile
                continue
            compared.add(path)
            got = subprocess.run([hs, 'top'] + heapscope_args(flags) + [path],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            name = '%s %s' % (os.path.relpath(path, root), ' '.join(flags))
            if got.stdout == ref.stdout and got.returncode == 0:
                passed += 1
                continue
            failed += 1
            a = ref.stdout.decode('utf-8', 'replace').split('\n')
            b = got.stdout.decode('utf-8', 'replace').split('\n')
            k = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            print('FAIL %s (exit %d)\n    line %d: pprof %r\n             heapscope %r'
                  % (name, got.returncode, k + 1, a[k] if k < len(a) else None,
                     b[k] if k < len(b) else None))
    shutil.rmtree(nobin, ignore_errors=True)
    print('%d passed, %d failed, %d option sets go tool pprof refused' % (passed, failed, refused))
    for path in sorted(set(files) - compared):
        print('FAIL %s: go tool pprof read it with no option set' % path)
    ok = ci_gate.enough(len(compared), len(files), 'profiles (testdata .pb.gz and CORPUS)')
    ok = ci_gate.enough(passed + failed, len(files) * len(FLAGS) - refused, 'top reports') and ok
    return 1 if failed or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
