"""The "inputs" array of --format json (issue 12), recomputed from the
files themselves, never from heapscope: called by verify.py.

For every golden case of an analysis command (info, goroutines, blocking,
leaks, growth, gctrace) with --format json, the expected inputs are built
here from the case's command line and file facts:

  path       the arguments in order, directories walked recursively in byte
             order (regular files only, hidden entries and empty files
             left out);
  kind       sniffed from the content (gzip undone here, zstd by the zstd
             CLI): the protobuf's sample types decoded here, the first line
             of a text profile, a dump's "goroutine N [" header, a gc line,
             a trace's or heap dump's magic;
  time       the protobuf's time_nanos, else a heap text profile's MemStats
             LastGC, else a timestamp in the name (the styles of filetime.h,
             parsed here with regular expressions), else the mtime (whole
             seconds), which a case sets with @utime (run.py);
  used/why   the command's rule (the kinds it reads), the twin rule of
             include/heapscope/inventory.h written out again here;
  snapshot   the used files in time order (equal times by name, numbers as
             numbers), twins sharing one.
"""
import calendar
import gzip
import zlib
import json
import os
import re
import shlex
import subprocess
import sys

V = None

COMMANDS = ('info', 'goroutines', 'blocking', 'leaks', 'growth', 'gctrace')
# an allocs profile (Go's heap profile with alloc_space its default) is the
# heap profile's twin, used after the protobuf heap profile, before the text
FAMILY = {'heap': (1, 2), 'allocs': (1, 1), 'heap_text': (1, 0), 'goroutine_dump': (2, 2),
          'goroutine': (2, 1), 'goroutine_text': (2, 0)}
# the profile kind (pprof's words) of each kind, for growth's one kind
PROFILE_KIND = {'heap': 'heap', 'allocs': 'heap', 'heap_text': 'heap', 'goroutine_dump': 'goroutine',
                'goroutine': 'goroutine', 'goroutine_text': 'goroutine', 'cpu': 'cpu',
                'contention': 'contention', 'threadcreate': 'threadcreate', 'profile': 'profile'}
GOROUTINES = {'goroutine_dump', 'goroutine', 'goroutine_text', 'core'}
# files holding only some goroutines: beside a used whole goroutine snapshot
# (GOROUTINES) a used one stays used but is no point of the series
PARTIAL = {'trace': 'the goroutines at the end of a trace',
           'heapdump': "a heap dump's goroutines, without wait reasons"}
WORDS = {'heap': 'heap profile', 'heap_text': 'heap profile (debug=1)', 'allocs': 'allocs profile',
         'goroutine_dump': 'goroutine dump (debug=2)', 'goroutine': 'goroutine profile',
         'goroutine_text': 'goroutine profile (debug=1)', 'cpu': 'cpu profile',
         'contention': 'block or mutex profile', 'threadcreate': 'threadcreate profile',
         'profile': 'profile', 'trace': 'execution trace', 'gctrace': 'gctrace log',
         'heapdump': 'heap dump', 'core': 'core file', 'other': 'other file',
         'unreadable': 'unreadable file'}
# what each command reads (the rest: "KIND: not used by CMD")
USES = {
    'leaks': {'heap', 'heap_text', 'allocs', 'goroutine_dump', 'goroutine', 'goroutine_text',
              'core', 'trace', 'heapdump', 'gctrace'},
    'blocking': {'goroutine_dump', 'goroutine', 'goroutine_text', 'core', 'contention', 'trace',
                 'heapdump', 'cpu'},
}
S = 10**9


# ---- facts of a file --------------------------------------------------------

def content(path):
    raw = open(path, 'rb').read()
    if raw[:2] == b'\x1f\x8b':
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error):
            return None   # a cut or corrupt stream: could not be read

    if raw[:4] == b'\x28\xb5\x2f\xfd':
        return subprocess.run(['zstd', '-dcq', path], stdout=subprocess.PIPE, check=True).stdout
    return raw


def pb_types(data):
    """Sample type names (the default one first when it is set) and
    time_nanos of a profile.proto, or None."""
    try:
        top = V.pb_fields(data)
        strings = [v for f, v in top if f == 6 and isinstance(v, bytes)]
        types = []
        for f, v in top:
            if f == 1 and isinstance(v, bytes):
                vt = dict(V.pb_fields(v))
                types.append(strings[vt.get(1, 0)].decode())
    except (ValueError, IndexError, UnicodeDecodeError):
        return None
    if not types or not strings:
        return None
    default = next((v for f, v in top if f == 14 and isinstance(v, int)), 0)
    if default and default < len(strings) and strings[default].decode() == 'alloc_space':
        types = ['default:alloc_space'] + types
    return types, next((v for f, v in top if f == 9 and isinstance(v, int)), 0)


def kind_of(types, pb):
    t = ','.join(types)
    if pb and t.startswith('default:alloc_space') and 'inuse_space' in t:
        return 'allocs'
    if 'inuse_space' in t:
        return 'heap' if pb else 'heap_text'
    if 'alloc_space' in t:
        return 'allocs'
    if 'cpu' in t or 'wall' in t:
        return 'cpu'
    if t in ('goroutine', 'goroutines'):
        return 'goroutine' if pb else 'goroutine_text'
    if t == 'threadcreate':
        return 'threadcreate'
    if 'contentions' in t or 'delay' in t:
        return 'contention'
    return 'profile'


GC_LINE = re.compile(rb'(^|\n)[^\n]*gc \d+ @[0-9.]+s \d+%: ')


def sniff(path):
    """(kind, time_ns or 0 from the content, 'profile'/'lastgc')."""
    data = content(path)
    if data is None:
        return 'unreadable', 0, None
    pb = pb_types(data)
    if pb:
        return kind_of(pb[0], True), pb[1], 'profile'
    if data.startswith(b'heap profile:'):
        m = re.search(rb'\n# LastGC = (\d+)\n', data)
        return 'heap_text', int(m.group(1)) if m else 0, 'lastgc'
    if data.startswith(b'goroutine profile: total'):
        return 'goroutine_text', 0, None
    if re.match(rb'goroutine \d+ \[', data) or b'\ngoroutine ' in data[:4096] and b'SIGQUIT' in data[:4096]:
        return 'goroutine_dump', 0, None
    if data.startswith(b'go 1.'):
        return 'trace', 0, None
    if data[:4] == b'\x7fELF' and data[16:18] == b'\x04\x00':
        return 'core', 0, None   # its own kind, read (with --exe) as the goroutines it holds
    if data.startswith(b'go1.7 heap dump'):
        return 'heapdump', 0, None
    if GC_LINE.search(data[:65536]):
        return 'gctrace', 0, None
    return 'other', 0, None


def real_date(y, mo, d, h, mi, s):
    if not (2001 <= y <= 2100 and 1 <= mo <= 12 and h <= 23 and mi <= 59 and s <= 60):
        return None
    if not 1 <= d <= calendar.monthrange(y, mo)[1]:
        return None
    return calendar.timegm((y, mo, d, h, mi, s)) * S


ISO = re.compile(r'(\d{4})-(\d{2})-(\d{2})[T_\- ](\d{2})[:\-]?(\d{2})[:\-]?(\d{2})')
COMPACT = re.compile(r'(\d{4})(\d{2})(\d{2})[T\-_]?(\d{2})(\d{2})(\d{2})(?!\d)')


def name_stamp(path):
    """The first timestamp in the base name (filetime.h's styles), or None."""
    base = os.path.basename(path)
    for i, c in enumerate(base):
        if not c.isdigit() or (i and base[i - 1].isdigit()):
            continue
        for rx in (ISO, COMPACT):
            m = rx.match(base, i)
            if m:
                t = real_date(*map(int, m.groups()))
                if t is not None:
                    return t
        run = re.match(r'\d+', base[i:]).group(0)
        if len(run) == 10:
            return int(run) * S
        if len(run) == 13:
            return int(run) * 10**6
    return None


def facts(path, utimes):
    full = os.path.join(V.ROOT, path)
    kind, t, src = sniff(full)
    bad = kind == 'unreadable'   # heapscope names it (exit 2), lists it as 'other'
    kind = 'other' if bad else kind
    stamp = name_stamp(path)
    if t:
        when, frm = t, src
    elif stamp is not None:
        when, frm = stamp, 'name'
    else:
        # the case's @utime, which run.py set; else the file's (a case whose
        # output shows an mtime it did not set fails on another checkout)
        when, frm = utimes.get(path, int(os.stat(full).st_mtime)) * S, 'mtime'
    return dict(path=path, kind=kind, time=when, time_from=frm, stamp=stamp, bad=bad)


# ---- the rule ---------------------------------------------------------------

def twins(a, b, files):
    fa, fb = FAMILY.get(a['kind']), FAMILY.get(b['kind'])
    if not fa or not fb or fa[0] != fb[0] or fa[1] == fb[1]:
        return False
    if a['stamp'] is not None and a['stamp'] == b['stamp']:
        return True
    ra, rb = a['time_from'] != 'mtime', b['time_from'] != 'mtime'
    if ra and rb:
        return abs(a['time'] - b['time']) < S
    if ra == rb:
        return False
    m, r = (b, a) if ra else (a, b)
    if not -S < r['time'] - m['time'] < 2 * S:   # the mtime m is in whole seconds
        return False
    others = [f for f in files if f is not m and f['used'] and f['kind'] == m['kind']
              and f['time_from'] == 'mtime']
    if any(abs(f['time'] - m['time']) < S for f in others):
        return False
    # in the mtime's own second it pairs; a second off only when no other
    # mtime file of the kind reaches the real time too
    return 0 <= r['time'] - m['time'] < S or \
        not any(-S < r['time'] - f['time'] < 2 * S for f in others)


def strverscmp_key(name):
    return [int(p) if p.isdigit() else p for p in re.split(r'(\d+)', name)]


def expected(command, paths, utimes):
    files = [facts(p, utimes) for p in paths]
    uses = USES.get(command)
    if command == 'goroutines':
        # a heap dump's goroutines only when no goroutine dump or profile is given
        uses = GOROUTINES if any(f['kind'] in GOROUTINES for f in files) else GOROUTINES | {'heapdump'}
    elif command == 'growth':
        # one kind of profile, and gctrace logs beside it: heap profiles
        # when any is read, else goroutine profiles, else the first read
        read = [PROFILE_KIND[f['kind']] for f in files if f['kind'] in PROFILE_KIND and not f['bad']]
        kind = next((k for k in ('heap', 'goroutine') if k in read), read[0] if read else None)
        uses = {k for k, v in PROFILE_KIND.items() if v == kind} | {'gctrace'}
    for f in files:
        f['used'] = not f['bad'] and (uses is None or f['kind'] in uses)
        f['why'] = 'could not be read' if f['bad'] else \
            None if f['used'] else '%s: not used by %s' % (WORDS[f['kind']], command)
    # twins: one moment, in every command; the series commands use the
    # richest only, info and gctrace describe each (sharing the moment)
    series = command in ('leaks', 'blocking', 'growth', 'goroutines')
    groups = []   # [used index, member indices]
    for j, b in enumerate(files):
        if not b['used']:
            continue
        for g in groups:
            if any(files[m]['kind'] == b['kind'] for m in g[1]):
                continue
            if any(twins(files[m], b, files) for m in g[1]):
                g[1].append(j)
                if FAMILY[b['kind']][1] > FAMILY[files[g[0]]['kind']][1]:
                    g[0] = j
                break
        else:
            groups.append([j, [j]])
    for used, members in groups:
        for m in members:
            if m != used:
                files[m]['twin'] = used
                if series:
                    files[m]['used'] = False
                    files[m]['why'] = 'twin of %s' % files[used]['path']
    if series:
        # the partial-snapshot rule (inventory.h, hs_inventory_finish)
        if any(f['used'] and f['kind'] in GOROUTINES for f in files):
            for f in files:
                if f['used'] and f['kind'] in PARTIAL:
                    f['partial'] = True
                    f['why'] = ('partial: %s, not a point of the series beside whole goroutine '
                                'snapshots' % PARTIAL[f['kind']])
    used = [i for i, f in enumerate(files) if f['used'] and f['kind'] != 'gctrace'
            and not f.get('partial') and 'twin' not in f]
    froms = {files[i]['time_from'] for i in used}
    if not ('mtime' in froms and len(froms) > 1):
        used.sort(key=lambda i: (files[i]['time'], strverscmp_key(files[i]['path']), i))
    for k, i in enumerate(used):
        files[i]['snapshot'] = k
    out = []
    for f in files:
        snap = f.get('snapshot', files[f['twin']]['snapshot'] if 'twin' in f else None)
        out.append({'path': f['path'], 'kind': f['kind'], 'time': rfc3339(f['time']),
                    'time_from': f['time_from'], 'snapshot': snap, 'used': f['used'],
                    'why': f['why']})
    return out


def rfc3339(ns):
    sec, frac = divmod(ns, S)
    s = '%04d-%02d-%02dT%02d:%02d:%02d' % tuple(__import__('time').gmtime(sec)[:6])
    if frac:
        s += ('.%09d' % frac).rstrip('0')
    return s + 'Z'


# ---- the cases --------------------------------------------------------------

def walk(path):
    full = os.path.join(V.ROOT, path)
    if not os.path.isdir(full):
        return [path]
    out = []
    for name in sorted(os.listdir(full), key=os.fsencode):
        sub = os.path.join(path, name)
        # hidden entries are not walked, an empty file is left out
        if name.startswith('.') or (os.path.isfile(os.path.join(V.ROOT, sub))
                                    and os.path.getsize(os.path.join(V.ROOT, sub)) == 0):
            continue
        out += walk(sub)
    return out


VALUED = {'--format', '--limit', '--exe', '--by', '-o', '--output', '--min-growth', '--interval',
          '--own', '--sample-index', '--min-goroutines', '--min-medium', '--min-wait-minutes'}


def case_inputs(name):
    """(command, paths) of a case, or None when it is no analysis json case."""
    text = open(os.path.join(V.CASES, name + '.cmd'), encoding='utf-8').read()
    utimes = {w[1]: int(w[2]) for w in (ln.split() for ln in text.splitlines())
              if w and w[0] == '@utime'}
    line = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(('#', '@'))][0]
    words = shlex.split(line)
    if len(words) < 2 or words[1] not in COMMANDS:
        return None
    if '--format=json' not in words and not ('--format' in words and
                                            words[words.index('--format') + 1] == 'json'):
        return None
    paths, skip = [], False
    for w in words[2:]:
        if skip:
            skip = False
        elif w in VALUED:
            skip = True
        elif not w.startswith('-'):
            paths += walk(w)
    return words[1], paths, utimes


def run(verify):
    global V
    V = verify
    n = 0
    for name in sorted(f[:-4] for f in os.listdir(V.CASES) if f.endswith('.cmd')):
        ci = case_inputs(name)
        if not ci:
            continue
        n += 1
        try:
            got = json.loads(V.golden(name, 'out') or 'null')
        except ValueError:
            V.problems.append('%s.out: not JSON' % name)
            continue
        if (not (isinstance(got, dict) and 'inputs' in got)
                and os.path.exists(os.path.join(V.CASES, name + '.xfail'))):
            continue   # a known bug's stand-in output, written by hand
        want = expected(*ci)
        # a time read from a modification time differs with every checkout:
        # the case must set it (@utime) for its golden to hold anywhere
        for f in want:
            if f['time_from'] == 'mtime' and f['path'] not in ci[2]:
                V.problems.append('%s.cmd: %s has only an mtime: set it with @utime'
                                  % (name, f['path']))
        if not isinstance(got, dict) or got.get('inputs') != want:
            V.problems.append('%s.out: inputs %s\n  want %s' % (
                name, got.get('inputs') if isinstance(got, dict) else got, want))
    if n == 0:
        V.problems.append('verify_inputs: no json case of an analysis command')
    return n


if __name__ == '__main__':
    sys.exit('run by verify.py')
