"""Independent checks of the trace-v2-* golden cases (`heapscope trace` on
the hand-written Go 1.22+ traces of testdata/trace/v2).

Imported by verify.py (run(v) with the verify module), never run alone.  It
never runs heapscope.  The goroutine counts are redone here from the text
form of each trace (testdata/trace/v2-text/NAME.test, which
testdata/gen/trace-text/totrace.py converts to the committed binary): a
goroutine first named by a GoStatus was there before the trace (Go's
internal/trace reports it as Undetermined->X), GoCreate creates one,
GoDestroy ends the running one; alive at the end = those seen - those
ended.  Events are the lines of the batches of an M (not the Frequency,
Stacks, Strings batches) and the CPU samples; the duration is the latest
event's time less the earliest's (each batch's time plus the running sum
of its dt).
"""
import json
import os

V = None


def text_counts(path):
    existing, created = set(), set()
    ended = events = 0
    first = last = None
    in_m, now = False, 0
    for line in open(os.path.join(V.ROOT, path), encoding='utf-8'):
        words = line.split()
        if not words or line.startswith(('#', '\t', '--')):
            continue
        kv = dict(w.split('=', 1) for w in words[1:] if '=' in w)
        if words[0] == 'EventBatch':
            in_m = kv['m'] != '18446744073709551615'
            now = int(kv['time'])
            continue
        if words[0] == 'CPUSample':   # an event of its own, from a batch of no M
            events += 1
        if not in_m:
            continue
        events += 1
        now += int(kv.get('dt', 0))
        first = now if first is None else min(first, now)
        last = now if last is None else max(last, now)
        if words[0] == 'GoStatus' and kv['g'] not in created:
            existing.add(kv['g'])
        elif words[0] == 'GoCreate':
            created.add(kv['new_g'])
        elif words[0] in ('GoDestroy', 'GoDestroySyscall'):
            ended += 1
    seen = len(existing) + len(created)
    return {'events': events, 'duration_ns': last - first,
            'goroutines_created': len(created), 'goroutines_without_creation': len(existing),
            'goroutines_ended': ended, 'goroutines_alive': max(seen - ended, 0)}


def json_case(name, trace):
    V.checked.add(name)
    want = text_counts('testdata/trace/v2-text/%s.test' % trace)
    got = json.loads(V.golden(name, 'out'))
    for k, v in want.items():
        if got.get(k) != v:
            V.problems.append('%s: %s is %r, the text trace says %r' % (name, k, got.get(k), v))
    for k, total in (('created', 'goroutines_created'), ('ended', 'goroutines_ended'),
                     ('alive', 'goroutines_alive')):
        s = sum(site[k] for site in got['sites'])
        if s != want[total]:
            V.problems.append('%s: the sites\' %s add up to %d, not %d' % (name, k, s, want[total]))
    if V.golden(name, 'err') != '' or V.golden(name, 'code') != '0\n':
        V.problems.append('%s: want exit 0 and nothing on stderr' % name)


def run(v):
    global V
    V = v
    # goroutines from before the trace (GoStatus) that end: alive at the end
    # counts them (created - ended wrapped to 2^64 - 1)
    json_case('trace-v2-existing-ends-json', 'existing-ends')
    json_case('trace-v2-two-ms-json', 'two-ms')
