"""Read `go tool pprof -raw` output (pprof's Profile.String()) and compute,
independently of heapscope, the folded stacks it describes.

Used by the conformance tests: expected values come from the reference
tool's own output, never from heapscope's."""
import os
import re
from collections import defaultdict

SAMPLE_RE = re.compile(r'^((?: +-?\d+)+): ?(.*)$')
LOC_RE = re.compile(r'^ *(\d+): (0x[0-9a-f]+) (?:M=(\d+) )?(?:\[F\] )?(.*)$')
# "NAME FILE:LINE s=START[(SYSTEM_NAME)]": both names may hold blanks, so
# prefer a split before an absolute path (Unix or Windows), else the last blank.
LINE_ABS_RE = re.compile(r'^(.*) ((?:[A-Za-z]:[/\\]|/)[^ /].*?):(-?\d+) s=(-?\d+)(?:\(.*\))?$', re.S)
LINE_RE = re.compile(r'^(.*) (.*):(-?\d+) s=(-?\d+)(?:\(.*\))?$', re.S)
MAP_RE = re.compile(r'^ *(\d+): (0x[0-9a-f]+)/(0x[0-9a-f]+)/(0x[0-9a-f]+) (.*) (\S*) ((?:\[..\])*)$')


# The commands that read ?debug=1 text profiles: heapscope names their
# frames from the `#` lines, go tool pprof reads only the addresses.  The
# conformance suites compare pprof's reading: --addresses.
PPROF_READING = ('top', 'folded', 'dot', 'diff', 'info', 'merge', 'goroutines')


def as_pprof(args):
    """args of a heapscope command line, reading text profiles as pprof does."""
    args = list(args)
    if len(args) > 1 and args[1] in PPROF_READING:
        return args[:2] + ['--addresses'] + args[2:]
    return args


class Raw:
    def __init__(self):
        self.types = []          # [(type, unit)]
        self.default = None
        self.samples = []        # [(values, [loc ids leaf first])]
        self.locations = {}      # id -> (mapping id or None, [function names innermost first])
        self.mappings = {}       # id -> file


def parse(text):
    raw = Raw()
    section = None
    lines = text.split('\n')
    i = 0
    cur_loc = None
    pending = {}
    while i < len(lines):
        ln = lines[i]
        i += 1
        if ln == 'Samples:':
            section = 'types'
            continue
        if ln == 'Locations':
            section = 'locations'
            continue
        if ln == 'Mappings':
            section = 'mappings'
            continue
        if section == 'types':
            for tok in ln.split():
                dflt = tok.endswith('[dflt]')
                tok = tok[:-6] if dflt else tok
                t, _, u = tok.rpartition('/')
                if dflt:
                    raw.default = len(raw.types)
                raw.types.append((t, u))
            section = 'samples'
            continue
        if section == 'samples':
            m = SAMPLE_RE.match(ln)
            if m:
                vals = [int(x) for x in m.group(1).split()]
                ids = [int(x) for x in m.group(2).split()]
                raw.samples.append((vals, ids))
            continue
        if section == 'locations':
            # A name may itself contain newlines: gather each entry's text
            # first, then parse it.
            if ln.startswith('             ') and cur_loc is not None:
                pending[cur_loc].append(ln[13:])
                continue
            m = LOC_RE.match(ln)
            if m:
                cur_loc = int(m.group(1))
                mid = int(m.group(3)) if m.group(3) else None
                raw.locations[cur_loc] = (mid, [])
                pending[cur_loc] = [m.group(4)] if m.group(4).strip() else []
            elif cur_loc is not None and pending[cur_loc]:
                pending[cur_loc][-1] += '\n' + ln
            continue
        if section == 'mappings':
            m = MAP_RE.match(ln)
            if m:
                raw.mappings[int(m.group(1))] = m.group(5)
    for lid, texts in pending.items():
        raw.locations[lid][1].extend(line_name(t) for t in texts)
    return raw


def line_name(s):
    if s == '??':
        return None
    m = LINE_ABS_RE.match(s) or LINE_RE.match(s)
    if not m:
        raise ValueError('cannot parse location line %r' % s)
    return m.group(1)


def objname(raw, mid):
    f = raw.mappings.get(mid, '') if mid is not None else ''
    if f:
        return '[' + os.path.basename(f.rstrip('/') or f) + ']'
    return '<unknown>'


def frames(raw, ids):
    """Root-first frame names of one sample at functions granularity."""
    out = []
    for lid in reversed(ids):
        mid, names = raw.locations[lid]
        if not names:
            out.append(objname(raw, mid))
            continue
        for n in reversed(names):
            out.append(n if n else objname(raw, mid))
    return out


def sanitize(name, leaf):
    """The frame-name rewriting heapscope documents for folded output."""
    n = name.replace('\x00', '?').replace(';', ':')
    n = n.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ').rstrip(' ')
    if not n:
        return '<unknown>'
    if leaf:
        m = re.search(r' ([0-9.]+)$', n)
        if m:
            n = n[:m.start()] + '_' + m.group(1)
    return n


def folded(raw, index):
    sums = defaultdict(int)
    for vals, ids in raw.samples:
        v = vals[index]
        if v == 0:
            continue
        fr = frames(raw, ids)
        if not fr:
            continue
        key = ';'.join(sanitize(f, k == len(fr) - 1) for k, f in enumerate(fr))
        sums[key] += v
    return {k: v for k, v in sums.items() if v != 0}


def flat_cum(raw, index):
    """pprof's report total and per-function flat and cum at functions
    granularity: flat to the leaf frame, cum once per function per sample
    (recursion counts once)."""
    total = 0
    flat, cum = defaultdict(int), defaultdict(int)
    for vals, ids in raw.samples:
        v = vals[index]
        total += abs(v)
        if v == 0:
            continue
        fr = frames(raw, ids)
        if not fr:
            continue
        flat[fr[-1]] += v
        for name in set(fr):
            cum[name] += v
    return total, flat, cum
