#!/usr/bin/env python3
"""heapscope flame against flamegraph.pl: for every case of
testdata/flame/cases.json, the SVG heapscope writes must parse as XML and
hold the frames of the reference testdata/flame/<case>.json (made from
flamegraph.pl's SVG by make_reference.py): the same frame paths with the
same names, depths and values, x and width within rounding, the same
colours (flamegraph.pl --hash), and the same count of frames trimmed by
--minwidth.  Differential colours are also checked against NEW - BASE
worked out here from the folded inputs, and the SVG must load nothing.

flamegraph.pl draws a frame F as two boxes when F has both a value of its
own and callees and a sibling sorts between "F " and "F;" (F.func1, say);
heapscope draws one.  There the reference's boxes of a path are summed and
x is compared only where no such split moved a frame.

usage: check_flame.py HEAPSCOPE SOURCE_ROOT"""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

NS = '{http://www.w3.org/2000/svg}'
TITLE = re.compile(r'^(.*) \(([\d,]+) [^,]*, ([\d.]+)%(?:; ([+-]?[\d.]+)%)?\)$', re.S)
EPS = 0.1 + 1e-6        # flamegraph.pl prints x and width rounded to 0.1 px
problems = []


def fail(case, msg):
    problems.append('%s: %s' % (case, msg))


def readable(name):
    """A reference name as heapscope writes it: U+FFFD per invalid byte."""
    return re.sub('[\udc80-\udcff]', '\ufffd', name)


def svg_frames(root):
    frames = []
    group = root.find('.//%sg[@id="frames"]' % NS)
    for g in group.findall(NS + 'g'):
        title = g.find(NS + 'title').text
        rect = g.find(NS + 'rect')
        t = TITLE.match(title)
        frames.append({'name': t.group(1), 'x': float(rect.get('x')),
                       'width': float(rect.get('width')), 'y': float(rect.get('y')),
                       'value': int(t.group(2).replace(',', '')), 'pct': t.group(3),
                       'fill': rect.get('fill')})
    return group, frames


def with_paths(frames):
    """Each frame's path (names root first) from the geometry: its parent is
    the frame one level down whose box holds it."""
    by_depth = {}
    for f in frames:
        by_depth.setdefault(f['depth'], []).append(f)
    for d in sorted(by_depth):
        for f in by_depth[d]:
            if d == 0:
                f['path'] = ()
                continue
            parents = [p for p in by_depth.get(d - 1, [])
                       if p['x'] <= f['x'] + 1e-6 and f['x'] + f['width'] <= p['x'] + p['width'] + EPS]
            # Rounded to 0.1 px, a tiny frame can touch the end of the frame
            # before its parent: prefer a parent it starts strictly inside.
            parents.sort(key=lambda p: f['x'] >= p['x'] + p['width'] - 1e-6)
            f['path'] = parents[0]['path'] + (f['name'],) if parents and parents[0]['path'] is not None else None
    groups = {}
    for f in frames:
        groups.setdefault(f['path'], []).append(f)
    return groups


def split_paths(groups):
    """Paths whose x flamegraph.pl's split boxes may have moved: the split
    path, the siblings drawn between its boxes, and their callees."""
    spans = [(path, min(b['x'] for b in boxes), max(b['x'] + b['width'] for b in boxes))
             for path, boxes in groups.items() if path and len(boxes) > 1]

    def moved(p):
        if p is None or p not in groups:
            return True
        x = min(b['x'] for b in groups[p])
        return any(len(p) >= len(s) and p[:len(s) - 1] == s[:-1] and x0 - 1e-6 <= x < x1 - 1e-6
                   for s, x0, x1 in spans)
    return moved


def depths(frames, svg_height, fh, inverted, subtitle):
    for f in frames:
        if inverted:
            f['depth'] = int(round((f['y'] - 36 - (24 if subtitle else 0)) / fh))
        else:
            f['depth'] = int(round((svg_height - 34 + 1 - f['y']) / fh - 1))


def compare(case, ref, mine):
    rg, mg = with_paths(ref['frames']), with_paths(mine)
    moved = split_paths(rg)
    if set(rg) != set(mg):
        fail(case, 'frame paths differ: only in flamegraph.pl %s, only in heapscope %s'
             % (sorted(set(rg) - set(mg), key=str)[:5], sorted(set(mg) - set(rg), key=str)[:5]))
    checked = 0
    for path in set(rg) & set(mg):
        rb, (m,) = rg[path], mg[path]
        value = sum(b['value'] for b in rb)
        if m['value'] != value:
            fail(case, '%s: value %d, flamegraph.pl %d' % ('/'.join(path), m['value'], value))
        width = sum(b['width'] for b in rb)
        if abs(m['width'] - width) > EPS * len(rb):
            fail(case, '%s: width %.1f, flamegraph.pl %.1f' % ('/'.join(path), m['width'], width))
        if len(rb) == 1 and not moved(path):
            checked += 1
            r = rb[0]
            if abs(m['x'] - r['x']) > EPS or m['pct'] != r['pct']:
                fail(case, '%s: x %.1f (%s%%), flamegraph.pl %.1f (%s%%)'
                     % ('/'.join(path), m['x'], m['pct'], r['x'], r['pct']))
            if m['fill'] != r['fill'] and '\ufffd' not in m['name']:
                fail(case, '%s: fill %s, flamegraph.pl %s' % ('/'.join(path), m['fill'], r['fill']))
    return checked


def read_folded(path):
    stacks = {}
    for line in open(path, 'rb').read().decode('utf-8', 'surrogateescape').splitlines():
        stack, count = line.rsplit(' ', 1)
        key = tuple(readable(n) for n in stack.split(';'))
        stacks[key] = stacks.get(key, 0) + int(count)
    return stacks


def check_diff_colours(case, root, ref, mine):
    """Red where NEW > BASE for the stacks ending at a frame, blue where
    less, white where equal, saturation by |delta| over the largest one:
    worked out here from the two folded inputs."""
    base, new = (read_folded(os.path.join(root, p)) for p in ref['inputs'])
    delta = {k: new.get(k, 0) - base.get(k, 0) for k in set(base) | set(new)}
    maxdelta = max([1] + [abs(d) for d in delta.values()])
    for path, (m,) in with_paths(mine).items():
        d = delta.get(path, 0) if path else 0
        r, g, b = map(int, re.match(r'rgb\((\d+),(\d+),(\d+)\)', m['fill']).groups())
        if d > 0:
            ok = r == 255 and g == b == int(210 * (maxdelta - d) / maxdelta)
        elif d < 0:
            ok = b == 255 and r == g == int(210 * (maxdelta + d) / maxdelta)
        else:
            ok = (r, g, b) == (255, 255, 255)
        if not ok:
            fail(case, '%s: delta %+d but fill %s' % ('/'.join(path), d, m['fill']))


def check_self_contained(case, text):
    rest = re.sub(r'\sxmlns(:\w+)?="[^"]*"', '', text)
    for bad in re.findall(r'https?://\S+|\bhref\b|\bsrc\s*=|@import|url\((?!#)', rest):
        fail(case, 'loads or links something: %r' % bad[:60])


def check_folded_inputs(case, hs, root, c):
    """The reference was drawn from these folded stacks: heapscope must
    still fold the profiles into them (hand-written ones included)."""
    pairs = [(c['profile'], c.get('folded') or 'testdata/flame/%s.folded' % c['name'])]
    if c.get('base'):
        pairs.append((c['base'], c.get('base_folded') or 'testdata/flame/%s-base.folded' % c['name']))
    for prof, fold in pairs:
        out = subprocess.run([hs, 'folded', os.path.join(root, prof)], stdout=subprocess.PIPE,
                             check=True).stdout
        if sorted(out.splitlines()) != sorted(open(os.path.join(root, fold), 'rb').read().splitlines()):
            fail(case, 'heapscope folded %s differs from %s' % (prof, fold))


def run_case(hs, root, c, tmp):
    case = c['name']
    ref = json.load(open(os.path.join(root, 'testdata', 'flame', case + '.json')))
    check_folded_inputs(case, hs, root, c)
    out = os.path.join(tmp, case + '.svg')
    args = [hs, 'flame'] + c['opts'] + [os.path.join(root, c['profile']), '-o', out]
    if c.get('base'):
        args += ['--base', os.path.join(root, c['base'])]
    subprocess.run(args, check=True)
    raw = open(out, 'rb').read()
    text = raw.decode('utf-8')          # strict: invalid bytes must have been replaced
    root_el = ET.fromstring(raw)
    group, mine = svg_frames(root_el)
    fh = int(c['opts'][c['opts'].index('--height') + 1]) if '--height' in c['opts'] else 16
    depths(mine, float(root_el.get('height')), fh, '--inverted' in c['opts'],
           root_el.find('.//%stext[@id="subtitle"]' % NS) is not None)
    for f in ref['frames']:
        f['name'] = readable(f['name'])
    checked = compare(case, ref, mine)
    if int(group.get('data-trimmed')) != ref['trimmed']:
        fail(case, 'trimmed %s, flamegraph.pl %d' % (group.get('data-trimmed'), ref['trimmed']))
    note = root_el.find('.//%stext[@id="trimmed"]' % NS).text or ''
    if ref['trimmed'] and not note.startswith('{:,} frame'.format(ref['trimmed'])):
        fail(case, 'the SVG does not say %d frames were trimmed: %r' % (ref['trimmed'], note))
    if c.get('base'):
        check_diff_colours(case, root, ref, mine)
    check_self_contained(case, text)
    print('%s: %d frames, %d with x checked, %d trimmed' % (case, len(mine), checked, ref['trimmed']))
    return mine


def check_escaping(hs, root, tmp):
    """Names and the title come back from the XML parser as they were, an
    invalid byte as U+FFFD."""
    out = os.path.join(tmp, 'title.svg')
    subprocess.run([hs, 'flame', '--title', 'a<b&c>"d"', os.path.join(root, 'testdata/flame/tricky.pb.gz'),
                    '-o', out], check=True)
    el = ET.parse(out).getroot()
    if el.find('.//%stext[@id="title"]' % NS).text != 'a<b&c>"d"':
        fail('escaping', 'title not escaped')
    names = {f['name'] for f in svg_frames(el)[1]}
    for want in ('main.<&>"quoted"', 'main.bad\ufffd\ufffdname', 'main.with space',
                 'type..eq.struct { a int }', 'main.semi:colon', 'main.caf\u00e9', 'main.\u65e5\u672c'):
        if want not in names:
            fail('escaping', 'no frame named %r' % want)


def main():
    hs, root = sys.argv[1], sys.argv[2]
    cases = json.load(open(os.path.join(root, 'testdata', 'flame', 'cases.json')))
    with tempfile.TemporaryDirectory() as tmp:
        for c in cases:
            try:
                run_case(hs, root, c, tmp)
            except Exception as e:      # a crash here is a failed case, not a broken test

                fail(c['name'], 'error: %s' % e)
        check_escaping(hs, root, tmp)
    report = ['FAIL ' + p for p in problems]
    report.append('%d cases, %d problems' % (len(cases), len(problems)))
    print('\n'.join(report))
    # every reference in testdata/flame/ is a case
    refs = len([f for f in os.listdir(os.path.join(root, 'testdata', 'flame')) if f.endswith('.json') and f != 'cases.json'])
    if not ci_gate.enough(len(cases), refs, 'flame cases (testdata/flame/*.json)'):
        return 1
    return int(bool(problems))


if __name__ == '__main__':
    sys.exit(main())
