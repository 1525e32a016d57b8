"""Independent checks of the heapdump-* golden cases.

Imported by verify.py (run(v) with the verify module), never run alone.  It
never runs heapscope.  Expected values are rebuilt from:

  - the dumps themselves, decoded here (a separate reader of Go 1.19's
    heapdump.go format): objects, bytes, goroutines, roots;
  - `readelf -sW` of testdata/heapdump/graph.sym for the names of globals;
  - reachability computed here, and each root's retained size by a method
    other than a dominator tree: the bytes that stop being reachable when
    that root alone is taken away;
  - testdata/heapdump/*.counts.json: what the generating program built
    (the map's retained size >= N*S, the suspects and their names);
  - for hostile dumps, the offsets testdata/gen/generate-heapdump.sh built
    them with (the params record ends at byte 47; the cut at 300000);
  - for usage errors, the texts below, checked by hand.
"""
import gzip
import json
import os
import subprocess

V = None

HAND = {
    'heapdump-format-xml': "heapscope: heapdump: unsupported --format 'xml' (supported: text,json,folded,dot)\n",
    'heapdump-diff-format-dot': "heapscope: diff: heap dumps compare as text or json, not 'dot'\n",
    'heapdump-exe-not-elf': "heapscope: heapdump: 'testdata/heapdump/graph.dump.gz': not an ELF file (at byte 0)\n",
    'heapdump-bad-tag': "heapscope: heapdump: 'testdata/heapdump/bad-tag.dump.gz': unknown record tag 85 "
                        "(at byte 47 of the decompressed data)\n",
}


class Dump:
    def __init__(self, data):
        self.d, self.i = data, 16
        self.objects = {}       # addr -> (size, [pointers])
        self.roots = []         # (kind, where, ptr, extra)
        self.goroutines = []    # goid
        self.data = self.bss = 0
        assert data[:16] == b'go1.7 heap dump\n'
        self.parse()

    def u(self):
        v, s = 0, 0
        while True:
            b = self.d[self.i]
            self.i += 1
            v |= (b & 0x7f) << s
            s += 7
            if b < 0x80:
                return v

    def raw(self):
        n = self.u()
        self.i += n
        return self.d[self.i - n:self.i]

    def fields(self, contents):
        out = []
        while True:
            k = self.u()
            if k == 0:
                return out
            off = self.u() + (8 if k > 1 else 0)
            out.append((off, int.from_bytes(contents[off:off + 8], 'little')))

    def parse(self):
        frame_goid = None
        while True:
            t = self.u()
            if t == 0:
                return
            if t == 1:
                a = self.u()
                c = self.raw()
                self.objects[a] = (len(c), [p for _, p in self.fields(c)])
            elif t == 6:
                self.u(), self.u()
                self.lo, self.hi = self.u(), self.u()
                self.raw(), self.raw(), self.u()
            elif t == 3:
                self.u(), self.u(), self.raw(), self.u()
            elif t == 4:
                v = [self.u() for _ in range(8)]
                self.raw()
                w = [self.u() for _ in range(4)]
                frame_goid = v[2]
                self.goroutines.append(v[2])
                for p in (w[0], w[2], w[3]):
                    self.roots.append(('goroutine', 0, p, frame_goid))
            elif t == 5:
                sp = self.u()
                self.u(), self.u()
                c = self.raw()
                self.u(), self.u(), self.u()
                name = self.raw().decode()
                for off, p in self.fields(c):
                    self.roots.append(('frame', sp + off, p, (frame_goid, name)))
            elif t in (7, 11):
                v = [self.u() for _ in range(5)]
                self.roots.append(('finalizer' if t == 7 else 'queued', 0, v[0], None))
                self.roots.append(('finalizer' if t == 7 else 'queued', 0, v[1], 'fn'))
            elif t == 8:
                self.u(), self.u()
            elif t == 9:
                self.u(), self.u(), self.u()
            elif t == 10:
                [self.u() for _ in range(281)]
            elif t in (12, 13):
                a = self.u()
                c = self.raw()
                if t == 12:
                    self.data = a
                else:
                    self.bss = a
                for off, p in self.fields(c):
                    self.roots.append(('data' if t == 12 else 'bss', a + off, p, None))
            elif t == 14:
                v = [self.u() for _ in range(7)]
                self.roots.append(('goroutine', 0, v[4], frame_goid))
                self.roots.append(('goroutine', 0, v[0], frame_goid))
            elif t == 15:
                v = [self.u() for _ in range(6)]
                self.roots.append(('goroutine', 0, v[3], frame_goid))
                self.roots.append(('goroutine', 0, v[0], frame_goid))
            elif t == 16:
                self.u(), self.u()
                for _ in range(self.u()):
                    self.raw(), self.raw(), self.u()
                self.u(), self.u()
            elif t == 17:
                self.u(), self.u()
            else:
                raise ValueError('tag %d' % t)


def load(path):
    with gzip.open(os.path.join(V.ROOT, path)) as f:
        return Dump(f.read())


def symbols():
    out = subprocess.run(['readelf', '-sW', os.path.join(V.ROOT, 'testdata/heapdump/graph.sym')],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    syms = []
    for ln in out.splitlines():
        w = ln.split()
        if len(w) >= 8 and w[3] == 'OBJECT' and int(w[1], 16):
            syms.append((int(w[1], 16), int(w[2], 0), w[7]))
    return syms


def analyse(dump, syms):
    starts = sorted(dump.objects)
    import bisect

    def find(p):
        if not p or not (dump.lo <= p < dump.hi):
            return None
        k = bisect.bisect_right(starts, p) - 1
        if k < 0:
            return None
        a = starts[k]
        return a if p - a < dump.objects[a][0] or p == a else None

    def name(kind, where, extra):
        if kind in ('data', 'bss'):
            for a, s, n in syms:
                if a <= where < a + s or (s == 0 and a == where):
                    return n
            return '%s+0x%x' % (kind, where - (dump.data if kind == 'data' else dump.bss))
        if kind == 'frame':
            return 'goroutine %d: %s' % extra
        if kind == 'goroutine':
            return 'goroutine %d (context, defer, panic)' % extra
        return {'finalizer': 'finalizers', 'queued': 'finalizer queue'}[kind]

    holders = {}
    for kind, where, p, extra in dump.roots:
        t = find(p)
        if t is None:
            continue
        targets = [t]
        if kind == 'finalizer' and extra is None:   # the object's referents, not itself
            targets = [x for x in map(find, dump.objects[t][1]) if x is not None]
        holders.setdefault(name(kind, where, extra), []).extend(targets)

    def reach(skip=None):
        seen, stack = set(), [t for h, ts in holders.items() if h != skip for t in ts]
        while stack:
            a = stack.pop()
            if a in seen:
                continue
            seen.add(a)
            stack.extend(x for x in map(find, dump.objects[a][1]) if x is not None and x not in seen)
        return seen

    every = reach()
    rb = sum(dump.objects[a][0] for a in every)
    retained = {}
    for h in holders:
        lost = every - reach(h)
        retained[h] = sum(dump.objects[a][0] for a in lost)
    return every, rb, retained


def graph_json_case(name, path, counts):
    got = V.golden(name, 'out')
    V.checked.add(name)
    d = load(path)
    every, rb, retained = analyse(d, symbols())
    js = json.loads(got)
    total = sum(s for s, _ in d.objects.values())
    want = {'objects': len(d.objects), 'bytes': total, 'reachable_objects': len(every),
            'reachable_bytes': rb, 'unreachable_objects': len(d.objects) - len(every),
            'unreachable_bytes': total - rb, 'goroutines': len(d.goroutines)}
    for k, v in want.items():
        if js[k] != v:
            V.problems.append('%s: %s is %s, the dump says %s' % (name, k, js[k], v))
    for r in js['roots']:
        if retained.get(r['name']) != r['retained']:
            V.problems.append('%s: root %s retains %s, recomputed %s'
                              % (name, r['name'], r['retained'], retained.get(r['name'])))
    if {r['name'] for r in js['roots']} != set(retained):
        V.problems.append('%s: roots differ: %s' % (name, set(retained) ^ {r['name'] for r in js['roots']}))
    c = json.load(open(os.path.join(V.ROOT, counts)))
    big = sorted((v, h) for h, v in retained.items() if v * 10 >= rb)[::-1]
    if [s['root'] for s in js['suspects']] != [h for _, h in big]:
        V.problems.append('%s: suspects %s, want %s' % (name, [s['root'] for s in js['suspects']], big))
    cache = [s for s in js['suspects'] if s['root'] == 'main.cache']
    if not cache or cache[0]['retained'] < c['map_entries'] * c['map_value_bytes'] or \
            cache[0].get('group_count') != c['map_entries'] or \
            cache[0].get('group_size') != c['map_value_bytes']:
        V.problems.append('%s: main.cache suspect does not hold what the program built' % name)
    stack = 'goroutine %d: main.holdOnStack' % c['stack_goid']
    if retained.get(stack) != c['stack_slice_bytes']:
        V.problems.append('%s: %s retains %s' % (name, stack, retained.get(stack)))
    if retained.get('main.chain') != c['chain_len'] * c['node_bytes'] or \
            retained.get('main.ring') != c['ring_len'] * c['node_bytes']:
        V.problems.append('%s: chain/ring retained sizes are off' % name)
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')
    return js


def graph_text_case(name, js):
    """The text report of the same dump (zstd) says what the JSON says."""
    got = V.golden(name, 'out')
    V.checked.add(name)
    want = ['Objects: %d (' % js['objects'], 'reachable %d (' % js['reachable_objects'],
            'Unreachable: %d objects' % js['unreachable_objects'],
            'compression zstd', 'Leak suspects (retaining >= 10%% of the reachable heap): %d'
            % len(js['suspects'])]
    want += ['. %s retains ' % s['root'] for s in js['suspects']]
    for w in want:
        if w not in got:
            V.problems.append('%s: no %r' % (name, w))
    V.expect(name, 'code', '0\n')


def diff_json_case(name):
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    syms = symbols()
    _, rb0, r0 = analyse(load('testdata/heapdump/graph.dump.gz'), syms)
    _, rb1, r1 = analyse(load('testdata/heapdump/graph-4000.dump.gz'), syms)
    if js['base_reachable_bytes'] != rb0 or js['new_reachable_bytes'] != rb1:
        V.problems.append('%s: reachable bytes differ' % name)
    rows = {r['key']: r for r in js['rows'] if r['kind'] == 'root'}
    for k in ('main.cache', 'main.chain', 'main.ring'):
        if rows[k]['base'] != r0[k] or rows[k]['new'] != r1[k]:
            V.problems.append('%s: %s %s -> %s, recomputed %s -> %s'
                              % (name, k, rows[k]['base'], rows[k]['new'], r0[k], r1[k]))
    c0 = json.load(open(os.path.join(V.ROOT, 'testdata/heapdump/graph.counts.json')))
    c1 = json.load(open(os.path.join(V.ROOT, 'testdata/heapdump/graph-4000.counts.json')))
    grown = (c1['map_entries'] - c0['map_entries']) * c0['map_value_bytes']
    first = js['rows'][0]
    if first['key'] != 'main.cache' and 'main.fillCache' not in first['key'] or first['growth'] < grown:
        V.problems.append('%s: the first row is not the map growing by >= %d' % (name, grown))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


def folded_case(name):
    """The retention tree: its values add up to the reachable bytes, and
    the lines under each root to what that root alone keeps."""
    V.checked.add(name)
    every, rb, retained = analyse(load('testdata/heapdump/graph.dump.gz'), symbols())
    total, per = 0, {}
    for ln in V.golden(name, 'out').splitlines():
        stack, v = ln.rsplit(' ', 1)
        total += int(v)
        first = stack.split(';')[0]
        per[first] = per.get(first, 0) + int(v)
    if total != rb:
        V.problems.append('%s: values add up to %d, reachable bytes are %d' % (name, total, rb))
    for h, r in retained.items():
        if per.get(h, 0) != r:
            V.problems.append('%s: lines under %s add up to %d, it retains %d' % (name, h, per.get(h, 0), r))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


def dot_case(name, js):
    """The DOT graph draws each suspect's root path (heapdump-graph-json,
    itself checked above) edge by edge, and each node once."""
    import re
    V.checked.add(name)
    text = V.golden(name, 'out')
    labels = re.findall(r'^(N\d+) \[label="(.*?)\\nretains', text, re.M)
    ids = {lab: n for n, lab in labels}
    edges = set(re.findall(r'^(N\d+) -> (N\d+);$', text, re.M))
    if len(ids) != len(labels) or not text.startswith('digraph') or not text.endswith('}\n'):
        V.problems.append('%s: nodes declared twice or not a digraph' % name)
    for s in js['suspects']:
        p = [ids.get(x) for x in s['path']]
        if None in p or any((p[i], p[i + 1]) not in edges for i in range(len(p) - 1)):
            V.problems.append('%s: path of %s not drawn' % (name, s['root']))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


def leaks_json_case(name):
    """leaks over the two dumps: main.cache's share of the reachable heap
    rises (recomputed here), nothing else qualifies."""
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    syms = symbols()
    _, rb0, r0 = analyse(load('testdata/heapdump/graph.dump.gz'), syms)
    _, rb1, r1 = analyse(load('testdata/heapdump/graph-4000.dump.gz'), syms)
    want = []
    for k in sorted(set(r0) & set(r1)):
        a, b = 100.0 * r0[k] / rb0, 100.0 * r1[k] / rb1
        if b >= a and b >= 10 and b - a >= 2:
            want.append((k, 'high' if b - a >= 10 else 'medium',
                         [{'file': 'testdata/heapdump/graph.dump.gz', 'retained_bytes': r0[k],
                           'reachable_bytes': rb0},
                          {'file': 'testdata/heapdump/graph-4000.dump.gz', 'retained_bytes': r1[k],
                           'reachable_bytes': rb1}],
                         (r0[k], r1[k], round(a, 1), round(b, 1))))
    got = [(c['culprit'], c['severity'], c['evidence'],
            (c['first_bytes'], c['last_bytes'], round(c['share_first_percent'], 1),
             round(c['share_last_percent'], 1)))
           for c in js['candidates'] if c['kind'] == 'growing retainer']
    if got != want or not want or want[0][0] != 'main.cache':
        V.problems.append('%s: candidates %s, want %s' % (name, got, want))
    # leaks.h: a retainer rising over two dumps is medium confidence (high
    # from three), its mechanism retention, said with the shares above
    for c in js['candidates']:
        a, b = round(c['share_first_percent'], 1), round(c['share_last_percent'], 1)
        if (c['confidence'], c['mechanism'], c['mechanism_text']) != \
                ('medium', 'retention', 'retention: %s keeps %.1f%% -> %.1f%% of the reachable heap'
                 % (c['culprit'], a, b)):
            V.problems.append('%s: %s confidence %s, mechanism %s' % (
                name, c['culprit'], c['confidence'], c['mechanism_text']))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


def bad_cases():
    d = gzip.open(os.path.join(V.ROOT, 'testdata/heapdump/bad-cut.dump.gz')).read()
    if len(d) != 300000:
        V.problems.append('bad-cut.dump.gz is not the first 300000 bytes')
    err = V.golden('heapdump-bad-cut', 'err')
    V.checked.add('heapdump-bad-cut')
    if 'at byte 300000 of the decompressed data' not in err:
        V.problems.append('heapdump-bad-cut: not cut at byte 300000: %s' % err)
    # made with an object record at byte 47 claiming 2^50 bytes, then 1015 bytes
    V.expect('heapdump-bad-len', 'err',
             "heapscope: heapdump: 'testdata/heapdump/bad-len.dump.gz': the object record at "
             "byte 47 claims %d bytes but the dump ends (1 records and 0 objects read before it) "
             "(at byte %d of the decompressed data)\n"
             % (1 << 50, len(gzip.open(os.path.join(V.ROOT, 'testdata/heapdump/bad-len.dump.gz')).read())))
    # a gzip stream cut short: the offset is what zlib inflates from it
    import zlib
    raw = open(os.path.join(V.ROOT, 'testdata/heapdump/bad-gzip-cut.dump.gz'), 'rb').read()
    n = len(zlib.decompressobj(31).decompress(raw))
    err = V.golden('heapdump-bad-gzip-cut', 'err') or ''
    V.checked.add('heapdump-bad-gzip-cut')
    if not err.startswith("heapscope: heapdump: 'testdata/heapdump/bad-gzip-cut.dump.gz': gzip stream "
                          "is truncated, inside ") or \
            not err.endswith(' (at byte %d of the decompressed data)\n' % n):
        V.problems.append('heapdump-bad-gzip-cut: want the cut at byte %d: %s' % (n, err))
    for n in ('heapdump-bad-cut', 'heapdump-bad-len', 'heapdump-bad-gzip-cut'):
        V.expect(n, 'code', '2\n')
        V.expect(n, 'out', '')


def run(v):
    global V
    V = v
    js = graph_json_case('heapdump-graph-json', 'testdata/heapdump/graph.dump.gz',
                         'testdata/heapdump/graph.counts.json')
    graph_text_case('heapdump-graph', js)
    diff_json_case('heapdump-diff-json')
    leaks_json_case('heapdump-leaks-json')
    folded_case('heapdump-graph-folded')
    dot_case('heapdump-graph-dot', js)
    bad_cases()
    for name, err in HAND.items():
        V.expect(name, 'err', err)
        V.expect(name, 'out', '')
        V.expect(name, 'code', '2\n')
