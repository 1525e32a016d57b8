#!/usr/bin/env python3
"""Conformance of `heapscope diff` with `go tool pprof -base`.

usage: check_diff.py HEAPSCOPE SOURCE_ROOT [--offline]

Offline (always): testdata/pprof/series/heap-{1,5}.pb.gz against the
reference outputs made by testdata/gen/generate-series.sh:
  * --format json, per sample type: total, dropped nodes, cutoff and every
    row's flat and cum (the delta) equal go tool pprof -top -unit=B -base
    (also with --diff-base, --normalize, and heap-5 as the base of heap-1);
    each row's base/new columns equal the flat and cum that heap-1's and
    heap-5's own go tool pprof -raw give, and new - base = delta;
  * text: pprof's header lines in order, and per row the delta and delta%
    columns equal pprof's flat and flat% (same unit choice, sign added);
  * --format folded: "stack base new" per stack equals the stacks and sums
    of heap-1's and heap-5's -raw outputs, union, 0 for a missing side.

Live (when `go` is installed, unless --offline): go tool pprof -top -base
run now on pairs of testdata and corpus profiles with several option sets,
compared as the text check above (and with exact values through -unit), and
--format dot byte for byte against go tool pprof -dot -base (tag nodelets
included).  Every pair is run: an input heapscope cannot read fails, and
at least len(FLAGS) + 1 checks per pair must run.  Without go or with
../shared absent: exit 77, a failure when CI is set."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pprof_raw  # noqa: E402

ENV = dict(os.environ, TZ='UTC', LC_ALL='C')
failures = []
checks = 0


def run(args, env=ENV):
    p = subprocess.run(pprof_raw.as_pprof(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout.decode('utf-8', 'surrogateescape'), p.stderr.decode('utf-8', 'replace')


def fail(what, msg):
    failures.append('%s: %s' % (what, msg))


def sections(text):
    """{sample type: body} of '## sample_index=T' sections."""
    out, cur = {}, None
    for ln in text.split('\n'):
        if ln.startswith('## sample_index='):
            cur = ln.split('=', 1)[1]
            out[cur] = []
        elif cur is not None:
            out[cur].append(ln)
    return {k: '\n'.join(v).rstrip('\n') + '\n' for k, v in out.items()}


def int_of(s):
    """An exact value printed with -unit=B or -unit=ns: '-4096000B' -> -4096000."""
    if s == '0':
        return 0
    return int(re.match(r'^(-?\d+)', s).group(1))


def parse_top(body):
    """pprof -top: header lines, then rows (flat, flat%, cum, name)."""
    head, rows = [], []
    lines = body.rstrip('\n').split('\n')
    i = 0
    while i < len(lines) and not lines[i].lstrip().startswith('flat  flat%'):
        head.append(lines[i])
        i += 1
    for ln in lines[i + 1:]:
        m = re.match(r'^ *(\S+) +(\S+) +(\S+) +(\S+) +(\S+)  (.*)$', ln)
        if m:
            rows.append((m.group(1), m.group(2), m.group(4), m.group(5), m.group(6)))
    return head, rows


def parse_diff_text(out):
    head, rows = [], []
    lines = out.rstrip('\n').split('\n')
    i = 0
    while i < len(lines) and not re.match(r'^ +(cum )?base +', lines[i]):
        head.append(lines[i])
        i += 1
    for ln in lines[i + 1:]:
        m = re.match(r'^ *(\S+) +(\S+) +(\S+) +(\S+)  (.*)$', ln)
        if m:
            rows.append(m.groups())
    return head, rows


def check_text(what, hs_args, pprof_body, cum=False):
    """heapscope diff text against a go tool pprof -top -base section: the
    delta and delta% columns are pprof's flat and flat% (cum and cum% with
    --cum)."""
    global checks
    checks += 1
    rc, out, err = run(hs_args)
    if rc != 0:
        return fail(what, 'exit %d: %s' % (rc, err.strip()))
    phead, prows = parse_top(pprof_body)
    hhead, hrows = parse_diff_text(out)
    extra = [h for h in hhead if not re.match(r'^(Base|New|Growth):', h)]
    if extra != phead:
        return fail(what, 'header differs:\n      pprof %r\n      heapscope %r' % (phead, extra))
    want = {}
    for flat, pct, cumv, cpct, name in prows:
        want[name] = (cumv, cpct) if cum else (flat, pct)
    got = {}
    for base, new, delta, dpct, name in hrows:
        d = delta[1:] if delta.startswith('+') else delta
        p = dpct.lstrip('+-')
        got[name] = (d, p)
        # the sign of delta% follows the delta
        if delta.startswith('-') != dpct.startswith('-') and p != '0%':
            fail(what, '%s: delta %s but delta%% %s' % (name, delta, dpct))
    if got != want:
        diff = sorted(set(got.items()) ^ set(want.items()))[:4]
        fail(what, 'rows differ (name, (flat, flat%%)), first: %r' % diff)


def check_json(what, hs_args, pprof_body, base_raw=None, new_raw=None, index=None):
    """heapscope diff --format json against pprof -top -unit=B/-unit=ns."""
    global checks
    checks += 1
    rc, out, err = run(hs_args)
    if rc != 0:
        return fail(what, 'exit %d: %s' % (rc, err.strip()))
    got = json.loads(out)
    head, prows = parse_top(pprof_body)
    hl = '\n'.join(head)
    m = re.search(r'of (\S+) total', hl)
    total = int_of(m.group(1))
    if got['total'] != total:
        fail(what, 'total %d, pprof %d' % (got['total'], total))
    m = re.search(r'Dropped (\d+) nodes? \(cum <= (\S+)\)', hl)
    dropped, cutoff = (int(m.group(1)), int_of(m.group(2))) if m else (0, None)
    if got['dropped_nodes'] != dropped or (cutoff is not None and got['node_cutoff'] != cutoff):
        fail(what, 'dropped %d (cutoff %d), pprof %d (%s)' % (got['dropped_nodes'], got['node_cutoff'],
                                                              dropped, cutoff))
    want = {}
    for flat, _, cum, _, name in prows:
        inline = name.endswith(' (inline)')
        want[name[:-9] if inline else name] = (int_of(flat), int_of(cum))
    have = {r['name']: (r['flat'], r['cum']) for r in got['rows']}
    if have != want:
        diff = sorted(set(have.items()) ^ set(want.items()))[:4]
        fail(what, 'rows differ (name, (flat, cum)), first: %r' % diff)
    for r in got['rows']:
        if r['delta'] != r['flat'] or r['new'] - r['base'] != r['flat'] or \
                r['new_cum'] - r['base_cum'] != r['cum']:
            fail(what, '%s: base/new/delta inconsistent: %r' % (r['name'], r))
            break
    if base_raw is None:
        return
    # The sides against each input's own -raw output.
    _, bflat, bcum = pprof_raw.flat_cum(base_raw, index)
    _, nflat, ncum = pprof_raw.flat_cum(new_raw, index)
    for r in got['rows']:
        n = r['name']
        side = (bflat.get(n, 0), nflat.get(n, 0), bcum.get(n, 0), ncum.get(n, 0))
        if (r['base'], r['new'], r['base_cum'], r['new_cum']) != side:
            fail(what, '%s: base/new/base_cum/new_cum %r, the inputs\' -raw say %r'
                 % (n, (r['base'], r['new'], r['base_cum'], r['new_cum']), side))
            break
    btot = sum(v[index] for v, _ in base_raw.samples)
    ntot = sum(v[index] for v, _ in new_raw.samples)
    if (got['base_total'], got['new_total']) != (btot, ntot):
        fail(what, 'base_total/new_total %d/%d, -raw says %d/%d' % (got['base_total'], got['new_total'],
                                                                  btot, ntot))


def check_folded(what, hs_args, base_raw, new_raw, index):
    global checks
    checks += 1
    rc, out, err = run(hs_args)
    if rc != 0:
        return fail(what, 'exit %d: %s' % (rc, err.strip()))
    b = pprof_raw.folded(base_raw, index)
    n = pprof_raw.folded(new_raw, index)
    want = {k: (b.get(k, 0), n.get(k, 0)) for k in set(b) | set(n)}
    got = {}
    for ln in out.splitlines():
        stack, bv, nv = ln.rsplit(' ', 2)
        if stack in got:
            fail(what, 'stack listed twice: %s' % stack)
        got[stack] = (int(bv), int(nv))
    if got != want:
        diff = sorted(set(got.items()) ^ set(want.items()))[:3]
        fail(what, '%d stacks expected, %d got; first differing: %r' % (len(want), len(got), diff))


def offline(hs, root):
    series = os.path.join(root, 'testdata', 'pprof', 'series')
    exp = os.path.join(root, 'testdata', 'expected', 'series')
    if not os.path.isdir(exp):
        return False
    h1, h5 = os.path.join(series, 'heap-1.pb.gz'), os.path.join(series, 'heap-5.pb.gz')
    raws = {}
    for k in (1, 5):
        with open(os.path.join(exp, 'heap-%d.pb.gz.raw.txt' % k), encoding='utf-8') as f:
            raws[k] = pprof_raw.parse(f.read())
    types = [t for t, _ in raws[1].types]
    cases = [('base-1-5.topB.txt', [], h1, h5, 1, 5), ('diff_base-1-5.topB.txt', ['--diff-base'], h1, h5, 1, 5),
             ('normalize-1-5.topB.txt', ['--normalize'], h1, h5, None, None),
             ('base-5-1.topB.txt', [], h5, h1, 5, 1)]
    for fn, flags, b, n, kb, kn in cases:
        with open(os.path.join(exp, fn), encoding='utf-8') as f:
            secs = sections(f.read())
        for i, t in enumerate(types):
            args = [hs, 'diff', '--format', 'json', '--nodecount=0', '--sample-index=' + t] + flags + [b, n]
            sides = (raws[kb], raws[kn], i) if kb else (None, None, None)
            check_json('%s [%s]' % (fn, t), args, secs[t], *sides)
    with open(os.path.join(exp, 'base-1-5.top.txt'), encoding='utf-8') as f:
        secs = sections(f.read())
    for i, t in enumerate(types):
        check_text('base-1-5.top.txt [%s]' % t, [hs, 'diff', '--nodecount=0', '--sample-index=' + t, h1, h5],
                   secs[t])
        check_folded('folded 1-5 [%s]' % t, [hs, 'diff', '--format=folded', '--sample-index=' + t, h1, h5],
                     raws[1], raws[5], i)
        check_folded('folded 5-1 [%s]' % t, [hs, 'diff', '--format=folded', '--sample-index=' + t, h5, h1],
                     raws[5], raws[1], i)
    return True


# ---- live -------------------------------------------------------------------

FLAGS = [[], ['-cum'], ['-lines'], ['-focus=main'], ['-hide=runtime'], ['-ignore=pprof'],
         ['-nodecount=5'], ['-normalize'], ['-diff_base'], ['-sample_index=0'],
         ['-nodefraction=0', '-nodecount=0'], ['-unit=kB']]

HS_FLAG = {'-cum': '--cum', '-lines': '--granularity=lines', '-focus': '--focus', '-hide': '--hide',
           '-ignore': '--ignore', '-nodecount': '--nodecount', '-normalize': '--normalize',
           '-diff_base': '--diff-base', '-sample_index': '--sample-index',
           '-nodefraction': '--nodefraction', '-unit': '--unit'}


def hs_flags(flags):
    out = []
    for f in flags:
        k, eq, v = f.partition('=')
        out.append(HS_FLAG[k] + ('=' + v if eq else ''))
    return out


def pairs(root):
    s = os.path.join(root, 'testdata', 'pprof', 'series')
    g = os.path.join(root, 'testdata', 'pprof', 'growth')
    c = os.path.join(root, '..', 'shared', 'corpus', 'pprof')
    lt = os.path.join(root, '..', 'shared', 'corpus', 'legacy-text')
    out = [(os.path.join(s, 'heap-1.pb.gz'), os.path.join(s, 'heap-5.pb.gz')),
           (os.path.join(s, 'heap-2.pb.gz'), os.path.join(s, 'heap-3.pb.gz')),
           (os.path.join(s, 'heap-5.pb.gz'), os.path.join(s, 'heap-1.pb.gz')),
           (os.path.join(root, 'testdata', 'pprof', 'heap.pb.gz'), os.path.join(s, 'heap-5.pb.gz')),
           (os.path.join(root, 'testdata', 'pprof', 'heap.pb.gz'),
            os.path.join(root, 'testdata', 'pprof', 'allocs.pb.gz')),
           (os.path.join(g, 'heap-1.pb.gz'), os.path.join(g, 'heap-6.pb.gz')),
           (os.path.join(c, 'hodis', 'heap.pb.gz'), os.path.join(c, 'chaos-mesh', 'heap.pb.gz')),
           (os.path.join(c, 'go1.19', 'echo-cpu.pb.gz'), os.path.join(c, 'go1.25', 'cpu-after.pb.gz')),
           (os.path.join(c, 'google-pprof', 'gobench.cpu'), os.path.join(c, 'google-pprof', 'go.crc32.cpu')),
           (os.path.join(c, 'hodis', 'goroutine.pb.gz'), os.path.join(c, 'chaos-mesh', 'goroutine.pb.gz')),
           # legacy text heap profiles, alone and against a protobuf one
           (os.path.join(lt, 'go-heap-debug1-infworld-cmd-a.txt'), os.path.join(lt, 'go-heap-debug1-infworld-cmd-b.txt')),
           (os.path.join(root, 'testdata', 'pprof', 'heap.pb.gz'), os.path.join(lt, 'go-heap-debug1-infworld.txt'))]
    return out


def present(p):
    return os.path.exists(p[0]) and os.path.exists(p[1])


def readable(hs, path):
    return run([hs, 'info', path])[0] == 0


def live(hs, root):
    go = shutil.which('go')
    if not go:
        return None
    nobin = tempfile.mkdtemp()
    env = dict(ENV, PPROF_BINARY_PATH=nobin, PPROF_TMPDIR=nobin)
    global checks
    done = 0
    for base, new in filter(present, pairs(root)):
        rel = '%s -> %s' % (os.path.relpath(base, root), os.path.relpath(new, root))
        if not (readable(hs, base) and readable(hs, new)):
            fail(rel, 'heapscope cannot read it')
            continue
        done += 1
        for flags in FLAGS:
            # -diff_base names the base itself
            bflag = [] if '-diff_base' in flags else ['-base']
            rc, ref, err = run([go, 'tool', 'pprof', '-top'] + flags + bflag + [base, new], env)
            what = '%s %s' % (rel, ' '.join(flags))
            if rc != 0:
                # pprof refuses: so must heapscope.
                checks += 1
                hrc, _, herr = run([hs, 'diff'] + hs_flags(flags) + [base, new])
                if hrc != 2:
                    fail(what, 'pprof fails (%s) but heapscope exits %d' % (err.strip().splitlines()[-1], hrc))
                continue
            check_text(what, [hs, 'diff'] + hs_flags(flags) + [base, new], ref, '-cum' in flags)
            # exact values: pprof with the sample type's own smallest unit
            rc, out, _ = run([hs, 'diff', '--format=json', '--nodecount=1'] + hs_flags(flags) + [base, new])
            if rc != 0:
                continue
            unit = {'nanoseconds': 'ns'}.get(json.loads(out)['unit'], 'B')
            eflags = [f for f in flags if not f.startswith('-unit')] + ['-unit=' + unit]
            rc, ref, _ = run([go, 'tool', 'pprof', '-top'] + eflags + bflag + [base, new], env)
            if rc == 0:
                check_json(what + ' (exact)', [hs, 'diff', '--format=json'] + hs_flags(eflags) + [base, new], ref)
        # DOT, nodelets and all.
        checks += 1
        rc, ref, _ = run([go, 'tool', 'pprof', '-dot', '-base', base, new], env)
        hrc, out, herr = run([hs, 'diff', '--format=dot', base, new])
        if rc != 0 or hrc != 0 or ref != out:
            fail(rel + ' dot', 'differs from go tool pprof -dot -base')
    return done


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    hs, root = sys.argv[1], sys.argv[2]
    did = offline(hs, root)
    if not did:
        fail('offline', 'no testdata/expected/series')
    print('offline: %d checks' % checks)
    n = checks
    ok = True
    if '--offline' not in sys.argv[3:]:
        done = live(hs, root)
        if done is None:
            return ci_gate.skip('go is not installed')
        print('live: %d checks' % (checks - n))
        ok = ci_gate.enough(done, len(pairs(root)), 'live diff pairs')
        ok = ci_gate.enough(checks - n, done * (len(FLAGS) + 1), 'live diff checks') and ok
    for f in failures:
        print('FAIL ' + f)
    print('%d checks, %d failed' % (checks, len(failures)))
    gone = [p for p in pairs(root) if not present(p)]
    if gone and not failures:
        return ci_gate.skip('%d pairs are absent (../shared?)' % len(gone))
    return 1 if failures or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
