#!/usr/bin/env python3
"""Conformance: heapscope against go tool pprof's own outputs.

For every profile that has reference outputs (X.raw.txt from `go tool pprof
-raw`, X.top.txt with one `go tool pprof -top -sample_index=N` section per
sample type):
  * `heapscope folded --sample-index=i X` must yield exactly the stacks and
    summed values that the -raw output describes, for every sample index;
  * `heapscope top --sample-index=N X` with the same --nodecount must print
    the same report, line for line.

usage: check_pprof.py HEAPSCOPE EXPECTED_DIR INPUT_DIR [--nodecount N]

Every reference in EXPECTED_DIR is checked: one whose input is missing
fails, and only KNOWN_GAPS (each with its reason) may be left out.  Under
the corpus (EXPECTED_DIR = corpus/expected/KIND) at least as many files are
checked as corpus/expected/STATUS.tsv says go tool pprof reads under KIND/.
Exits 77 (skipped; a failure when CI is set) when the directories do not
exist."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402
import pprof_raw  # noqa: E402

ENV = dict(os.environ, TZ='UTC', LC_ALL='C')


def run(args):
    p = subprocess.run(pprof_raw.as_pprof(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    return p.returncode, p.stdout.decode('utf-8', 'surrogateescape'), p.stderr.decode('utf-8', 'replace')


def parse_folded(text):
    out = {}
    for ln in text.split("\n"):
        if not ln:
            continue
        stack, _, v = ln.rpartition(' ')
        out[stack] = out.get(stack, 0) + int(v)
    return out


def sections(text):
    """(flags, body) per '## sample_index=NAME [flags]' section."""
    out = []
    cur = None
    for ln in text.split('\n'):
        if ln.startswith('## sample_index='):
            hdr = ln[len('## sample_index='):].split(' ')
            cur = [hdr[0], hdr[1:], []]
            out.append(cur)
        elif cur is not None:
            cur[2].append(ln)
    return [(name, flags, '\n'.join(body).rstrip('\n') + '\n') for name, flags, body in out]


# Inputs go tool pprof reads that heapscope does not yet, with the reason;
# they are reported, not hidden, and leave the list when supported.
KNOWN_GAPS = {
}

PPROF_FLAG = {'-focus': '--focus', '-ignore': '--ignore', '-hide': '--hide',
              '-show': '--show', '-lines': '--granularity=lines', '-cum': '--cum',
              '-nodecount': '--nodecount'}


def translate(flags):
    out = []
    for f in flags:
        k, eq, v = f.partition('=')
        if k not in PPROF_FLAG:
            raise ValueError('unknown pprof flag %s' % f)
        out.append(PPROF_FLAG[k] + ('=' + v if eq else ''))
    return out


def check_json(hs, path, raw, i):
    """top --format json: every row's flat and cum as computed from -raw."""
    rc, out, err = run([hs, 'top', '--nodecount=0', '--format', 'json', '--sample-index=%d' % i, path])
    if rc != 0:
        return ['top json index %d: exit %d: %s' % (i, rc, err.strip())]
    got = json.loads(out)
    total, flat, cum = pprof_raw.flat_cum(raw, i)
    fails = []
    # -raw leaves out samples that have no locations (threadcreate
    # profiles, a goroutine caught without a stack) while -top counts them
    # in its total; the total is checked by the -top comparison instead.
    if got['total'] < total:
        fails.append('top json index %d: total %d, -raw says at least %d' % (i, got['total'], total))
    for row in got['rows']:
        name = row['name']
        if name in flat or name in cum:
            if (row['flat'], row['cum']) != (flat.get(name, 0), cum.get(name, 0)):
                fails.append('top json index %d: %s flat/cum %d/%d, -raw says %d/%d'
                             % (i, name, row['flat'], row['cum'], flat.get(name, 0), cum.get(name, 0)))
                break
    return fails


def check_file(hs, path, raw_path, top_paths, nodecount_default):
    fails = []
    with open(raw_path, encoding='utf-8', errors='surrogateescape', newline='') as f:
        raw = pprof_raw.parse(f.read())
    for i in range(len(raw.types)):
        fails += check_json(hs, path, raw, i)
        want = pprof_raw.folded(raw, i)
        rc, out, err = run([hs, 'folded', '--sample-index=%d' % i, path])
        if rc != 0:
            fails.append('folded index %d: exit %d: %s' % (i, rc, err.strip()))
            continue
        got = parse_folded(out)
        if got != want:
            missing = [k for k in want if got.get(k) != want[k]][:3]
            extra = [k for k in got if k not in want][:3]
            fails.append('folded index %d: %d stacks expected, %d got; first differing: %r / %r'
                         % (i, len(want), len(got), missing[:1], extra[:1]))
    for top_path, extra_flags in top_paths:
        with open(top_path, encoding='utf-8', errors='surrogateescape', newline='') as f:
            secs = sections(f.read())
        for name, flags, body in secs:
            args = [hs, 'top', '--sample-index=' + name] + extra_flags + translate(flags)
            if not any(a.startswith('--nodecount') for a in args):
                args.append('--nodecount=%d' % nodecount_default)
            rc, out, err = run(args + [path])
            if rc != 0:
                fails.append('top %s: exit %d: %s' % (' '.join(args[2:]), rc, err.strip()))
            elif out != body.replace('\x00', '?'):  # NUL: see doc/format-pprof.md
                ol, bl = out.split('\n'), body.replace('\x00', '?').split('\n')
                k = next((j for j in range(min(len(ol), len(bl))) if ol[j] != bl[j]), min(len(ol), len(bl)))
                fails.append('top %s: line %d differs:\n      want %r\n      got  %r'
                             % (' '.join(args[2:]), k + 1, bl[k] if k < len(bl) else None,
                                ol[k] if k < len(ol) else None))
    return fails


def main():
    args = sys.argv[1:]
    if len(args) < 3:
        print(__doc__)
        return 2
    hs, expected, inputs = args[:3]
    nodecount = 25
    if '--nodecount' in args:
        nodecount = int(args[args.index('--nodecount') + 1])
    if not os.path.isdir(expected) or not os.path.isdir(inputs):
        return ci_gate.skip('%s or %s is absent' % (expected, inputs))
    passed = failed = gaps = 0
    refs = 0
    for root, dirs, files in os.walk(expected):
        # testdata/expected/trace: go tool trace -pprof's, for check_trace.py
        dirs[:] = sorted(d for d in dirs if d != 'trace')
        for fn in sorted(files):
            if not fn.endswith('.raw.txt'):
                continue
            refs += 1
            rel = os.path.relpath(os.path.join(root, fn[:-len('.raw.txt')]), expected)
            src = os.path.join(inputs, rel)
            if not os.path.exists(src):
                failed += 1
                print('FAIL %s: the reference has no input %s' % (rel, src))
                continue
            base = os.path.join(root, fn[:-len('.raw.txt')])
            tops = []
            if os.path.exists(base + '.top.txt'):
                tops.append((base + '.top.txt', []))
            if os.path.exists(base + '.topcum.txt'):
                tops.append((base + '.topcum.txt', ['--cum']))
            for extra in sorted(os.listdir(root)):
                if extra.startswith(fn[:-len('.raw.txt')] + '.top-'):
                    tops.append((os.path.join(root, extra), []))
            if rel in KNOWN_GAPS:
                print('gap  %s: %s' % (rel, KNOWN_GAPS[rel]))
                gaps += 1
                continue
            fails = check_file(hs, src, base + '.raw.txt', tops, nodecount)
            if fails:
                failed += 1
                print('FAIL %s' % rel)
                for f in fails:
                    print('    ' + f)
            else:
                passed += 1
                print('ok   %s' % rel)
    print('%d passed, %d failed, %d known gaps' % (passed, failed, gaps))
    kind = os.path.basename(os.path.normpath(expected))
    corpus = os.path.dirname(os.path.dirname(os.path.normpath(expected)))
    least = refs - gaps     # the fixture list: every reference
    if os.path.exists(os.path.join(corpus, 'expected', 'STATUS.tsv')):
        least = ci_gate.corpus_count(corpus, kind, 'ok') - gaps
    ok = ci_gate.enough(passed, least, 'profiles against go tool pprof')
    return 1 if failed or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
