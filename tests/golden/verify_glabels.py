"""Independent checks of the goroutines-labels-* golden cases: the pprof
labels `heapscope goroutines` shows per group (issue: labels in goroutines).

Imported by verify.py (run(v) with the verify module), never run alone.  It
never runs heapscope.  The expected label sets and counts come from:

  - testdata/corelabels/goroutine-debug1.txt (and go123/): the ?debug=1
    goroutine profile the program wrote of itself just before its core,
    its "# labels: {...}" lines parsed here (runtime/pprof prints
    labelMap.String(): "k":"v" pairs, %q-quoted, by key);
  - `go tool pprof -raw` of testdata/corelabels/goroutine.pb.gz, which
    prints each sample's string labels (`k:[v] k2:[v2]`);
  - testdata/corelabels/counts.json: the goroutines the program started.

A group is named by the first main.* frame of its stack (the JSON
"stack"; the text's TOP FRAME is that frame for the program's goroutines):
per such frame, the label sets (a dict) and how many goroutines carry each.
The writer goroutine (which printed the profile, and in the core sleeps)
carries none.  The text's "labels:" line is the same sets, most first,
equal counts by keys and values, at most 4 then "and N more"; a group
without labels has no such line.
"""
import json
import os
import re

CL = 'testdata/corelabels/'


def go_labels(s):
    """The dict of a '# labels: {...}' line's braces: "k":"v" pairs, each
    a Go %q string (for this data JSON reads them the same)."""
    return json.loads(s) if s.strip() != '{}' else {}


def debug1(v, path):
    """{first main. frame: {label tuple: count}} of a ?debug=1 profile."""
    out = {}
    count, labels, top = None, (), None
    with open(os.path.join(v.ROOT, path)) as f:
        lines = f.read().split('\n')

    def flush():
        if count is not None:
            d = out.setdefault(top, {})
            d[labels] = d.get(labels, 0) + count
    for ln in lines[1:]:
        m = re.match(r'^(\d+) @', ln)
        if m:
            flush()
            count, labels, top = int(m.group(1)), (), None
        elif ln.startswith('# labels: '):
            labels = tuple(sorted(go_labels(ln[len('# labels: '):]).items()))
        elif ln.startswith('#\t') and top is None:
            fn = ln.split('\t')[2].rsplit('+', 1)[0]
            if fn.startswith('main.'):
                top = fn
    flush()
    return out


def main_top(frames):
    return next((f for f in frames if f.startswith('main.')), None)


def chan_state(frames):
    """--by state: the goroutines parked in runtime.chanrecv (all but the
    profile's writer here) against the rest."""
    return 'chan receive' if 'runtime.chanrecv' in frames else 'other'


def raw(v, path, keyof=main_top):
    """The same from `go tool pprof -raw` of a profile.proto (verify.py's
    reader), per keyof of each sample's frames."""
    _, samples, locs = v.parse_raw_frames(v.pprof('-raw', path))
    out = {}
    for vals, ids, labels in samples:
        d = out.setdefault(keyof([locs[i][0][0] for i in ids]), {})
        key = tuple(sorted(labels.items()))
        d[key] = d.get(key, 0) + vals[0]
    return out


def order(sets):
    """Label sets with their counts as heapscope orders them."""
    def key(item):
        kv = [x for pair in item[0] for x in pair]
        return (-item[1], kv)
    return sorted(sets.items(), key=key)


def want_groups(oracle):
    """{top: [(labels dict, count)...] or None when none has a label}."""
    want = {}
    for top, sets in oracle.items():
        if all(not k for k in sets):
            want[top] = None
        else:
            want[top] = [(dict(k), c) for k, c in order(sets)]
    return want


def check_json(v, name, oracle, counts, keyof=lambda g: main_top(g['stack'])):
    out = v.golden(name, 'out')
    v.checked.add(name)
    if out is None:
        v.problems.append('%s: no .out' % name)
        return
    d = json.loads(out)
    want = want_groups(oracle)
    seen = set()
    labelled = 0
    for g in d['groups']:
        top = keyof(g)
        got = [(x['labels'], x['count']) for x in g.get('labels', [])] or None
        if got is not None:
            labelled += sum(c for d, c in got if d)
            if sum(c for _, c in got) != g['count']:
                v.problems.append('%s: group %s: label counts %s do not add up to %d'
                                  % (name, top, got, g['count']))
        if top in want:
            seen.add(top)
            if got != want[top]:
                v.problems.append('%s: group %s: labels %s, the oracle has %s'
                                  % (name, top, got, want[top]))
            n = sum(oracle[top].values())
            if g['count'] != n:
                v.problems.append('%s: group %s: %d goroutines, the oracle has %d'
                                  % (name, top, g['count'], n))
        elif got is not None:
            v.problems.append('%s: group %s has labels %s the oracle does not know'
                              % (name, top, got))
    for top, w in want.items():
        if w is not None and top not in seen:
            v.problems.append('%s: the oracle\'s labelled group %s is missing' % (name, top))
    # the program's own counts: labelled goroutines = 2 tenants x labeled
    # + self + inherited + its parent
    n = 2 * counts['labeled'] + counts['self'] + 2 * counts['inherited']
    if labelled != n:
        v.problems.append('%s: %d labelled goroutines, counts.json gives %d' % (name, labelled, n))


def label_text(sets):
    parts = ['{%s} %d' % (', '.join('%s=%s' % kv for kv in d.items()), c)
             for d, c in sets[:4]]
    if len(sets) > 4:
        parts.append('and %d more' % (len(sets) - 4))
    return 'labels: ' + ', '.join(parts)


def check_text(v, name, oracle, keyof=main_top):
    out = v.golden(name, 'out')
    v.checked.add(name)
    if out is None:
        v.problems.append('%s: no .out' % name)
        return
    want = want_groups(oracle)
    lines = out.split('\n')
    rows = 0
    for i, ln in enumerate(lines):
        m = re.match(r'^\s*(\d+)\s+[\d.]+%\s', ln)
        if not m:
            continue
        rows += 1
        top = keyof(ln.split())
        nxt = lines[i + 1] if i + 1 < len(lines) else ''
        has = nxt.strip().startswith('labels: ')
        w = want.get(top)
        if w is None:
            if has:
                v.problems.append('%s: row %r has a labels line %r, the oracle none'
                                  % (name, ln, nxt))
            continue
        if not has or nxt.strip() != label_text(w):
            v.problems.append('%s: row %r: labels line %r, want %r'
                              % (name, ln, nxt, label_text(w)))
    if rows == 0:
        v.problems.append('%s: no rows' % name)


def run(v):
    with open(os.path.join(v.ROOT, CL, 'counts.json')) as f:
        counts = json.load(f)
    d1 = debug1(v, CL + 'goroutine-debug1.txt')
    # the two oracles of the same moment agree
    pb = raw(v, CL + 'goroutine.pb.gz')
    if d1 != pb:
        v.problems.append('corelabels: goroutine-debug1.txt %s and pprof -raw of '
                          'goroutine.pb.gz %s differ' % (d1, pb))
    check_json(v, 'goroutines-labels-debug1-json', d1, counts)
    check_text(v, 'goroutines-labels-debug1', d1)
    check_json(v, 'goroutines-labels-pb-json', pb, counts)
    check_json(v, 'goroutines-labels-core-json', d1, counts)
    check_text(v, 'goroutines-labels-core', d1)
    # --by state: one group of labelled and unlabelled goroutines ({})
    st = raw(v, CL + 'goroutine.pb.gz', chan_state)
    if sorted(st['chan receive']) [0] != ():
        v.problems.append('corelabels: the chan receive goroutines have no unlabelled ones')
    check_json(v, 'goroutines-labels-by-state-json', st, counts,
               lambda g: 'chan receive' if g['state'] == 'chan receive' else 'other')
    check_text(v, 'goroutines-labels-by-state', st,
               lambda w: 'chan receive' if 'receive' in w else 'other')
    with open(os.path.join(v.ROOT, CL, 'go123/counts.json')) as f:
        counts123 = json.load(f)
    check_json(v, 'goroutines-labels-core123-json', debug1(v, CL + 'go123/goroutine-debug1.txt'),
               counts123)
