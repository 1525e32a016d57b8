#!/usr/bin/env python3
"""Live conformance of the call graph: `heapscope dot FILE` against
`go tool pprof -dot FILE` (Go 1.19's pprof), byte for byte, nodelets and
all, run now on the same files.

usage: check_dot.py HEAPSCOPE --testdata SOURCE_ROOT
       check_dot.py HEAPSCOPE --corpus CORPUS_DIR

--testdata: every profile under SOURCE_ROOT/testdata/pprof.
--corpus:   every file of CORPUS_DIR/pprof and CORPUS_DIR/legacy-text
            (../shared/corpus; its MANIFEST.tsv lists them).
A file go tool pprof cannot read is reported and not counted.  Prints
"N of M identical" and exits 1 if any differs other than the known
differences below (reported, never hidden); 77 (skipped) without go or
without the inputs."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pprof_raw  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

# Where heapscope's DOT differs from pprof's on purpose (see src/output/dot.c).
KNOWN_DIFFERENCES = {
    'pprof/hodis/goroutine.pb.gz':
        'pprof writes edges to a node it dropped for having no value as "N0"; '
        'heapscope leaves them out',
    'pprof/pyroscope/invalid-utf8.pb.gz':
        'heapscope writes U+FFFD for invalid UTF-8 and control characters '
        'so that the file stays valid for Graphviz',
}

# Files beside the profiles that are no profiles.
NOT_PROFILES = ('.json', '.tsv', '.md')


def profiles(dirs):
    out = []
    for d in dirs:
        for root, _, files in os.walk(d):
            out += [os.path.join(root, f) for f in files if not f.endswith(NOT_PROFILES)]
    return sorted(out)


def first_difference(ref, got):
    a = ref.decode('utf-8', 'replace').split('\n')
    b = got.decode('utf-8', 'replace').split('\n')
    k = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return k + 1, a[k] if k < len(a) else None, b[k] if k < len(b) else None


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ('--testdata', '--corpus'):
        print(__doc__)
        return 2
    hs, mode, where = sys.argv[1:]
    go = shutil.which('go')
    if not go:
        return ci_gate.skip('go is not installed')
    if mode == '--testdata':
        dirs = [os.path.join(where, 'testdata', 'pprof')]
    else:
        dirs = [os.path.join(where, 'pprof'), os.path.join(where, 'legacy-text')]
    dirs = [d for d in dirs if os.path.isdir(d)]
    if not dirs:
        return ci_gate.skip('%s is absent' % where)
    nobin = tempfile.mkdtemp()
    env = dict(os.environ, TZ='UTC', LC_ALL='C', PPROF_BINARY_PATH='/nonexistent',
               PPROF_TMPDIR=nobin)
    same = checked = 0
    unreadable, known = [], []
    for path in profiles(dirs):
        name = os.path.relpath(path, where)
        ref = subprocess.run([go, 'tool', 'pprof', '-dot', path], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env)
        if ref.returncode != 0:
            unreadable.append(name)
            continue
        checked += 1
        got = subprocess.run(pprof_raw.as_pprof([hs, 'dot', path]), stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env)
        if got.returncode == 0 and got.stdout == ref.stdout:
            same += 1
            continue
        if got.returncode == 0 and name in KNOWN_DIFFERENCES:
            known.append(name)
            print('KNOWN %s: %s' % (name, KNOWN_DIFFERENCES[name]))
            continue
        line, a, b = first_difference(ref.stdout, got.stdout)
        print('FAIL %s (exit %d)\n    line %d: pprof     %r\n             heapscope %r'
              % (name, got.returncode, line, a, b))
    shutil.rmtree(nobin, ignore_errors=True)
    if unreadable:
        print('not counted, go tool pprof cannot read them: ' + ', '.join(unreadable))
    print('%d of %d identical to go tool pprof -dot (%d known differences)'
          % (same, checked, len(known)))
    if mode == '--corpus':   # every file go tool pprof reads (STATUS.tsv)
        least = sum(ci_gate.corpus_count(where, k, 'ok') for k in ('pprof', 'legacy-text'))
    else:                    # at least the profiles with -raw references
        least = len([f for f in os.listdir(os.path.join(where, 'testdata', 'expected'))
                     if f.endswith('.raw.txt')])
    ok = ci_gate.enough(checked, least, 'profiles against go tool pprof -dot')
    return 0 if same + len(known) == checked and ok else 1


if __name__ == '__main__':
    sys.exit(main())
