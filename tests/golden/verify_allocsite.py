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
