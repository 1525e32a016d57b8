"""Independent checks of the allocation sites heapscope names per leak
suspect ("allocation" in heapdump --format json, "allocated by:" in text).

Imported by verify_heapdump.py, right after it analysed a dump (its GRAPH:
holders, reachability, the bytes each root alone frees), never run alone.
It never runs heapscope.  Expected values are rebuilt from the dump's own
records, decoded by verify_heapdump's reader: the memprof records (bucket
id, stack of function, file and line, leaf first) and the alloc samples
(object address, bucket id).  A suspect's objects are what its removal
frees (its root's, or for a shared suspect the object's: every object no
longer reached from the roots without it), not a dominator tree.  Each
sampled object counts for its bucket's origin: the innermost frame of the
test program's own code (package main: the generators are one main
package each), or the first frame outside the runtime when none is own;
the chain runs from it down to the innermost frame outside the runtime.
"""
import collections
import json
import os
import re
import struct
import subprocess
import tempfile

import verify_heapdump as vh


def own(func):
    return func.startswith('main.')


def runtime(func):
    return func.startswith('runtime.')


def origin(bucket):
    fr = bucket['frames']
    if not fr:
        return None
    c = next((i for i, f in enumerate(fr) if own(f[0])), None)
    if c is None:
        c = next((i for i, f in enumerate(fr) if not runtime(f[0])), 0)
        return (fr[c][0], fr[c][1], fr[c][2], False, (fr[c][0],))
    end = next(i for i in range(c + 1) if not runtime(fr[i][0]) or i == c)
    return (fr[c][0], fr[c][1], fr[c][2], True, tuple(fr[i][0] for i in range(c, end - 1, -1)))


def freed(G, dump, sp):
    if sp['root'] in G['lost']:
        return G['lost'][sp['root']]
    addr = int(sp['root'].split()[0], 16)
    starts = {t for ts in G['holders'].values() for t in ts}
    return G['every'] - vh.walk(dump, starts, skip=addr)


def share(v, total):
    if v == total or v == 0:
        return '100%' if v and total else '0%'
    p = 100.0 * v / total
    return '>99.9%' if p >= 99.95 else '<0.1%' if p < 0.05 else '%.1f%%' % p


def expected(G, dump, sp):
    objs = freed(G, dump, sp)
    rows = collections.defaultdict(lambda: [0, 0])
    sampled = [a for a in objs if dump.samples.get(a) in dump.buckets]
    for a in sampled:
        o = origin(dump.buckets[dump.samples[a]])
        if o is None:
            continue
        rows[o][0] += 1
        rows[o][1] += dump.objects[a][0]
    return {'objects': len(objs), 'sampled_objects': len(sampled),
            'sampled_bytes': sum(dump.objects[a][0] for a in sampled),
            'unsampled_bytes': sum(dump.objects[a][0] for a in objs) -
            sum(dump.objects[a][0] for a in sampled)}, rows


def suspects(V, G, dump, name, text_names):
    js = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    if not dump.samples:
        return
    if not js['suspects']:
        V.problems.append('%s: no suspect to check the allocation sites of' % name)
    texts = [(t, V.golden(t, 'out')) for t in text_names]
    for t, _ in texts:
        V.checked.add(t)
    for sp in js['suspects']:
        want, rows = expected(G, dump, sp)
        got = sp.get('allocation', {})
        for k, v in want.items():
            if got.get(k) != v:
                V.problems.append('%s: %s: allocation %s is %s, the dump says %s'
                                  % (name, sp['root'], k, got.get(k), v))
        sites = got.get('sites', [])
        have = {(s['function'], s['file'], s['line'], s['own'], tuple(s['chain'])): (s['objects'], s['bytes'])
                for s in sites}
        if have != {k: tuple(v) for k, v in rows.items()}:
            V.problems.append('%s: %s: sites %s, the dump says %s' % (name, sp['root'], have, dict(rows)))
        if [s['bytes'] for s in sites] != sorted((s['bytes'] for s in sites), reverse=True):
            V.problems.append('%s: %s: sites not by bytes' % (name, sp['root']))
        line = 'allocated by: sites of %s of the ' % share(want['sampled_bytes'], sp['retained'])
        line2 = '(%d of %d objects); a heap dump does not record runtime.MemProfileRate' \
            % (want['sampled_objects'], want['objects'])
        for t, text in texts:
            if line not in text or line2 not in text:
                V.problems.append('%s: no %r ... %r' % (t, line, line2))
            for s in sites[:5]:
                head = '     %s%s ' % (s['function'], '' if s['own'] else " (no frame of the program's own)")
                tail = ' in %d object%s (%s:%d)' % (s['objects'], '' if s['objects'] == 1 else 's',
                                                    s['file'], s['line'])
                if not any(ln.startswith(head) and ln.endswith(tail) for ln in text.splitlines()):
                    V.problems.append('%s: no site line %r ... %r' % (t, head, tail))


# ---- against the heap profile the program wrote at the same moment --------

def raw_samples(V, path):
    """go tool pprof -raw of path (verify.py's reader): its sample types,
    and each sample's values, frames (function, file, line; innermost
    first, an inlined call its own) and bytes label (None without one)."""
    types, samples, locs = V.parse_raw_frames(V.pprof('-raw', path))
    return types, [(vals, [f for loc in ids for f in locs.get(loc, [])],
                    int(labels['bytes']) if 'bytes' in labels else None)
                   for vals, ids, labels in samples]


def raw_sites(V, path):
    """go tool pprof -raw of path: inuse_objects summed by the (file, line)
    of each sample's innermost frame of package main (pprof's names: an
    inlined call has its own)."""
    types, samples = raw_samples(V, path)
    io = types.index('inuse_objects')
    out = collections.Counter()
    for vals, frames, _ in samples:
        own_frames = [f for f in frames if own(f[0])]
        if own_frames and vals[io]:
            out[own_frames[0][1:]] += vals[io]
    return out


def against_profile(V, name, profile, exact):
    """Each suspect's sites, summed by file and line, against the profile:
    equal at MemProfileRate 1 (exact: every object of those sites is in
    the suspect), never more when the profile scales samples."""
    js = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    prof = raw_sites(V, profile)
    for sp in js['suspects']:
        got = collections.Counter()
        for s in sp['allocation']['sites']:
            if s['own']:
                got[(s['file'], s['line'])] += s['objects']
        if not got:
            V.problems.append('%s: %s: no site of the program' % (name, sp['root']))
        for k, n in got.items():
            if (n != prof[k]) if exact else (n > prof[k]):
                V.problems.append('%s: %s: %d objects allocated at %s:%d, heap.pb.gz %d in use'
                                  % (name, sp['root'], n, k[0], k[1], prof[k]))
    return js


def dump_cases(V):
    """testdata/allocsite: the heap dump's suspects against its own records
    (suspects()) and heap.pb.gz; counts.json's sites within them."""
    sym = 'testdata/allocsite/allocsite.sym'
    for d, js_case, text_case in (('testdata/allocsite', 'allocsite-heapdump-json', 'allocsite-heapdump'),
                                  ('testdata/allocsite/rate', 'allocsite-rate-heapdump-json',
                                   'allocsite-rate-heapdump')):
        raw = subprocess.run(['zstd', '-dc', os.path.join(V.ROOT, d, 'heap.dump.zst')],
                             stdout=subprocess.PIPE, check=True).stdout
        dump = vh.Dump(raw)
        vh.analyse(dump, vh.symbols(sym))
        suspects(V, vh.GRAPH, dump, js_case, [text_case] if V.golden(text_case, 'out') else [])
        c = json.load(open(os.path.join(V.ROOT, d, 'counts.json')))
        js = against_profile(V, js_case, d + '/heap.pb.gz', c['memprofilerate'] == 1)
        V.expect(js_case, 'code', '0\n')
        V.expect(js_case, 'err', '')
        V.expect(text_case, 'code', '0\n')
        V.expect(text_case, 'err', '')
        if c['memprofilerate'] != 1:
            continue
        # what the program built, found among the suspects' sites: the
        # sessions (struct and buffer, newSession inlined: the dump names
        # the physical openSessions, at newSession's line) and the log lines
        sites = [s for sp in js['suspects'] for s in sp['allocation']['sites']]
        ns = c['sites']['main.newSession']
        sess = [s for s in sites if s['chain'] == ['main.openSessions'] and s['objects'] == ns['objects']
                and s['bytes'] == c['sessions'] * sum(ns['sizes'])]
        logs = sum(s['objects'] for s in sites if s['chain'] == ['main.logLines', 'fmt.Sprintf'])
        if not sess or logs != c['sites']['main.logLines']['objects']:
            V.problems.append('%s: sessions %s, log lines %d: counts.json says %s'
                              % (js_case, sess, logs, c['sites']))


def core_cases(V):
    """testdata/coreprof: the core's one suspect (main.Large) against
    heap.pb.gz written just before the core (every object sampled: all its
    bytes have a site); rate/: never more than the scaled profile, and the
    rate said in words."""
    js = against_profile(V, 'coreprof-heapdump-json', 'testdata/coreprof/heap.pb.gz', True)
    text = V.golden('coreprof-heapdump', 'out')
    V.checked.add('coreprof-heapdump')
    for sp in js['suspects']:
        a = sp['allocation']
        if a['sampled_objects'] != a['objects'] or a['unsampled_bytes'] or a['sampled_bytes'] != sp['retained']:
            V.problems.append('coreprof-heapdump-json: %s: not every object sampled: %s' % (sp['root'], a))
        want = 'allocated by: sites of 100%% of the %s' % ''
        if want not in text or '(%d of %d objects); runtime.MemProfileRate 1: every allocation sampled' \
                % (a['sampled_objects'], a['objects']) not in text:
            V.problems.append('coreprof-heapdump: no allocated-by line for %s' % sp['root'])
        for s in a['sites'][:5]:
            if ' in %d object%s (%s:%d)' % (s['objects'], '' if s['objects'] == 1 else 's', s['file'],
                                             s['line']) not in text:
                V.problems.append('coreprof-heapdump: no site line for %s' % s)
    # rate/: the text only; the profile scales, so heapscope's objects are
    # at most pprof's at each line
    name = 'coreprof-rate-heapdump'
    V.checked.add(name)
    text = V.golden(name, 'out')
    prof = raw_sites(V, 'testdata/coreprof/rate/heap.pb.gz')
    rate = json.load(open(os.path.join(V.ROOT, 'testdata/coreprof/rate/counts.json')))['memprofilerate']
    if 'sampled at one allocation per %dkB on average, the rest have no site' % (rate // 1024) not in text:
        V.problems.append('%s: the rate %d is not said' % (name, rate))
    rows = re.findall(r'^     main\.\S+ \S+ in (\d+) objects? \((\S+):(\d+)\)$', text, re.M)
    if not rows:
        V.problems.append('%s: no site of the program' % name)
    for n, f, ln in rows:
        if int(n) > prof[(f, int(ln))]:
            V.problems.append('%s: %s objects at %s:%s, the scaled profile %d' % (name, n, f, ln, prof[(f, int(ln))]))
    for case in ('coreprof-heapdump-json', 'coreprof-heapdump', name):
        V.expect(case, 'code', '0\n')
        V.expect(case, 'err', '')


def core_word(path, vaddr, n):
    """n 8-byte little-endian words at vaddr in the zstd core `path`, from
    its ELF program headers (PT_LOAD file contents), read as a stream up
    to there."""
    p = subprocess.Popen(['zstd', '-dc', path], stdout=subprocess.PIPE)
    data = bytearray()

    def upto(end):
        while len(data) < end:
            chunk = p.stdout.read(max(end - len(data), 1 << 20))
            if not chunk:
                raise ValueError('%s: ends before byte %d' % (path, end))
            data.extend(chunk)
    try:
        upto(64)
        phoff, = struct.unpack_from('<Q', data, 0x20)
        phentsize, phnum = struct.unpack_from('<HH', data, 0x36)
        upto(phoff + phentsize * phnum)
        for i in range(phnum):
            typ, _, off, va, _, filesz, _ = struct.unpack_from('<IIQQQQQ', data, phoff + i * phentsize)
            if typ == 1 and va <= vaddr and vaddr + 8 * n <= va + filesz:
                at = off + vaddr - va
                upto(at + 8 * n)
                return struct.unpack_from('<%dQ' % n, data, at)
        raise ValueError('%s: 0x%x in no PT_LOAD' % (path, vaddr))
    finally:
        p.kill()
        p.wait()


def symbol(exe_zst, name):
    """The address of `name` in the zstd executable, by readelf -sW."""
    with tempfile.NamedTemporaryFile() as f:
        subprocess.run(['zstd', '-dcq', exe_zst], stdout=f, check=True)
        out = subprocess.run(['readelf', '-sW', f.name], stdout=subprocess.PIPE, check=True).stdout.decode()
    for ln in out.splitlines():
        p = ln.split()
        if len(p) == 8 and p[7] == name:
            return int(p[1], 16)
    raise ValueError('%s: no symbol %s' % (exe_zst, name))


def inuse_sizes(V, path):
    """go tool pprof -raw of path: in-use objects by (file, line, size) of
    each sample's innermost frame of package main and its bytes label."""
    types, samples = raw_samples(V, path)
    io = types.index('inuse_objects')
    out = collections.Counter()
    for vals, frames, size in samples:
        own_frames = [f for f in frames if own(f[0])]
        if size is not None and own_frames and vals[io]:
            out[own_frames[0] + (size,)] += vals[io]
    return out


def core_triage(V):
    """coreprof-triage(-json): a core with its memory profile and its
    types.  The finding is named by the allocation site of its retaining
    structure: the backing array of the global the generator declares
    (main.Large).  Its address, length and capacity are read from the
    core itself (the slice header at main.Large's symbol); its site and
    size from an in-use sample of heap.pb.gz written just before the core
    (innermost main. frame, bytes label); its type from the declaration in
    testdata/gen/coreprof/main.go ([]byte is []uint8 to the runtime), the
    element count its capacity; what it keeps, counts.json's large arrays
    and itself."""
    name, text_name = 'coreprof-triage-json', 'coreprof-triage'
    V.checked.update((name, text_name))
    d = 'testdata/coreprof/'
    js = json.loads(V.golden(name, 'out'))
    c = json.load(open(os.path.join(V.ROOT, d, 'counts.json')))
    ret = [f for f in js['findings'] if f['kind'] == 'retention']
    if len(js['findings']) != 1 or len(ret) != 1:
        V.problems.append('%s: findings %s, want one retention' % (name, [f['kind'] for f in js['findings']]))
        return
    f, r = ret[0], ret[0]['retainer']
    owner = r.get('owner', '')
    src = open(os.path.join(V.ROOT, 'testdata/gen/coreprof/main.go')).read()
    decl = re.findall(r'^\s+%s\s+(\S+)$' % re.escape(owner.split('.')[-1]), src, re.M)
    sym = symbol(os.path.join(V.ROOT, d, 'core.exe.zst'), owner)
    data, length, cap = core_word(os.path.join(V.ROOT, d, 'core.core.zst'), sym, 3)
    prof = inuse_sizes(V, d + 'heap.pb.gz')
    size = cap * 24     # a slice header's bytes (64-bit)
    sites = [k for k in prof if k[3] == size]
    if owner != 'main.Large' or len(decl) != 1 or length != c['large']:
        V.problems.append('%s: owner %s, declared %s, %d elements in the core, counts.json %d'
                          % (name, owner, decl, length, c['large']))
        return
    want = dict(named_by='site', function=sites[0][0] if len(sites) == 1 else None,
                file=sites[0][1] if len(sites) == 1 else None, line=sites[0][2] if len(sites) == 1 else None,
                own=True, address=data, size=size,
                type='%s (%d)' % (re.sub(r'\bbyte\b', 'uint8', decl[0]), cap),
                owner=owner, owner_root='')
    want['accumulation_point'] = want['type']
    want['chain'] = [want['function']]
    if {k: r.get(k) for k in want} != want or 'object' in r or f['culprit'] != want['function'] \
            or f['weight'] != c['large'] * c['large_bytes'] + size or len(sites) != 1:
        V.problems.append('%s: retainer %s (culprit %s, weight %d), the core, heap.pb.gz and main.go say %s '
                          '(weight %d)' % (name, r, f['culprit'], f['weight'], want,
                                           c['large'] * c['large_bytes'] + size))
        return
    text = V.golden(text_name, 'out')
    line = '   retention: %s (%s:%d) allocated the %s that keeps ' % (want['function'], want['file'],
                                                                    want['line'], want['type'])
    head = '1. medium %s  (retention, confidence low)' % want['function']
    if line not in text or head not in text.splitlines():
        V.problems.append('%s: no %r or %r' % (text_name, line, head))
    for case in (name, text_name):
        V.expect(case, 'code', '0\n')
        V.expect(case, 'err', '')


def run(V):
    vh.V = vh.V or V     # its reader's files are under V.ROOT
    dump_cases(V)
    core_cases(V)
    core_triage(V)
    graph_leaks(V)


def owning(G, owner, structure):
    """What owns a suspect: a root that alone frees it, else the object
    its roots share (the owning structure, leaks' "structure": a global
    that a goroutine's frame also holds frees nothing alone)."""
    return owner if G['lost'].get(owner) else structure


def leaks(V, G, dump, name, text_name, path):
    """leaks' retention candidates of the dump at path: the biggest origin
    of what each retains (by bytes, recomputed as in suspects()) and the
    bytes with a sampled site."""
    js = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    text = V.golden(text_name, 'out') if text_name else None
    if text_name:
        V.checked.add(text_name)
    seen = 0
    for c in js['candidates']:
        if c['kind'] != 'retention' or c.get('dump') != path:
            continue
        seen += 1
        root = owning(G, c['owner'], c['structure'])
        want, rows = expected(G, dump, {'root': root})
        if want['sampled_bytes'] + want['unsampled_bytes'] != c['retained_bytes']:
            V.problems.append('%s: %s: %s frees %d bytes, not %d' % (name, c['owner'], root,
                              want['sampled_bytes'] + want['unsampled_bytes'], c['retained_bytes']))
        if not rows:
            if 'origin_function' in c:
                V.problems.append('%s: %s: an origin where nothing was sampled' % (name, c['owner']))
            continue
        top = max(v[1] for v in rows.values())
        got = (c.get('origin_function'), c.get('origin_file'), c.get('origin_line'))
        best = [(k, v) for k, v in rows.items() if v[1] == top and k[:3] == got]
        if not best or c.get('origin_bytes') != top or c.get('origin_objects') != best[0][1][0] or \
                c.get('origin_chain') != (' -> '.join(best[0][0][4]) if len(best[0][0][4]) > 1 else '') or \
                c.get('sampled_bytes') != want['sampled_bytes']:
            V.problems.append('%s: %s: origin %s, the dump says %s (sampled %d)'
                              % (name, c['owner'], {k: v for k, v in c.items() if k.startswith('origin')},
                                 [(k, v) for k, v in rows.items() if v[1] == top], want['sampled_bytes']))
        if text is not None and '   - allocated by %s (%s:%d' % got not in text:
            V.problems.append('%s: no allocated-by line for %s' % (text_name, c['owner']))
    if not seen:
        V.problems.append('%s: no retention candidate of %s' % (name, path))
    # named as triage names them: by the retainer's allocation site, else
    # the root, else the address (the same rule, redone from the dump)
    triage_retention(V, name, G, dump, path,
                     [c for c in js['candidates'] if c['kind'] == 'retention' and c.get('dump') == path],
                     text_name)


def graph_leaks(V):
    """heapdump-leaks-json: the retention of the last of its two dumps."""
    path = 'testdata/heapdump/graph-4000.dump.gz'
    dump = vh.load(path)
    vh.analyse(dump, vh.symbols())
    leaks(V, vh.GRAPH, dump, 'heapdump-leaks-json', None, path)


# ---- triage: a retention finding named by its retaining structure -----------

def addr_of(name):
    """The address an object's name starts with ("0xc0000a4000 (32768 B)"),
    or None (a root's name, a Go type)."""
    m = re.match(r'^0x([0-9a-f]+) \(', name or '')
    return int(m.group(1), 16) if m else None


def retainer(G, dump, owner, accum):
    """The retaining structure of a suspect, by leaks.h's rule redone
    without a dominator tree: the objects every path from the roots to the
    accumulation point goes through (removing one leaves it unreached),
    among what the suspect frees (a root owner's: what that root alone
    frees; a shared object's: what removing it frees), outermost first
    (the one whose removal frees the most).  The first with an alloc
    sample in the dump names it: (origin(bucket), its address); else
    (None, None)."""
    acc = addr_of(accum)
    if acc is None:
        return None, None
    starts = {t for ts in G['holders'].values() for t in ts}
    inside = G['lost'].get(owner)
    if inside is None:
        inside = G['every'] - vh.walk(dump, starts, skip=addr_of(owner))
    find = G['find']
    # objects inside from which the accumulation point is reached
    parents = collections.defaultdict(set)
    for a in inside:
        for x in map(find, dump.objects[a][1]):
            if x is not None:
                parents[x].add(a)
    up, stack = {acc}, [acc]
    while stack:
        for p in parents[stack.pop()]:
            if p not in up:
                up.add(p)
                stack.append(p)
    chain = []
    for o in up:
        reached = vh.walk(dump, starts, skip=o)
        if acc not in reached:
            chain.append((-len(G['every'] - reached), o))
    for _, o in sorted(chain):
        b = dump.samples.get(o)
        if b in dump.buckets and dump.buckets[b]['frames']:
            return origin(dump.buckets[b]), o
    return None, None


def triage_retention(V, name, G, dump, path, findings, text_name=None):
    """Each retention finding of `findings` (triage --format json) described
    by the dump at `path`: culprit and "retainer" by the rule of leaks.h
    (hs_retention_named), the site from the dump's own records: the
    retainer's allocation origin when one of its objects was sampled,
    else the owning root when one root owns it, else (no types in a heap
    dump) the shared object's address and the root reaching it first.
    text_name: the text case, whose finding says the same in words."""
    seen = 0
    text = V.golden(text_name, 'out') if text_name else None
    for f in findings:
        if f.get('kind') != 'retention' or f['evidence'][-1]['file'] != path:
            continue
        seen += 1
        r = f.get('retainer', {})
        owner = r.get('owner')
        if addr_of(owner) is None and f.get('structure'):
            owner = owning(G, owner, f['structure'])
        o, obj = retainer(G, dump, owner, r.get('accumulation_point'))
        if o is not None:
            want = dict(named_by='site', function=o[0], file=o[1], line=o[2], own=o[3], chain=list(o[4]))
            culprit = o[0]
            if (r.get('address'), r.get('size')) != (obj, dump.objects[obj][0]) or 'object' in r:
                V.problems.append('%s: retainer object %s (%s B), the dump\'s outermost sampled one is '
                                  '0x%x (%d B)' % (name, r.get('address'), r.get('size'), obj,
                                                   dump.objects[obj][0]))
        elif not r.get('owner_root'):
            want, culprit = dict(named_by='root'), r.get('owner')
        else:
            want, culprit = dict(named_by='address'), '%s from %s' % (r['owner'], r['owner_root'])
        have = {k: r.get(k) for k in want}
        if have != want or f.get('culprit') != culprit:
            V.problems.append('%s: retention named %s %s, the dump says %s %s'
                              % (name, f.get('culprit'), have, culprit, want))
        if text is not None:
            V.checked.add(text_name)
            if o is not None:
                line = '   retention: %s (%s:%d) allocated the structure that keeps ' % (o[0], o[1], o[2])
                if line not in text:
                    V.problems.append('%s: no %r' % (text_name, line))
            heads = re.findall(r'^(?:\d+\. )?\s*(?:high|medium|low)\s+(.*)  \(retention, confidence \w+\)$',
                               text, re.M)
            if not heads or any(h != culprit for h in heads):
                V.problems.append('%s: findings named %s, want %s' % (text_name, heads, culprit))
    if not seen:
        V.problems.append('%s: no retention finding described by %s' % (name, path))
