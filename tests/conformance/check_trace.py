"""Conformance of `heapscope trace` (execution traces, old wire format).

  --testdata ROOT   testdata/trace/*.trace (made by testdata/gen/generate-trace.sh):
                    the summary's created/ended/alive for the program's site equal
                    MODE.counts.json (the program's own counts), so does the
                    number `blocking` finds blocked there at the end, and each
                    `--profile KIND` equals go tool trace -pprof=KIND's profile
                    (testdata/expected/trace/*.raw.txt, go tool pprof -raw text):
                    same folded stacks and values for both sample types.  Each
                    trace cut short loads the events trace_count.py finds
                    complete, flagged truncated; a bad event type fails at its byte.
  --corpus DIR COUNTS  every old-format trace in DIR loads, and the goroutines
                    created equal the GoCreate events counted by trace_count.py
                    (an independent record walk), committed in COUNTS.
  --live ROOT DIR   with Go installed: the samples (values and frames) of every
                    profile kind equal go tool trace -pprof's, on the testdata
                    traces and the corpus traces Go 1.19 reads.

Exits 77 (skipped) when the inputs (or go, for --live) are absent."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pprof_raw
import trace_count

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

KINDS = ('sync', 'net', 'syscall', 'sched')


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def parse_folded(text):
    out = {}
    for ln in text.splitlines():
        stack, _, v = ln.rpartition(' ')
        out[stack] = out.get(stack, 0) + int(v)
    return out


def summary(hs, path):
    rc, out, err = run([hs, 'trace', '--format', 'json', path])
    if rc != 0:
        raise AssertionError('%s: exit %d: %s' % (path, rc, err.strip()))
    return json.loads(out)


def check_counts(hs, path, fails):
    with open(path[:-len('.trace')] + '.counts.json') as f:
        want = json.load(f)
    s = summary(hs, path)
    sites = [x for x in s['sites'] if (x['function'] or '').split(' ')[0] == want['site']]
    got = {k: sum(x[k] for x in sites) for k in ('created', 'ended', 'alive')}
    for k in got:
        if got[k] != want[k]:
            fails.append('%s: %s %s: %d, the program counted %d'
                         % (os.path.basename(path), want['site'], k, got[k], want[k]))
    # blocking: the site's goroutines still blocked at the end of the trace
    # (the program's alive ones all wait) are one hotspot
    rc, out, err = run([hs, 'blocking', '--format', 'json', path])
    spots = [h for h in json.loads(out)['hotspots'] if h['culprit'] == want['site']] if rc == 0 else []
    blocked = max([h['goroutines'] for h in spots] or [0])
    if rc != 0 or blocked != want['alive']:
        fails.append('%s: blocking: %s has %d goroutines blocked at the end, the program left %d (%s)'
                     % (os.path.basename(path), want['site'], blocked, want['alive'], err.strip()))
    # leaks: a site that left 10 or more goroutines blocked is a candidate
    # weighing exactly those
    if want['alive'] >= 10:
        rc, out, err = run([hs, 'leaks', '--format', 'json', path])
        cands = [c for c in json.loads(out)['candidates'] if c['culprit'] == want['site']] if rc == 0 else []
        if [c['weight'] for c in cands] != [want['alive']]:
            fails.append('%s: leaks: %s candidates %r, the program left %d goroutines'
                         % (os.path.basename(path), want['site'], cands, want['alive']))
    return len(got) + 2


def check_profile(hs, path, kind, raw_path, fails):
    with open(raw_path) as f:
        raw = pprof_raw.parse(f.read())
    n = 0
    for i, name in enumerate(('contentions', 'delay')):
        want = pprof_raw.folded(raw, i)
        rc, out, err = run([hs, 'trace', '--profile', kind, '--format', 'folded',
                            '--sample-index', name, path])
        if rc != 0:
            fails.append('%s %s: exit %d: %s' % (path, kind, rc, err.strip()))
            continue
        got = parse_folded(out)
        if got != want:
            diff = sorted(set(got.items()) ^ set(want.items()))[:2]
            fails.append('%s --profile %s %s: %d stacks expected, %d got; differing: %r'
                         % (os.path.basename(path), kind, name, len(want), len(got), diff))
        n += 1
    return n


def check_cut(hs, path, tmp, fails):
    """The trace cut at 3/5 of its bytes loads (exit 0) with a warning, is
    flagged truncated, and holds exactly the events of its complete records
    as trace_count.py's independent walk counts them; the trace with a
    byte that is no event type fails with exit 2 naming that byte."""
    with open(path, 'rb') as f:
        data = f.read()
    cut = os.path.join(tmp, 'cut.trace')
    with open(cut, 'wb') as f:
        f.write(data[:len(data) * 3 // 5])
    rc, out, err = run([hs, 'trace', '--format', 'json', cut])
    _, want_events = trace_count.count(data[:len(data) * 3 // 5])
    if rc != 0 or 'truncated' not in err:
        fails.append('%s cut: exit %d, stderr %r' % (os.path.basename(path), rc, err.strip()))
    else:
        s = json.loads(out)
        if not s['truncated'] or s['events'] != want_events:
            fails.append('%s cut: truncated=%s, %d events, %d complete in the file'
                         % (os.path.basename(path), s['truncated'], s['events'], want_events))
    bad = os.path.join(tmp, 'bad.trace')
    with open(bad, 'wb') as f:
        f.write(data[:16] + bytes([63]) + data[17:])
    rc, out, err = run([hs, 'trace', bad])
    if rc != 2 or 'unknown event type 63 (at byte 16)' not in err:
        fails.append('%s with type 63 at byte 16: exit %d, stderr %r'
                     % (os.path.basename(path), rc, err.strip()))
    return 2


def testdata(hs, root):
    tdir = os.path.join(root, 'testdata', 'trace')
    edir = os.path.join(root, 'testdata', 'expected', 'trace')
    traces = sorted(glob.glob(os.path.join(tdir, '*.trace')))
    if not traces:
        return ci_gate.skip('no %s' % tdir)
    fails, checks = [], 0
    tmp = tempfile.mkdtemp()
    for t in traces:
        checks += check_counts(hs, t, fails)
        checks += check_cut(hs, t, tmp, fails)
        for kind in KINDS:
            ref = os.path.join(edir, '%s.%s.raw.txt' % (os.path.basename(t), kind))
            checks += check_profile(hs, t, kind, ref, fails)
    shutil.rmtree(tmp)
    # the fixture list: each trace's go tool trace -pprof references
    return report(fails, checks, len(glob.glob(os.path.join(edir, '*.raw.txt'))) + len(traces),
                  'testdata traces')


def corpus(hs, d, counts_path):
    if not os.path.isdir(d):
        return ci_gate.skip('no %s' % d)
    want = {}
    with open(counts_path) as f:
        for ln in f:
            if ln.startswith('#') or not ln.strip():
                continue
            name, creates, events = ln.split('\t')
            want[name] = (int(creates), int(events))
    fails, checks = [], 0
    for name, (creates, events) in sorted(want.items()):
        path = os.path.join(d, name)
        try:
            s = summary(hs, path)
        except AssertionError as e:
            fails.append(str(e))
            continue
        if s['goroutines_created'] != creates:
            fails.append('%s: %d goroutines created, %d GoCreate events in the file'
                         % (name, s['goroutines_created'], creates))
        if s['events'] != events:
            fails.append('%s: %d events read, %d in the file' % (name, s['events'], events))
        checks += 2
    # two per old-format trace of the corpus manifest
    with open(os.path.join(os.path.dirname(os.path.normpath(d)), 'MANIFEST.tsv')) as f:
        old = sum(1 for ln in f if ln.split('\t')[1:2] == ['trace'] and 'pre-1.22' in ln)
    return report(fails, checks, 2 * old, 'corpus traces (MANIFEST.tsv pre-1.22 rows)')


def samples(pb):
    """The samples of a profile as go tool pprof -raw lists them: values and
    the function names of each frame, as a sorted list."""
    rc, out, _ = run(['go', 'tool', 'pprof', '-raw', pb])
    raw = pprof_raw.parse(out)
    return sorted(' '.join(map(str, v)) + ' | ' +
                  ';'.join('/'.join(raw.locations[l][1]) for l in ids) for v, ids in raw.samples)


def live(hs, root, d):
    if not shutil.which('go'):
        return ci_gate.skip('go is not installed')
    if not os.path.isdir(d):
        return ci_gate.skip('no %s' % d)
    traces = sorted(glob.glob(os.path.join(root, 'testdata', 'trace', '*.trace')))
    for p in sorted(glob.glob(os.path.join(d, '*.trace'))):
        with open(p, 'rb') as f:
            head = f.read(16)
        # Go 1.19's parser reads 1.7 to 1.11 and 1.19 headers (1.5 needs the binary)
        if head.split(b' ')[1] in (b'1.7', b'1.9', b'1.10', b'1.11', b'1.19'):
            traces.append(p)
    fails, checks = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for t in traces:
            for kind in KINDS:
                ref, mine = os.path.join(tmp, 'ref.pb'), os.path.join(tmp, 'mine.pb')
                with open(ref, 'wb') as f:
                    if subprocess.run(['go', 'tool', 'trace', '-pprof=' + kind, t], stdout=f,
                                      stderr=subprocess.DEVNULL).returncode:
                        fails.append('go tool trace -pprof=%s refuses %s' % (kind, t))
                        continue
                rc, _, err = run([hs, 'trace', '--profile', kind, '--format', 'pprof', '-o', mine, t])
                if rc:
                    fails.append('%s %s: exit %d: %s' % (t, kind, rc, err.strip()))
                    continue
                a, b = samples(ref), samples(mine)
                if a != b:
                    fails.append('%s -pprof=%s: %d samples expected, %d got; first differing: %r'
                                 % (os.path.basename(t), kind, len(a), len(b),
                                    sorted(set(a) ^ set(b))[:1]))
                checks += 1
    return report(fails, checks, len(traces) * len(KINDS), 'traces x kinds against go tool trace')


def report(fails, checks, least, what):
    for f in fails:
        print('FAIL', f)
    print('%d checks, %d failures' % (checks, len(fails)))
    ok = ci_gate.enough(checks, least, what)
    return 1 if fails or not ok else 0


def main():
    hs, mode = sys.argv[1], sys.argv[2]
    if mode == '--testdata':
        return testdata(hs, sys.argv[3])
    if mode == '--corpus':
        return corpus(hs, sys.argv[3], sys.argv[4])
    if mode == '--live':
        return live(hs, sys.argv[3], sys.argv[4])
    print('usage: check_trace.py HEAPSCOPE --testdata ROOT | --corpus DIR COUNTS | --live ROOT DIR')
    return 2


if __name__ == '__main__':
    sys.exit(main())
