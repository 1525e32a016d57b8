#!/usr/bin/env python3
"""Make testdata/flame/<case>.json from FlameGraph's flamegraph.pl (and
difffolded.pl for the differential cases), run with perl on the folded
stacks of each case in testdata/flame/cases.json.  Only what is read back
from its SVG is kept: per frame the name, x, width, depth, value, the
percentages of its tooltip and its fill; and how many frames --minwidth
trimmed (frames drawn with --minwidth 0 less those drawn with the case's).

usage: make_reference.py FLAMEGRAPH_DIR HEAPSCOPE SOURCE_ROOT

Folded inputs: a case's "folded" file when it names one (hand-written),
else `heapscope folded PROFILE`, saved as testdata/flame/<case>*.folded so
check_flame.py can see that heapscope still folds the profile the same."""
import html
import json
import os
import re
import subprocess
import sys

FRAME = re.compile(rb'<title>(.*?)</title><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
                   rb'height="[\d.]+" fill="([^"]+)"')
TITLE = re.compile(r'^(.*) \(([\d,]+) samples, ([\d.]+)%(?:; ([+-]?[\d.]+)%)?\)$', re.S)
YPAD1, YPAD2 = 36, 34


def opt(opts, name, default):
    return opts[opts.index(name) + 1] if name in opts else default


def frames_of(svg, opts):
    """The frames of a flamegraph.pl SVG (bytes: it may hold invalid UTF-8)."""
    height = int(re.search(rb'<svg [^>]*height="(\d+)"', svg).group(1))
    fh = int(opt(opts, '--height', '16'))
    out = []
    for m in FRAME.finditer(svg):
        title = html.unescape(m.group(1).decode('utf-8', 'surrogateescape'))
        t = TITLE.match(title)
        y = float(m.group(3))
        if '--inverted' in opts:
            depth = (y - YPAD1) / fh
        else:
            depth = (height - YPAD2 + 1 - y) / fh - 1
        out.append({'name': t.group(1), 'x': float(m.group(2)), 'width': float(m.group(4)),
                    'depth': int(round(depth)), 'value': int(t.group(2).replace(',', '')),
                    'pct': t.group(3), 'delta_pct': t.group(4),
                    'fill': m.group(5).decode()})
    out.sort(key=lambda f: (f['depth'], f['x']))
    return out


def folded(case, key, hs, root, dest):
    if case.get(key + 'folded'):
        return os.path.join(root, case[key + 'folded'])
    data = subprocess.run([hs, 'folded', os.path.join(root, case['base' if key else 'profile'])],
                          stdout=subprocess.PIPE, check=True).stdout
    with open(dest, 'wb') as f:
        f.write(data)
    return dest


def run_flamegraph(fg, inputs, opts):
    if len(inputs) == 2:
        lines = subprocess.run(['perl', os.path.join(fg, 'difffolded.pl')] + inputs,
                               stdout=subprocess.PIPE, check=True).stdout
    else:
        lines = open(inputs[0], 'rb').read()
    return subprocess.run(['perl', os.path.join(fg, 'flamegraph.pl'), '--hash'] + opts,
                          input=lines, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          check=True).stdout


def strip_minwidth(opts):
    if '--minwidth' not in opts:
        return opts
    i = opts.index('--minwidth')
    return opts[:i] + opts[i + 2:]


def main():
    fg, hs, root = sys.argv[1:4]
    out_dir = os.path.join(root, 'testdata', 'flame')
    cases = json.load(open(os.path.join(out_dir, 'cases.json')))
    for case in cases:
        name = case['name']
        inputs = []
        if case.get('base'):
            inputs.append(folded(case, 'base_', hs, root, os.path.join(out_dir, name + '-base.folded')))
        inputs.append(folded(case, '', hs, root, os.path.join(out_dir, name + '.folded')))
        opts = case['opts']
        frames = frames_of(run_flamegraph(fg, inputs, opts), opts)
        all_frames = frames_of(run_flamegraph(fg, inputs, strip_minwidth(opts) + ['--minwidth', '0']),
                               opts)
        ref = {'case': name, 'flamegraph_options': ['--hash'] + opts,
               'inputs': [os.path.relpath(p, root) for p in inputs],
               'trimmed': len(all_frames) - len(frames), 'frames': frames}
        with open(os.path.join(out_dir, name + '.json'), 'w') as f:
            json.dump(ref, f, indent=0, sort_keys=True)
            f.write('\n')
        print('%s: %d frames, %d trimmed' % (name, len(frames), ref['trimmed']))


if __name__ == '__main__':
    main()
