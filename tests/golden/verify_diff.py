"""Independent checks of the diff-* and merge-* golden cases.

Imported by verify.py (run(v) with the verify module), never run alone.  It
never runs heapscope.  Expected outputs are rebuilt from:

  - `go tool pprof -top -base BASE NEW`: header lines, rows, delta (flat)
    and delta% (flat%) as printed, and with -unit=B the exact values that
    fix the growth order and the JSON numbers;
  - `go tool pprof -raw` of BASE and of NEW alone: each side's flat and cum
    per function, its total, and its folded stacks (verify.py's parse_raw);
  - pprof's ScaledLabel formatting (one unit per report), redone here;
  - for merge: `go tool pprof -raw` of the written file (totals equal to the
    inputs' sums) and `go tool pprof -top` of it, equal to what pprof prints
    when it merges the same inputs itself;
  - for usage errors, the texts below, checked by hand; where pprof refuses
    the same inputs, that it does.
"""
import os
import re
import subprocess
import tempfile

S = 'testdata/pprof/series/heap-%d.pb.gz'
V = None

UNITS = {'B': 1, 'kB': 1024, 'MB': 1024 ** 2, 'GB': 1024 ** 3, 'TB': 1024 ** 4}

HAND = {
    'diff-one-file': "heapscope: diff: takes exactly two profiles, BASE then NEW (got 1)\n",
    'diff-format-xml': "heapscope: diff: unsupported --format 'xml' (supported: text,json,dot,folded)\n",
    'diff-incompatible': "heapscope: diff: cannot compare 'testdata/pprof/heap.pb.gz' with "
                         "'testdata/pprof/cpu.pb.gz': incompatible period types space/bytes and "
                         "cpu/nanoseconds\n",
    'merge-no-output': "heapscope: merge: no output file (use -o OUT.pb.gz, or -o - for standard output)\n",
    'merge-no-input': "heapscope: merge: no input file (usage: heapscope merge [options] FILE... "
                      "-o OUT.pb.gz)\n",
    'merge-incompatible': "heapscope: merge: cannot merge 'testdata/pprof/heap.pb.gz' and "
                          "'testdata/pprof/cpu.pb.gz': incompatible period types space/bytes and "
                          "cpu/nanoseconds\n",
    'merge-dangling-o': "heapscope: merge: missing argument for option '-o' (see 'heapscope merge --help')\n",
    'merge-format': "heapscope: merge: --format is not supported by this command (it writes "
                    "gzipped profile.proto only)\n",
}
# Inputs pprof must refuse too (go tool pprof's own words differ).
PPROF_REFUSES = {
    'diff-incompatible': ['-top', '-base', 'testdata/pprof/heap.pb.gz', 'testdata/pprof/cpu.pb.gz'],
    'merge-incompatible': ['-top', 'testdata/pprof/heap.pb.gz', 'testdata/pprof/cpu.pb.gz'],
}


def label(v, unit):
    """measurement.ScaledLabel in a fixed unit: %.2f, '.00' trimmed, '0' alone."""
    s = '%.2f' % (v / UNITS.get(unit, 1))
    if s.endswith('.00'):
        s = s[:-3]
    if s in ('0', '-0'):
        return '0'
    return s + unit


def signed(v, unit):
    return ('+' if v > 0 else '') + label(v, unit)


def side(path, index):
    """Per-function flat and cum, and the total, from go tool pprof -raw."""
    types, samples, locs = V.parse_raw(V.pprof('-raw', path))
    k = types.index(index)
    flat, cum, total = {}, {}, 0
    for vals, ids in samples:
        v = vals[k]
        total += v
        frames = [f for loc in ids for f in locs[loc]]
        if not frames or v == 0:
            continue
        flat[frames[0]] = flat.get(frames[0], 0) + v
        for f in set(frames):
            cum[f] = cum.get(f, 0) + v
    return flat, cum, total


def top_rows(text):
    lines = text.rstrip('\n').split('\n')
    i = next(j for j, ln in enumerate(lines) if ln.lstrip().startswith('flat  flat%'))
    rows = []
    for ln in lines[i + 1:]:
        m = re.match(r'^ *(\S+) +(\S+) +(\S+) +(\S+) +(\S+)  (.*)$', ln)
        rows.append(m.groups())
    return lines[:i], rows


def exact(s):
    return 0 if s == '0' else int(re.match(r'^(-?\d+)', s).group(1))


def growth_order(rows_b):
    """Rows by exact delta descending, pprof's order among equals."""
    return sorted(range(len(rows_b)), key=lambda i: -exact(rows_b[i][0]))


def diff_text_case(name, base, new, nodecount, index='inuse_space'):
    ref = V.pprof('-top', '-nodecount=%d' % nodecount, '-base', base, new)
    refb = V.pprof('-top', '-nodecount=%d' % nodecount, '-unit=B', '-base', base, new)
    head, rows = top_rows(ref)
    _, rows_b = top_rows(refb)
    unit = next(re.match(r'^-?[\d.]+(\D*)$', r[0]).group(1) for r in rows if r[0] != '0')
    bflat, _, btot = side(base, index)
    nflat, _, ntot = side(new, index)
    g = ntot - btot
    inserted = ['Base: %s, %s' % (base, label(btot, unit)),
                'New:  %s, %s' % (new, label(ntot, unit)),
                'Growth: %s (%+.2f%% of base)' % (signed(g, unit), g / btot * 100)]
    k = next(j for j, ln in enumerate(head) if ln.startswith(('Showing nodes', 'Active filters:')))
    out = head[:k] + inserted + head[k:]
    out.append('%10s %10s %10s %8s' % ('base', 'new', 'delta', 'delta%'))
    for i in growth_order(rows_b):
        flat, pct, _, _, _, shown = rows[i]
        fn = shown[:-len(' (inline)')] if shown.endswith(' (inline)') else shown
        d = exact(rows_b[i][0])
        sp = pct.strip()
        sp = sp if d == 0 or sp == '0%' else ('+' if d > 0 else '-') + sp
        out.append('%10s %10s %10s %8s  %s' % (label(bflat.get(fn, 0), unit), label(nflat.get(fn, 0), unit),
                                              ('+' if d > 0 else '') + flat, sp, shown))
    V.expect(name, 'out', '\n'.join(out) + '\n')
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def diff_json_case(name, base, new, nodecount, index='inuse_space'):
    import json
    refb = V.pprof('-top', '-nodecount=%d' % nodecount, '-unit=B', '-base', base, new)
    head, rows_b = top_rows(refb)
    hl = '\n'.join(head)
    total = exact(re.search(r'of (\S+) total', hl).group(1))
    dropped = re.search(r'Dropped (\d+) nodes \(cum <= (\S+)\)', hl)
    bflat, bcum, btot = side(base, index)
    nflat, ncum, ntot = side(new, index)
    out = []
    for i in growth_order(rows_b):
        flat, _, _, cum, _, shown = rows_b[i]
        fn = shown[:-len(' (inline)')] if shown.endswith(' (inline)') else shown
        row = {'name': fn, 'flat': exact(flat), 'cum': exact(cum), 'base': bflat.get(fn, 0),
               'new': nflat.get(fn, 0), 'delta': exact(flat), 'base_cum': bcum.get(fn, 0),
               'new_cum': ncum.get(fn, 0)}
        if shown != fn:
            row['inline'] = 'inline'
        out.append(row)
    want = {'sample_type': index, 'unit': 'bytes', 'total': total, 'granularity': 'functions',
            'dropped_nodes': int(dropped.group(1)) if dropped else 0,
            'node_cutoff': exact(dropped.group(2)) if dropped else 0,
            'base_file': base, 'new_file': new, 'normalized': False, 'diff_base': False,
            'base_total': btot, 'new_total': ntot, 'growth': ntot - btot, 'rows': out}
    V.checked.add(name)
    got = json.loads(V.golden(name, 'out'))
    if got != want:
        V.problems.append('%s.out: %s\n  want %s' % (name, got, want))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def diff_folded_case(name, base, new, index):
    b = V.folded_from_raw(base, index)
    n = V.folded_from_raw(new, index)
    want = {k: (b.get(k, 0), n.get(k, 0)) for k in set(b) | set(n)}
    got = {}
    for ln in (V.golden(name, 'out') or '').splitlines():
        stack, bv, nv = ln.rsplit(' ', 2)
        got[stack] = (int(bv), int(nv))
    V.checked.add(name)
    if got != want:
        V.problems.append('%s.out: stacks differ from the inputs\' -raw: %r'
                          % (name, sorted(set(got.items()) ^ set(want.items()))[:4]))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def raw_totals(text):
    types, samples, _ = V.parse_raw(text)
    return [sum(v[k] for v, _ in samples) for k in range(len(types))]


def merge_case(name, files):
    path = os.path.join(V.CASES, name + '.file')
    V.checked.add(name)
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        V.problems.append('%s.file: a .pb output must not be gzipped' % name)
    with tempfile.NamedTemporaryFile(suffix='.pb') as tmp:
        tmp.write(data)
        tmp.flush()
        want = None
        for f in files:
            t = raw_totals(V.pprof('-raw', f))
            want = t if want is None else [a + b for a, b in zip(want, t)]
        got = raw_totals(V.pprof('-raw', tmp.name))
        if got != want:
            V.problems.append('%s.file: -raw totals %r, the inputs sum to %r' % (name, got, want))
        if V.pprof('-top', tmp.name) != V.pprof('-top', *files):
            V.problems.append('%s.file: go tool pprof -top differs from pprof merging the inputs' % name)
    V.expect(name, 'out', '')
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def run(v):
    global V
    V = v
    diff_text_case('diff-series', S % 1, S % 5, 12)
    diff_text_case('diff-options-after', S % 1, S % 5, 12)   # --nodecount after the files
    diff_json_case('diff-series-json', S % 1, S % 5, 8)
    diff_folded_case('diff-series-folded', S % 1, S % 5, 'inuse_objects')
    merge_case('merge-series', [S % 1, S % 2, S % 3])
    for name, err in HAND.items():
        V.refused(name, err)
    for name, args in PPROF_REFUSES.items():
        p = subprocess.run(['go', 'tool', 'pprof'] + args, cwd=V.ROOT, env=V.ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode == 0 or b'incompatible' not in p.stderr:
            V.problems.append('%s: go tool pprof accepts these inputs' % name)
