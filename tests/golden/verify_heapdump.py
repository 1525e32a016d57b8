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
LOST = {}
GRAPH = {}    # the last analyse(): find, holders, kinds, every, rb, lost (holder -> objects)

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
        self.gs = []            # goroutine records: goid, gopc, status, frames (name, entry, pc)
        self.data = self.bss = 0
        self.buckets = {}       # memprof: id -> {'size', 'frames' [(func, file, line)] leaf first, 'allocs', 'frees'}
        self.samples = {}       # alloc samples: object address -> bucket id
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
                reason = self.raw().decode()
                w = [self.u() for _ in range(4)]
                frame_goid = v[2]
                self.goroutines.append(v[2])
                self.gs.append({'goid': v[2], 'gopc': v[3], 'status': v[4], 'system': bool(v[5]),
                                'reason': reason, 'frames': []})
                for p in (w[0], w[2], w[3]):
                    self.roots.append(('goroutine', 0, p, frame_goid))
            elif t == 5:
                sp = self.u()
                self.u(), self.u()
                c = self.raw()
                entry, pc, _ = self.u(), self.u(), self.u()
                name = self.raw().decode()
                self.gs[-1]['frames'].append((name, entry, pc))
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
                bid, size = self.u(), self.u()
                frames = [(self.raw().decode(), self.raw().decode(), self.u()) for _ in range(self.u())]
                allocs, frees = self.u(), self.u()
                self.buckets[bid] = {'size': size, 'frames': frames, 'allocs': allocs, 'frees': frees}
            elif t == 17:
                a = self.u()
                self.samples[a] = self.u()
            else:
                raise ValueError('tag %d' % t)


def load(path):
    with gzip.open(os.path.join(V.ROOT, path)) as f:
        return Dump(f.read())


def symbols(sym='testdata/heapdump/graph.sym', kind='OBJECT'):
    out = subprocess.run(['readelf', '-sW', os.path.join(V.ROOT, sym)],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    syms = []
    for ln in out.splitlines():
        w = ln.split()
        if len(w) >= 8 and w[3] == kind and int(w[1], 16):
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
            # a symbol that covers the slot before a size-0 marker at it
            # (runtime.bss starts where Go 1.23 put main.List)
            for a, s, n in syms:
                if a <= where < a + s:
                    return n
            for a, s, n in syms:
                if s == 0 and a == where:
                    return n
            return '%s+0x%x' % (kind, where - (dump.data if kind == 'data' else dump.bss))
        if kind == 'frame':
            return 'goroutine %d: %s' % extra
        if kind == 'goroutine':
            return 'goroutine %d (context, defer, panic)' % extra
        return {'finalizer': 'finalizers', 'queued': 'finalizer queue'}[kind]

    holders, kinds = {}, {}
    for kind, where, p, extra in dump.roots:
        t = find(p)
        if t is None:
            continue
        targets = [t]
        if kind == 'finalizer' and extra is None:   # the object's referents, not itself
            targets = [x for x in map(find, dump.objects[t][1]) if x is not None]
        kinds.setdefault(name(kind, where, extra), kind)
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
        LOST[h] = lost
    GRAPH.update(find=find, holders=holders, kinds=kinds, every=every, rb=rb, lost=dict(LOST))
    LOST.clear()
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
    if shared_suspects(name, d, js):
        V.problems.append('%s: a suspect no root keeps alone in a dump with none' % name)
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
    rises (recomputed here), nothing else qualifies as a growing retainer;
    the dumps' suspects are retention candidates."""
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    syms = symbols()
    d0, d1 = load('testdata/heapdump/graph.dump.gz'), load('testdata/heapdump/graph-4000.dump.gz')
    _, rb0, r0 = analyse(d0, syms)
    _, rb1, r1 = analyse(d1, syms)
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
    # retention: each dump's suspects (one root each here: the shared bytes
    # are too few to hold one), one candidate per root key, described by the
    # last dump that has it, severity by its share there
    per = {}
    for f, (d, rb, ret) in [('testdata/heapdump/graph.dump.gz', (d0, rb0, r0)),
                            ('testdata/heapdump/graph-4000.dump.gz', (d1, rb1, r1))]:
        analyse(d, syms)
        single = set().union(*GRAPH['lost'].values())
        if sum(d.objects[a][0] for a in GRAPH['every'] - single) * 10 >= rb:
            V.problems.append('%s: %s could hold a shared suspect' % (name, f))
        for h, v in ret.items():
            if v * 10 >= rb:
                key = 'stack: ' + h.split(': ', 1)[1] if h.startswith('goroutine ') else h
                per.setdefault(key, []).append((f, h, v, rb))
    want = sorted(((severity(100.0 * p[-1][2] / p[-1][3], [v for _, _, v, _ in p]), p[-1][1], p[-1][2],
                    [{'file': f, 'retained_bytes': v, 'reachable_bytes': rb} for f, _, v, rb in p])
                   for p in per.values()), key=lambda x: x[1])
    # by the owner here; the name they go by is verify_allocsite's to check
    got = sorted(((c['severity'], c['owner'], c['weight'], c['evidence'])
                  for c in js['candidates'] if c['kind'] == 'retention'), key=lambda x: x[1])
    if got != want:
        V.problems.append('%s: retention candidates %s, want %s' % (name, got, want))
    # leaks.h: a retainer rising over two dumps is medium confidence (high
    # from three), its mechanism retention, said with the shares above
    for c in js['candidates']:
        if c['kind'] == 'retention':
            # leaks.h's confidence rule over the retained bytes per dump
            v = [e['retained_bytes'] for e in c['evidence']]
            rises = sum(1 for x, y in zip(v, v[1:]) if y > x)
            grows = len(v) >= 2 and v[-1] > v[0] and all(y >= x for x, y in zip(v, v[1:]))
            conf = ('high' if len(v) >= 3 and rises >= 2 else 'medium') if grows else 'low'
            if (c['confidence'], c['mechanism']) != (conf, 'retention'):
                V.problems.append('%s: %s confidence %s, mechanism %s, want %s, retention' % (
                    name, c['owner'], c['confidence'], c['mechanism'], conf))
            continue
        a, b = round(c['share_first_percent'], 1), round(c['share_last_percent'], 1)
        if (c['confidence'], c['mechanism'], c['mechanism_text']) != \
                ('medium', 'retention', 'retention: %s keeps %.1f%% -> %.1f%% of the reachable heap'
                 % (c['culprit'], a, b)):
            V.problems.append('%s: %s confidence %s, mechanism %s' % (
                name, c['culprit'], c['confidence'], c['mechanism_text']))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


# The owner rank of a root kind (include/heapscope/heapdump.h, "Ownership of
# a suspect"): a global first, then runtime roots, frames, goroutine contexts.
RANK = {'data': 0, 'bss': 0, 'finalizer': 1, 'queued': 1, 'other': 1, 'frame': 2, 'goroutine': 3}
RANK_NAME = ['global', 'runtime root', 'goroutine frame', 'goroutine context']


def walk(dump, starts, skip=None, stop=None):
    """Breadth-first from object addresses `starts` (one pointer from a
    root), never entering `skip`: the objects reached, or with `stop`, the
    number of pointers from the root to it (None when unreached)."""
    find = GRAPH['find']
    seen = {a for a in starts if a != skip}
    level = list(seen)
    dist = 1
    while level:
        if stop in seen:
            if stop in level:
                return dist
        nxt = []
        for a in level:
            for x in map(find, dump.objects[a][1]):
                if x is not None and x != skip and x not in seen:
                    seen.add(x)
                    nxt.append(x)
        level = nxt
        dist += 1
    return None if stop is not None else seen


def holder_key(h, kind):
    """A holder's run-independent key (heapdump.h): a frame's function,
    one key for goroutine contexts, else the name."""
    if kind == 'frame':
        return 'stack: ' + h.split(': ', 1)[1]
    return 'goroutine context' if kind == 'goroutine' else h


def shared_suspects(name, dump, js):
    """The suspects no single root keeps, checked without a dominator tree:
    the object is reached from several roots and no root's removal alone
    frees it; its retained bytes are what its removal frees; its roots
    together are every root with a path of pointers to it; the first of
    them by rank, then the fewest roots sharing its key (one function's
    goroutines are users of a structure), then fewest pointers, then name;
    the owner is that root when it is a global, else the shared object,
    reached first from that root; the path starts at that root.  No shared suspect is missing: the shared bytes
    outside the reported ones are under 10% of the reachable heap."""
    g = GRAPH
    single = set().union(*g['lost'].values()) if g['lost'] else set()
    shared = g['every'] - single
    covered, found = set(), []
    for sp in js['suspects']:
        if sp['root'] in g['holders']:
            if sp['roots'] != [sp['root']] or sp['owner'] != sp['root'] or \
                    sp['owner_kind'] != RANK_NAME[RANK[g['kinds'][sp['root']]]]:
                V.problems.append('%s: %s is one root\'s, owned by it alone' % (name, sp['root']))
            continue
        addr = int(sp['root'].split()[0], 16)
        if addr not in shared:
            V.problems.append('%s: %s is kept by one root alone' % (name, sp['root']))
        starts = [t for ts in g['holders'].values() for t in ts]
        freed = g['every'] - walk(dump, starts, skip=addr)
        covered |= freed
        ret = sum(dump.objects[a][0] for a in freed)
        dist = {}
        for h, ts in g['holders'].items():
            d = walk(dump, ts, stop=addr)
            if d is not None:
                dist[h] = d
        crowd = {}
        for h in dist:
            crowd[holder_key(h, g['kinds'][h])] = crowd.get(holder_key(h, g['kinds'][h]), 0) + 1
        want = sorted(dist, key=lambda h: (RANK[g['kinds'][h]], crowd[holder_key(h, g['kinds'][h])],
                                           dist[h], h))
        first = sp.get('owner_root', sp['owner'])
        got = (sp['retained'], sp['roots'], sp['owner'], sp['owner_kind'], first, sp['path'][0],
               sp['path'][dist.get(first, 0)], sp['structure'])
        kind = RANK_NAME[RANK[g['kinds'][want[0]]]]
        # no global first: the shared object owns it, reached first from want[0]
        owner, okind = (sp['root'], 'shared object') if RANK[g['kinds'][want[0]]] else (want[0], kind)
        exp = (ret, want, owner, okind, want[0], want[0], sp['root'], sp['root'])
        if RANK[g['kinds'][want[0]]] and sp.get('owner_root_kind') != kind:
            V.problems.append('%s: owner_root_kind %s, want %s' % (name, sp.get('owner_root_kind'), kind))
        if got != exp:
            V.problems.append('%s: shared suspect %s: %s, recomputed %s' % (name, sp['root'], got, exp))
        found.append({'addr': addr, 'retained': ret, 'roots': want, 'dist': dist})
    left = sum(dump.objects[a][0] for a in shared - covered)
    if left * 10 >= g['rb']:
        V.problems.append('%s: %d shared bytes outside the suspects could hold one' % (name, left))
    return found


STATUS = ['idle', 'runnable', 'running', 'syscall', 'waiting', 'moribund_unused', 'dead',
          'enqueue_unused', 'copystack', 'preempted']


def go_model(d, funcs=None):
    """The dump's goroutines as a goroutine dump lists them
    (include/heapscope/heapdump.h, hs_heapdump_goroutine_profile), from
    this module's own parse: {(state, created_by, stack): count}."""
    frames = [f for g in d.gs for f in g['frames']]
    out = {}
    for g in d.gs:
        if g['system']:
            continue
        names = [f[0] for f in g['frames']]
        st = g['status'] & ~0x1000
        if 'runtime/debug.WriteHeapDump' in names or (st == 4 and g['reason'] == 'dumping heap'):
            state = 'running'
        else:
            state = g['reason'] if st == 4 and g['reason'] else STATUS[st]
        stack = tuple(n for n in names
                      if '.' in n and (not n.startswith('runtime.') or n[8:9].isupper()))
        creator = ''
        if funcs:
            creator = next((n for a, sz, n in funcs if a <= g['gopc'] < a + sz), '')
        if not creator and g['gopc']:
            inside = [f for f in frames if f[1] <= g['gopc'] <= f[2]]
            creator = max(inside, key=lambda f: f[1])[0] if inside else ''
        k = (state, creator, stack)
        out[k] = out.get(k, 0) + 1
    return out


OWNER = 'testdata/heapdump/owner.dump.gz'
OWNER_SYM = 'testdata/heapdump/owner.sym'
OWNER_COUNTS = 'testdata/heapdump/owner.counts.json'


def owner_cases():
    """The owner scenario: a global map a goroutine's frame also holds, 25
    goroutines blocked in a channel send (owner.counts.json)."""
    c = json.load(open(os.path.join(V.ROOT, OWNER_COUNTS)))
    d = load(OWNER)
    every, rb, retained = analyse(d, symbols(OWNER_SYM))
    name = 'heapdump-owner-json'
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    if js['reachable_bytes'] != rb or js['goroutines'] != len(d.goroutines):
        V.problems.append('%s: reachable bytes or goroutines differ' % name)
    for r in js['roots']:
        if retained.get(r['name']) != r['retained']:
            V.problems.append('%s: root %s retains %s, recomputed %s'
                              % (name, r['name'], r['retained'], retained.get(r['name'])))
    big = [h for v, h in sorted(((v, h) for h, v in retained.items() if v * 10 >= rb), reverse=True)]
    if [x['root'] for x in js['suspects'] if x['root'] in retained] != big:
        V.problems.append('%s: one-root suspects differ from %s' % (name, big))
    shared = shared_suspects(name, d, js)
    # what the program built: the registry is the one suspect, the global
    # owns it, the serving goroutine's frame reaches it too
    sp = js['suspects'][0] if js['suspects'] else {}
    frame = [h for h in shared[0]['roots'] if h.startswith('goroutine %d: ' % c['registry_goid'])] \
        if shared else []
    if len(js['suspects']) != 1 or len(shared) != 1 or sp['owner'] != c['registry_global'] or \
            len(sp['roots']) != 2 or len(frame) != 1 or sp['group_count'] != c['registry_entries'] or \
            sp['group_size'] != c['entry_bytes'] or \
            sp['retained'] < c['registry_entries'] * c['entry_bytes']:
        V.problems.append('%s: the registry suspect is not what the program built: %s' % (name, sp))
    groups = js['root_groups']
    if shared and [(x['roots'], x['structure'], x['retained']) for x in groups] != \
            [(shared[0]['roots'], sp['root'], shared[0]['retained'])]:
        V.problems.append('%s: root_groups %s do not match the suspect' % (name, groups))
    # the group of roots together frees at least what it is said to retain
    g = GRAPH
    rest = [t for h, ts in g['holders'].items() if h not in sp.get('roots', []) for t in ts]
    together = sum(d.objects[a][0] for a in every - walk(d, rest))
    if shared and together < shared[0]['retained']:
        V.problems.append('%s: its roots together free %d < %d' % (name, together, shared[0]['retained']))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')
    owner_text('heapdump-owner', sp, shared, rb)
    owner_goroutines(d, c)
    owner_leaks(sp, shared, rb, c)


BUNDLE_DUMP = 'testdata/bundle/dumps/heapdump-20261122T034300.dump.gz'


def bundle_owner_cases():
    """The bundle's server map (testdata/gen/bundle: sessions kept in a
    map of the server every leaked watcher and main's frame point to): one
    shared suspect whose roots are the watchers plus one other frame, no
    global among them, so the shared object owns it, reached first from
    the frame that is not one of the watchers' crowd; its accumulation
    point holds the map's entries of the session size, allocated in the
    program's heap culprit (counts.json, moment 3)."""
    c = json.load(open(os.path.join(V.ROOT, 'testdata/bundle/counts.json')))
    m = c['moments'][-1]
    heap = [x for x in c['leaks'] if x['what'] == 'heap'][0]
    d = load(BUNDLE_DUMP)
    every, rb, retained = analyse(d, [])
    name = 'heapdump-bundle-owner-json'
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    if js['reachable_bytes'] != rb:
        V.problems.append('%s: reachable %d, recomputed %d' % (name, js['reachable_bytes'], rb))
    shared = shared_suspects(name, d, js)
    sp = js['suspects'][0] if js['suspects'] else {}
    keys = {holder_key(h, GRAPH['kinds'][h]) for h in sp.get('roots', [])[1:]}
    first = sp.get('owner_root', '')
    got = (len(js['suspects']), len(shared), sp.get('owner'), sp.get('owner_kind'),
           len(sp.get('roots', [])), len(keys), holder_key(first, GRAPH['kinds'].get(first)) in keys,
           sp.get('group_count'), sp.get('group_size'), sp.get('site', '').split(' ')[0],
           sp.get('retained', 0) >= m['retained_bytes'])
    want = (1, 1, sp.get('root'), 'shared object', m['leaked_goroutines'] + 1, 1, False,
            m['map_entries'], c['session_size'], heap['culprit'], True)
    if got != want:
        V.problems.append('%s: the map suspect %s, counts.json says %s' % (name, got, want))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')
    name = 'heapdump-bundle-owner'
    V.checked.add(name)
    text = V.golden(name, 'out') or ''
    for w in ['1. %s, shared by %d roots, retains ' % (sp.get('owner'), len(sp.get('roots', []))),
              '   owner: %s, the object its roots share, reached first from %s (%s)\n'
              % (sp.get('owner'), first, sp.get('owner_root_kind')),
              '   holds %d objects of %dkB' % (m['map_entries'], c['session_size'] // 1024),
              '   path from the root that reaches it first:\n     %s\n' % first]:
        if w not in text:
            V.problems.append('%s: no %r' % (name, w))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


def owner_text(name, sp, shared, rb):
    V.checked.add(name)
    got = V.golden(name, 'out')
    others = len(sp['roots']) - 1
    pct = '%.2f%%' % (100.0 * shared[0]['retained'] / rb)
    want = ['1. %s and %d other root together retain ' % (sp['owner'], others),
            '   owner: %s (global)\n' % sp['owner'],
            '   roots together (%d): %s\n' % (len(sp['roots']), ', '.join(sp['roots'])),
            '   owning structure: %s\n' % sp['structure'],
            '   holds %d objects of %dB' % (sp['group_count'], sp['group_size']),
            '   path from the owner:\n     %s\n' % sp['owner']]
    table = got.split('Top retainers by root:\n')[-1].splitlines()
    row = table[1].split() if len(table) > 1 else []
    if row[1:4] != [pct, str(len(sp['roots'])), 'roots'] or \
            table[1].split('  roots together: ')[-1] != ', '.join(sp['roots']):
        V.problems.append('%s: the first retainer row is not the roots together: %s' % (name, table[1:2]))
    for w in want:
        if w not in got:
            V.problems.append('%s: no %r' % (name, w))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


def owner_goroutines(d, c):
    model = go_model(d)
    total = sum(model.values())
    want = sorted((n, st, cr, list(stk)) for (st, cr, stk), n in model.items())
    name = 'goroutines-heapdump-owner-json'
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    got = sorted((g['count'], g['state'], g['created_by'], g['stack']) for g in js['groups'])
    if js['total'] != total or got != want:
        V.problems.append('%s: groups %s, the dump has %s' % (name, got, want))
    send = [k for k in model if k[0] == 'chan send']
    serve = [g for g in d.gs if g['goid'] == c['registry_goid']]
    if len(send) != 1 or model[send[0]] != c['chan_send_goroutines'] or \
            send[0][2][0] != c['chan_send_function'] or send[0][1] != c['created_by'] or \
            len(serve) != 1 or serve[0]['reason'] != c['registry_wait']:
        V.problems.append('%s: not the program\'s goroutines (%s)' % (name, send))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')
    name = 'goroutines-heapdump-owner'
    V.checked.add(name)
    got = V.golden(name, 'out')
    first = sorted(model.items(), key=lambda kv: -kv[1])[0]
    head = '%d goroutines in %d groups (by stack)\n' % (total, len(model))
    row = [str(first[1]), '%.1f%%' % (100.0 * first[1] / total), 'chan', 'send', '0/0/0',
           c['chan_send_function'], c['created_by']]
    if not got.startswith(head) or got.splitlines()[3].split() != row:
        V.problems.append('%s: header or first group differ (%s, %s)' % (name, head, row))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')
    # blocking: the waits going on, by user frame and wait
    name = 'blocking-heapdump-owner-json'
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    serve_frame = [k[2][0] for k in model if k[0] == c['registry_wait']]
    want = [(c['chan_send_function'], 'chan send', c['chan_send_goroutines']),
            (serve_frame[0] if serve_frame else '?', 'chan receive', 1)]
    got = [(h['culprit'], h['kind'], h['goroutines']) for h in js['hotspots']]
    if got != want or any(e['source'] != 'dump' or e['file'] != OWNER
                          for h in js['hotspots'] for e in h['evidence']):
        V.problems.append('%s: hotspots %s, want %s' % (name, got, want))
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')


def severity(share, values=None):
    """include/heapscope/leaks.h: HS_LEAK_RETENTION_HIGH 50, _MEDIUM 25;
    high only when the retained bytes grow over the dumps (values: per
    dump; never falling and rising at all), else medium at most."""
    s = 'high' if share >= 50 else 'medium' if share >= 25 else 'low'
    grows = values is not None and len(values) >= 2 and values[-1] > values[0] and \
        all(b >= a for a, b in zip(values, values[1:]))
    return 'medium' if s == 'high' and not grows else s


def owner_leaks(sp, shared, rb, c):
    name = 'leaks-heapdump-owner-json'
    V.checked.add(name)
    js = json.loads(V.golden(name, 'out'))
    share = 100.0 * shared[0]['retained'] / rb
    want = [('retention', severity(share), sp['owner'], shared[0]['retained'],
             [{'file': OWNER, 'retained_bytes': shared[0]['retained'], 'reachable_bytes': rb}]),
            ('blocked goroutines', 'medium', c['chan_send_function'], c['chan_send_goroutines'], None)]
    got = [(k['kind'], k['severity'], k['owner'] if k['kind'] == 'retention' else k['culprit'], k['weight'],
            k['evidence'] if k['kind'] == 'retention' else None) for k in js['candidates']]
    if got != want:
        V.problems.append('%s: candidates %s, want %s' % (name, got, want))
    r = js['candidates'][0] if js['candidates'] else {}
    if (r.get('roots'), r.get('owner_kind'), r.get('group_count'), r.get('group_size'),
            round(r.get('share_percent', 0), 3)) != (sp['roots'], 'global', c['registry_entries'],
                                                     c['entry_bytes'], round(share, 3)):
        V.problems.append('%s: the retention candidate is not the heapdump suspect' % name)
    g = js['candidates'][1] if len(js['candidates']) > 1 else {}
    if (g.get('wait'), g.get('created_by')) != ('chan send', c['created_by']):
        V.problems.append('%s: the blocked senders are not the program\'s' % name)
    V.expect(name, 'code', '0\n')
    V.expect(name, 'err', '')
    name = 'leaks-heapdump-owner'
    V.checked.add(name)
    got = V.golden(name, 'out')
    for w in ['2 leak candidates\n', '\n%-6s ' % severity(share), '  (retention, confidence low)\n',
              '   - %s and 1 other root (%s) together retain ' % (sp['owner'], sp['roots'][1]),
              ', %.1f%% of the reachable heap\n' % share,
              'holds %d objects of %dB' % (c['registry_entries'], c['entry_bytes']),
              '\nmedium %s  (blocked goroutines, confidence low)\n' % c['chan_send_function'],
              '   - %d goroutines in chan send\n' % c['chan_send_goroutines']]:
        if w not in got:
            V.problems.append('%s: no %r' % (name, w))
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
    import verify_allocsite
    js = graph_json_case('heapdump-graph-json', 'testdata/heapdump/graph.dump.gz',
                         'testdata/heapdump/graph.counts.json')
    verify_allocsite.suspects(V, GRAPH, load('testdata/heapdump/graph.dump.gz'), 'heapdump-graph-json',
                              ['heapdump-graph', 'heapdump-graph-exe-zst'])
    graph_text_case('heapdump-graph', js)
    diff_json_case('heapdump-diff-json')
    leaks_json_case('heapdump-leaks-json')
    folded_case('heapdump-graph-folded')
    dot_case('heapdump-graph-dot', js)
    owner_cases()
    verify_allocsite.suspects(V, GRAPH, load(OWNER), 'heapdump-owner-json', ['heapdump-owner'])
    verify_allocsite.leaks(V, GRAPH, load(OWNER), 'leaks-heapdump-owner-json', 'leaks-heapdump-owner', OWNER)
    bundle_owner_cases()
    verify_allocsite.suspects(V, GRAPH, load(BUNDLE_DUMP), 'heapdump-bundle-owner-json',
                              ['heapdump-bundle-owner'])
    verify_allocsite.leaks(V, GRAPH, load(BUNDLE_DUMP), 'bundle-leaks-json', 'bundle-leaks', BUNDLE_DUMP)
    bad_cases()
    for name, err in HAND.items():
        V.refused(name, err)
