#!/usr/bin/env python3
"""Round trips of `heapscope merge`.

usage: check_merge.py HEAPSCOPE SOURCE_ROOT offline|live

offline (heapscope and committed files only):
  * heapscope merges each input set into a gzipped profile.proto, and reads
    it back: for every sample type, its folded stacks are the sums of the
    inputs' folded stacks;
  * `-o -` writes the same bytes as `-o FILE`;
  * the merged series (testdata/pprof/series/heap-1..5) gives, through
    `heapscope top`, exactly the reports go tool pprof printed for
    `go tool pprof -top heap-1.pb.gz ... heap-5.pb.gz` (pprof's own merge,
    testdata/expected/series/merged-1-5.top.txt);
  * incompatible profiles are refused (exit 2) and no file is left.

Every input set is checked: an input heapscope cannot read is a failure,
and a set whose files are absent (../shared) skips the run (exit 77; a
failure when CI is set); each mode must check all the sets.

live (needs go; exit 77 without it, a failure when CI is set):
  * go tool pprof -raw on the merged file: per sample type, the total of
    the values equals the sum of the inputs' -raw totals;
  * for protobuf inputs, go tool pprof -top and -raw of the merged file
    equal what pprof prints when it merges the same inputs itself
    (-top FILES..., and -raw of -proto FILES...)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

ENV = dict(os.environ, TZ='UTC', LC_ALL='C')
failures = []
checks = 0


def run(args, env=ENV):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace')


def fail(what, msg):
    failures.append('%s: %s' % (what, msg))


def input_sets(root):
    t = os.path.join(root, 'testdata', 'pprof')
    c = os.path.join(root, '..', 'shared', 'corpus', 'pprof')
    lt = os.path.join(root, '..', 'shared', 'corpus', 'legacy-text')
    sets = [
        ('series 1..5', [os.path.join(t, 'series', 'heap-%d.pb.gz' % k) for k in range(1, 6)]),
        ('heap + allocs', [os.path.join(t, 'heap.pb.gz'), os.path.join(t, 'allocs.pb.gz')]),
        ('heap.pb + heap.pb.gz', [os.path.join(t, 'heap.pb'), os.path.join(t, 'heap.pb.gz')]),
        ('cpu x2 (labels)', [os.path.join(t, 'cpu.pb.gz')] * 2),
        ('threadcreate x3', [os.path.join(t, 'threadcreate.pb.gz')] * 3),
        ('one heap', [os.path.join(t, 'heap.pb.gz')]),
        ('corpus heaps', [os.path.join(c, 'hodis', 'heap.pb.gz'), os.path.join(c, 'chaos-mesh', 'heap.pb.gz'),
                          os.path.join(c, 'jaeger-badger', 'mem.pb.gz')]),
        ('corpus cpu', [os.path.join(c, 'go1.19', 'echo-cpu.pb.gz'), os.path.join(c, 'go1.25', 'cpu-after.pb.gz')]),
        ('legacy cpu', [os.path.join(c, 'google-pprof', 'gobench.cpu'), os.path.join(c, 'google-pprof', 'go.crc32.cpu')]),
        ('goroutine proto + debug=1 text', [os.path.join(t, 'goroutine.pb.gz'), os.path.join(t, 'goroutine-debug1.txt')]),
        ('legacy text heaps', [os.path.join(lt, 'go-heap-debug1-infworld-cmd-a.txt'),
                               os.path.join(lt, 'go-heap-debug1-infworld-cmd-b.txt')]),
        ('protobuf + text heap', [os.path.join(t, 'heap.pb.gz'), os.path.join(lt, 'go-heap-debug1-infworld.txt')]),
    ]
    return sets


def absent(root):
    return [n for n, fs in input_sets(root) if not all(os.path.exists(f) for f in fs)]


def readable(hs, path):
    rc, _, _ = run([hs, 'info', path])
    return rc == 0


def ntypes(hs, path):
    rc, out, _ = run([hs, 'info', '--format=json', path])
    return len(json.loads(out)['files'][0]['sample_types'])


def folded(hs, path, i):
    rc, out, err = run([hs, 'folded', '--sample-index=%d' % i, path])
    if rc != 0:
        raise RuntimeError('folded %s: %s' % (path, err.strip()))
    sums = {}
    for ln in out.decode('utf-8', 'surrogateescape').splitlines():
        stack, _, v = ln.rpartition(' ')
        sums[stack] = sums.get(stack, 0) + int(v)
    return sums


def offline(hs, root, tmp):
    global checks
    done = 0
    for name, files in present_sets(hs, root):
        out = os.path.join(tmp, 'merged.pb.gz')
        checks += 1
        done += 1
        rc, _, err = run([hs, 'merge'] + files + ['-o', out])
        if rc != 0:
            fail(name, 'merge exit %d: %s' % (rc, err.strip()))
            continue
        rc, data, err = run([hs, 'merge', '-o', '-'] + files)
        with open(out, 'rb') as f:
            if rc != 0 or f.read() != data:
                fail(name, '-o - differs from -o FILE (exit %d)' % rc)
        for i in range(ntypes(hs, files[0])):
            checks += 1
            want = {}
            for f in files:
                for k, v in folded(hs, f, i).items():
                    want[k] = want.get(k, 0) + v
            want = {k: v for k, v in want.items() if v}
            got = folded(hs, out, i)
            if got != want:
                diff = sorted(set(got.items()) ^ set(want.items()))[:3]
                fail(name, 'index %d: folded stacks of the merged file are not the inputs\' sums: %r'
                     % (i, diff))
        print('ok   %s' % name)
    return done


def present_sets(hs, root):
    """The sets whose files are all present; an unreadable one fails."""
    for name, files in input_sets(root):
        if not all(os.path.exists(f) for f in files):
            continue
        bad = [f for f in files if not readable(hs, f)]
        if bad:
            fail(name, 'heapscope cannot read %s' % ', '.join(bad))
            continue
        yield name, files


def series_top(hs, root, tmp):
    global checks
    # pprof's own merge of the series, reported by go tool pprof.
    exp = os.path.join(root, 'testdata', 'expected', 'series', 'merged-1-5.top.txt')
    if not os.path.exists(exp):
        fail('series', 'no reference %s' % exp)
    else:
        files = [os.path.join(root, 'testdata', 'pprof', 'series', 'heap-%d.pb.gz' % k) for k in range(1, 6)]
        out = os.path.join(tmp, 'series.pb.gz')
        run([hs, 'merge', '-o', out] + files)
        with open(exp, encoding='utf-8') as f:
            text = f.read()
        for sec in text.split('## sample_index=')[1:]:
            t, _, body = sec.partition('\n')
            checks += 1
            rc, got, err = run([hs, 'top', '--nodecount=0', '--sample-index=' + t, out])
            # pprof shows the first input's mapping as the File: line, as we do
            if got.decode() != body:
                fail('series merged top [%s]' % t, 'differs from go tool pprof -top of the five inputs')
        print('ok   series: heapscope top of the merge = pprof\'s merge')
    # refusals
    t = os.path.join(root, 'testdata', 'pprof')
    out = os.path.join(tmp, 'refused.pb.gz')
    checks += 1
    rc, _, err = run([hs, 'merge', os.path.join(t, 'heap.pb.gz'), os.path.join(t, 'cpu.pb.gz'), '-o', out])
    if rc != 2 or os.path.exists(out) or 'incompatible' not in err:
        fail('heap + cpu', 'want exit 2, an "incompatible" message and no file; got %d, %r' % (rc, err))


def raw_totals(text):
    lines = text.splitlines()
    i = lines.index('Samples:') + 1
    n = len(lines[i].split())
    tot = [0] * n
    for ln in lines[i + 1:]:
        if ln.startswith('Locations'):
            break
        m = re.match(r'^((?: +-?\d+)+): ?', ln)
        if m:
            for k, v in enumerate(m.group(1).split()):
                tot[k] += int(v)
    return tot


def live(hs, root, tmp):
    global checks
    go = shutil.which('go')
    if not go:
        return None
    nobin = tempfile.mkdtemp()
    env = dict(ENV, PPROF_BINARY_PATH=nobin, PPROF_TMPDIR=nobin)

    def pprof(*args):
        rc, out, err = run([go, 'tool', 'pprof'] + list(args), env)
        if rc != 0:
            raise RuntimeError('go tool pprof %s: %s' % (' '.join(args), err.strip()))
        return out.decode('utf-8', 'surrogateescape')

    done = 0
    for name, files in present_sets(hs, root):
        done += 1
        out = os.path.join(tmp, 'merged.pb.gz')
        if run([hs, 'merge', '-o', out] + files)[0] != 0:
            fail(name, 'merge failed')
            continue
        checks += 1
        want = None
        for f in files:
            t = raw_totals(pprof('-raw', f))
            want = t if want is None else [a + b for a, b in zip(want, t)]
        got = raw_totals(pprof('-raw', out))
        if got != want:
            fail(name, 'go tool pprof -raw totals %r, the inputs sum to %r' % (got, want))
        # pprof's own multi-profile merge takes a first argument that is not
        # a profile.proto as the binary: compare with it for protobuf inputs.
        if all(f.endswith(('.pb.gz', '.pb')) for f in files) and len(files) > 1:
            checks += 1
            ref = os.path.join(tmp, 'pprof.pb.gz')
            rc, data, err = run([go, 'tool', 'pprof', '-proto'] + files, env)
            with open(ref, 'wb') as fh:
                fh.write(data)
            if pprof('-raw', out) != pprof('-raw', ref):
                fail(name, 'go tool pprof -raw differs from pprof\'s own merge (-proto)')
            for i in range(ntypes(hs, files[0])):
                a = pprof('-top', '-nodecount=0', '-sample_index=%d' % i, out)
                b = pprof('-top', '-nodecount=0', '-sample_index=%d' % i, *files)
                if a != b:
                    fail(name, 'go tool pprof -top -sample_index=%d differs from pprof merging the inputs' % i)
        print('ok   %s (go tool pprof)' % name)
    return done


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ('offline', 'live'):
        print(__doc__)
        return 2
    hs, root, mode = sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix='heapscope-merge-')
    try:
        if mode == 'offline':
            done = offline(hs, root, tmp)
            series_top(hs, root, tmp)
        else:
            done = live(hs, root, tmp)
            if done is None:
                return ci_gate.skip('go is not installed')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print('FAIL ' + f)
    print('%d checks, %d failed' % (checks, len(failures)))
    gone = absent(root)
    if gone and not failures:
        return ci_gate.skip('inputs absent for %s' % ', '.join(gone))
    ok = ci_gate.enough(done, len(input_sets(root)), 'merge input sets')
    return 1 if failures or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
