"""Independent checks of the check-* and growth-* golden cases.

Imported by verify.py (run(v) with the verify module), never run alone.  It
never runs heapscope.  Expected outputs are rebuilt from:

  - `go tool pprof -raw` of each profile: the report total (sum of the
    sample values) and each function's flat value (the leaf frame of each
    sample), via verify.py's parse_raw;
  - the profiles' time_nanos, decoded here from the protobuf, or for Go
    heap text (?debug=1) the runtime.MemStats trailer's LastGC, with the
    trailer's HeapInuse, HeapAlloc, Sys and HeapObjects, parsed here;
  - testdata/pprof/{growth,steady}/counts.json (what the generating program
    knows: main.leakyCache holds 1000 more 1 KiB objects per step) and
    testdata/pprof/counts.json (171 goroutines);
  - the rules files parsed with PyYAML (names, limits and the marks of the
    nodes that error messages point at; PyYAML's pure-Python loader counts
    lines and columns on its own);
  - the JUnit file parsed with xml.etree;
  - pprof's ScaledLabel and Percentage formatting, redone here;
  - for messages whose wording is heapscope's or libyaml's, the texts below,
    checked by hand.
"""
import fnmatch
import gzip
import json
import math
import os
import re
import time
import xml.etree.ElementTree as ET

import yaml

GROWTH = ['testdata/pprof/growth/heap-%d.pb.gz' % i for i in range(1, 7)]
STEADY = ['testdata/pprof/steady/heap-%d.pb.gz' % i for i in range(1, 4)]
TEXT = ['testdata/pprof/growth-text/heap-%d.txt' % i for i in range(1, 7)]
MEM = ['HeapInuse', 'HeapAlloc', 'Sys', 'HeapObjects']
GOROUTINES = ['testdata/pprof/goroutine.pb.gz', 'testdata/pprof/goroutine-debug1.txt',
              'testdata/pprof/goroutine-debug2.txt']

V = None          # the verify module
_facts = {}


# ---- pprof's formatting ---------------------------------------------------

BYTE_UNITS = [('B', 1), ('kB', 1 << 10), ('MB', 1 << 20), ('GB', 1 << 30), ('TB', 1 << 40),
              ('PB', 1 << 50)]
TIME_UNITS = [('ns', 1), ('us', 1e3), ('ms', 1e6), ('s', 1e9), ('hrs', 3600e9)]


def label(v, unit='bytes', sign=False):
    """hs_scaled_label(v, unit, "minimum"): pprof's ScaledLabel with the
    largest unit the value reaches, '%.2f' without a trailing '.00'."""
    if unit in ('bytes', 'nanoseconds'):
        units = BYTE_UNITS if unit == 'bytes' else TIME_UNITS
        name, f = units[0] if unit == 'bytes' else ('s', 1e9)   # the defaults
        best = 0
        for n, fac in units:
            if fac >= best and abs(v) / fac >= 1.0:
                best, name, f = fac, n, fac
        x = abs(v) / f
        s = '%.2f' % x
    else:
        name, s = '', '%.2f' % abs(v)
    if s.endswith('.00'):
        s = s[:-3]
    if s == '0':
        return '0'
    s = ('-' if v < 0 else '') + s + name
    return ('+' + s) if sign and v > 0 else s


def llround(x):
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


# ---- facts about the profiles ---------------------------------------------

def time_nanos(path):
    raw = open(os.path.join(V.ROOT, path), 'rb').read()
    pb = gzip.decompress(raw) if raw[:2] == b'\x1f\x8b' else raw
    return next(val for f, val in V.pb_fields(pb) if f == 9)


def memstats(path):
    """The '# Key = N' lines of a Go heap text profile's trailer."""
    out = {}
    for ln in open(os.path.join(V.ROOT, path), encoding='utf-8'):
        parts = ln.split()
        if len(parts) == 4 and parts[0] == '#' and parts[2] == '=' and parts[3].isdigit():
            out[parts[1]] = int(parts[3])
    return out


def facts(path):
    """total and flat per function of the default sample type, from -raw;
    the time (time_nanos, or for a text profile its trailer's LastGC) and
    a text profile's MemStats."""
    if path not in _facts:
        types, samples, locs = V.parse_raw(V.pprof('-raw', path))
        k = len(types) - 1
        flat, total = {}, 0
        for vals, ids in samples:
            total += abs(vals[k])
            if ids and vals[k]:
                leaf = locs[ids[0]][0] or '<unknown>'
                flat[leaf] = flat.get(leaf, 0) + vals[k]
        _facts[path] = dict(types=types, total=total, flat=flat)
        if path.endswith('.txt'):
            _facts[path]['mem'] = memstats(path)
            _facts[path]['time'] = _facts[path]['mem']['LastGC']
        else:
            _facts[path]['time'] = time_nanos(path)
    return _facts[path]


def hash_names(path):
    """pc -> innermost function of the first record whose # lines list it
    (a Go ?debug=1 text profile, read here by hand)."""
    names = {}
    in_rec, seen = False, set()
    for ln in open(os.path.join(V.ROOT, path), encoding='utf-8', errors='replace'):
        m = re.match(r'^#\t0x([0-9a-f]+)\t+(\S+?)\+0x[0-9a-f]+\t', ln)
        if not m:
            in_rec = False
            seen = set()
            continue
        pc = int(m.group(1), 16)
        if pc not in names and pc not in seen:
            names[pc] = m.group(2)
        seen.add(pc)
        in_rec = True
    return names


_named = {}


def named_flat(path):
    """flat per function of a text profile read by its # lines: pprof's
    -raw samples (values and addresses), each charged to its leaf-most
    listed frame's innermost function; a stack with none listed stays
    <unknown>."""
    if path not in _named:
        text = V.pprof('-raw', path)
        types, samples, _ = V.parse_raw(text)
        addr = {int(m.group(1)): int(m.group(2), 16)
                for m in re.finditer(r'^\s+(\d+): 0x([0-9a-f]+)', text.split('Locations')[1], re.M)}
        names = hash_names(path)
        k = len(types) - 1
        flat = {}
        for vals, ids in samples:
            listed = [names[addr[i]] for i in ids if addr[i] in names]
            if ids and vals[k]:
                leaf = listed[0] if listed else '<unknown>'
                flat[leaf] = flat.get(leaf, 0) + vals[k]
        _named[path] = flat
    return _named[path]


def cross_check_counts():
    """pprof's flat values of the three sites agree with counts.json."""
    for series, files in (('growth', GROWTH), ('steady', STEADY)):
        counts = json.load(open(os.path.join(V.ROOT, 'testdata', 'pprof', series, 'counts.json')))
        assert [s['file'] for s in counts['snapshots']] == [os.path.basename(f) for f in files]
        for snap, path in zip(counts['snapshots'], files):
            flat = facts(path)['flat']
            for site in ('main.leakyCache', 'main.steadyBuffer', 'main.spike'):
                want = snap['sites'].get(site, {}).get('inuse_space', 0)
                if flat.get(site, 0) != want:
                    V.problems.append('%s: pprof says %s flat %d, counts.json %d'
                                      % (path, site, flat.get(site, 0), want))
        if series == 'growth':
            per_step = next(s for s in counts['site_info'] if s['function'] == 'main.leakyCache')
            assert per_step['inuse_space_growth_per_step'] == 1000 * 1024
            steps = [s['sites']['main.leakyCache']['inuse_space'] for s in counts['snapshots']]
            if [b - a for a, b in zip(steps, steps[1:])] != [1024000] * 5:
                V.problems.append('growth/counts.json: main.leakyCache does not grow by 1000kB a step')


# ---- check ------------------------------------------------------------------

SIZE = {'b': 1, 'kb': 1 << 10, 'kib': 1 << 10, 'mb': 1 << 20, 'mib': 1 << 20, 'gb': 1 << 30,
        'gib': 1 << 30}


def size(text):
    text = str(text)
    num = text.rstrip('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ')
    unit = text[len(num):].strip().lower()
    return round(float(num) * SIZE.get(unit, 1))


def compare(what, v, lim, ok, sign=False, unit='bytes'):
    a, b = label(v, unit, sign), label(lim, unit)
    if a.lstrip('+') == b and v != lim:
        a, b = '%s (%d)' % (a, v), '%s (%d)' % (b, lim)
    return '%s %s %s %s' % (what, a, '<=' if ok else '>', b)


def goroutine_total():
    return json.load(open(os.path.join(V.ROOT, 'testdata', 'pprof', 'counts.json')))['goroutine']['total']


def check_results(rules_path, base, files):
    """(status, file, rule, message, checks, line) per applicable rule and file."""
    doc = yaml.compose(open(os.path.join(V.ROOT, rules_path)))
    rules = []
    for node in next(v for k, v in doc.value if k.value == 'rules').value:
        r = {k.value: v.value for k, v in node.value}
        r['line'] = node.start_mark.line + 1
        rules.append(r)
    out = []
    for f in files:
        for r in rules:
            if 'files' in r and not (fnmatch.fnmatch(f, r['files']) or
                                     fnmatch.fnmatch(os.path.basename(f), r['files'])):
                continue
            parts, checks = [], []
            if 'max_goroutines' in r:
                n, lim = goroutine_total(), int(r['max_goroutines'])
                parts.append(compare('goroutines', n, lim, n <= lim, unit='count'))
                checks.append(('max_goroutines', n, lim, n <= lim))
                stype = 'goroutine'
            else:
                fa = facts(f)
                assert r.get('sample_index', 'inuse_space') == fa['types'][-1] == 'inuse_space'
                stype = 'inuse_space'
                flat = 0
                if 'match' in r:
                    import re
                    flat = sum(v for fn, v in fa['flat'].items() if re.search(r['match'], fn))
                if 'max_total' in r:
                    lim = size(r['max_total'])
                    parts.append(compare('total', fa['total'], lim, fa['total'] <= lim))
                    checks.append(('max_total', fa['total'], lim, fa['total'] <= lim))
                if 'max_flat' in r:
                    lim = size(r['max_flat'])
                    parts.append(compare('flat', flat, lim, flat <= lim))
                    checks.append(('max_flat', flat, lim, flat <= lim))
                bv = facts(base)['total'] if base else 0
                d = fa['total'] - bv
                if 'max_growth' in r:
                    lim = size(r['max_growth'])
                    parts.append(compare('growth', d, lim, d <= lim, sign=True))
                    checks.append(('max_growth', d, lim, d <= lim))
                if 'max_growth_percent' in r:
                    p, lim = d * 100.0 / bv, float(r['max_growth_percent'])
                    parts.append('growth %+.2f%% %s %s%%' % (p, '<=' if p <= lim else '>', '%g' % lim))
                    checks.append(('max_growth_percent', p, lim, p <= lim))
            ok = all(c[3] for c in checks)
            out.append(dict(ok=ok, file=f, rule=r['name'], message='; '.join(parts), checks=checks,
                            line=r['line'], sample_type=stype, base=bv if base else None))
    return out


def check_text(results):
    lines = ['%s %s: %s: %s\n' % ('PASS' if r['ok'] else 'FAIL', r['file'], r['rule'], r['message'])
             for r in results]
    nfail = sum(not r['ok'] for r in results)
    return ''.join(lines) + '%d passed, %d failed\n' % (len(results) - nfail, nfail)


def check_case(name, rules, base, files):
    res = check_results(rules, base, files)
    V.expect(name, 'out', check_text(res))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '1\n' if any(not r['ok'] for r in res) else '0\n')
    return res


def junit_case(name, rules, base, files):
    res = check_case(name, rules, base, files)
    text = V.golden(name, 'file')
    try:
        root = ET.fromstring(text.encode())
    except ET.ParseError as e:
        V.problems.append('%s.file: not XML: %s' % (name, e))
        return
    nfail = sum(not r['ok'] for r in res)
    suites = root.findall('testsuite')
    want_attr = {'tests': str(len(res)), 'failures': str(nfail), 'errors': '0'}
    if root.tag != 'testsuites' or len(suites) != 1 or \
            any(root.get(k) != v or suites[0].get(k) != v for k, v in want_attr.items()):
        V.problems.append('%s.file: want <testsuites> with one <testsuite> %s' % (name, want_attr))
        return
    cases = suites[0].findall('testcase')
    if len(cases) != len(res):
        V.problems.append('%s.file: %d testcases, want %d' % (name, len(cases), len(res)))
    for tc, r in zip(cases, res):
        fail = tc.find('failure')
        good = tc.get('classname') == r['file'] and tc.get('name') == r['rule']
        if r['ok']:
            good &= fail is None and tc.find('system-out').text == 'PASS ' + r['message']
        else:
            first = next(c[0] for c in r['checks'] if not c[3])
            good &= fail is not None and fail.get('message') == r['message'] and \
                fail.get('type') == first and \
                fail.text == 'FAIL %s: %s: %s' % (r['file'], r['rule'], r['message'])
        if not good:
            V.problems.append('%s.file: testcase %s differs from %r' % (name, ET.tostring(tc), r))


def json_case(name, rules, base, files):
    res = check_results(rules, base, files)
    got = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    nfail = sum(not r['ok'] for r in res)
    head = {'rules_file': rules, 'base': base, 'passed': len(res) - nfail, 'failed': nfail}
    bad = [k for k in head if got.get(k) != head[k]] + \
        (['results'] if len(got.get('results', [])) != len(res) else [])
    for g, r in zip(got.get('results', []), res):
        want = {'file': r['file'], 'rule': r['rule'], 'line': r['line'],
                'status': 'pass' if r['ok'] else 'fail', 'sample_type': r['sample_type'],
                'unit': 'bytes', 'message': r['message']}
        if any(g.get(k) != v for k, v in want.items()) or len(g['checks']) != len(r['checks']):
            bad.append(r['rule'])
            continue
        for gc, (kind, val, lim, ok) in zip(g['checks'], r['checks']):
            close = math.isclose(gc['value'], val, rel_tol=1e-5) and math.isclose(gc['max'], lim, rel_tol=1e-5)
            if gc['limit'] != kind or gc['ok'] != ok or not close or \
                    (kind.startswith('max_growth') and gc.get('base_value') != r['base']):
                bad.append('%s %s' % (r['rule'], kind))
    if bad:
        V.problems.append('%s.out: differs in %s' % (name, bad))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '1\n' if nfail else '0\n')


def node_mark(path, *keys):
    """1-based line:col of the node at rules[0].key (the key node if the
    key is given as ('key', name), else the value)."""
    doc = yaml.compose(open(os.path.join(V.ROOT, path)))
    rule = next(v for k, v in doc.value if k.value == 'rules').value[0]
    if not keys:
        m = rule.start_mark
    else:
        kind, key = keys
        k, v = next((k, v) for k, v in rule.value if k.value == key)
        m = (k if kind == 'key' else v).start_mark
    return '%d:%d' % (m.line + 1, m.column + 1)


def yaml_error_mark(path):
    try:
        yaml.load(open(os.path.join(V.ROOT, path)), Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        return ('%d:%d' % (e.problem_mark.line + 1, e.problem_mark.column + 1),
                '%d:%d' % (e.context_mark.line + 1, e.context_mark.column + 1))
    raise AssertionError('%s parses' % path)


def error_case(name, err):
    V.refused(name, err)


RULE_KEYS = ('name, sample_index, match, files, max_total, max_flat, max_cum, max_growth, '
             'max_growth_percent, max_goroutines, max_goroutines_per_group or max_leak_severity')


def check_errors():
    p = 'testdata/rules/bad/indent.yaml'
    at, ctx = yaml_error_mark(p)
    # libyaml's wording (PyYAML's differs): checked by hand.
    error_case('check-bad-yaml', "heapscope: check: '%s': did not find expected '-' indicator "
               "(while parsing a block collection at line %s) (line %s)\n" % (p, ctx, at))
    p = 'testdata/rules/bad/unknown-key.yaml'
    error_case('check-unknown-key', "heapscope: check: '%s': rule 'heap under 64 MiB': unknown key "
               "'max_totl' (expected %s) (line %s)\n" % (p, RULE_KEYS, node_mark(p, 'key', 'max_totl')))
    p = 'testdata/rules/bad/size.yaml'
    error_case('check-bad-size', "heapscope: check: '%s': rule 'heap under 64 MiB': max_total: "
               "'64 MiBs': unknown unit 'MiBs' (want B, kB, KiB, MB, MiB, GB, GiB, TB, TiB "
               "(all 1024-based); ns, us, ms, s, m, h; or no unit for a count) (line %s)\n"
               % (p, node_mark(p, 'value', 'max_total')))
    p = 'testdata/rules/growth.yaml'
    types = V.parse_raw(V.pprof('-raw', 'testdata/pprof/goroutine.pb.gz'))[0]
    error_case('check-no-sample-type', "heapscope: check: '%s': rule 'heap under 64 MiB' cannot apply "
               "to 'testdata/pprof/goroutine.pb.gz': no sample type 'inuse_space' (it has: %s) (line %s)\n"
               % (p, ', '.join(types), node_mark(p)))
    doc = yaml.compose(open(os.path.join(V.ROOT, p)))
    third = next(v for k, v in doc.value if k.value == 'rules').value[2]
    k, v = next((k, v) for k, v in third.value if k.value == 'max_growth')
    error_case('check-needs-base', "heapscope: check: '%s': rule 'no more than 512 KiB or 10%% growth "
               "against the base': max_growth needs a base profile: give --base FILE (line %d:%d)\n"
               % (p, v.start_mark.line + 1, v.start_mark.column + 1))
    error_case('check-no-rules', "heapscope: check: --rules RULES.yaml is required "
               "(see 'heapscope check --help')\n")
    error_case('growth-one-file', "heapscope: growth: needs at least 2 profiles, oldest to newest "
               "or with times\n")
    error_case('growth-bad-limit', "heapscope: growth: --limit 2s is a duration, but inuse_space "
               "is in bytes\n")


# ---- growth -------------------------------------------------------------------

SPARK = '▁▂▃▄▅▆▇█'


def slope(x, y):
    n = len(x)
    mx = my = 0.0
    for i in range(n):
        mx += x[i]
        my += float(y[i])
    mx /= n
    my /= n
    sxy = sxx = 0.0
    for i in range(n):
        dx = x[i] - mx
        sxy += dx * (float(y[i]) - my)
        sxx += dx * dx
    return sxy / sxx if sxx > 0 else float('nan')


def spark(v):
    lo, hi = min(v), max(v)
    out = ''
    for x in v:
        if hi == lo:
            lev = 0 if hi == 0 else 3
        else:
            lev = llround((x - lo) / (float(hi) - float(lo)) * 7.0)
        out += SPARK[max(0, min(7, lev))]
    return out


def minutes_to(last, s, limit):
    if last >= limit:
        return 0.0
    if not s > 0:
        return float('inf')
    return (float(limit) - float(last)) / s


def minutes_label(m):
    if math.isinf(m):
        return 'never'
    if m <= 0:
        return 'now'
    if m < 1:
        return '~%.0f seconds' % math.ceil(m * 60)
    if m < 120:
        r = round(m)
        return '~%.0f minute%s' % (r, '' if r == 1 else 's')
    if m < 48 * 60:
        return '~%.0f hours' % round(m / 60)
    return '~%.0f days' % round(m / 1440)


def growth_model(files, limit=None, values_of=None):
    """Snapshots in time order and every row, as the growth rule says;
    values_of(file) gives a file's {row name: value} (default: each
    function's flat value)."""
    values_of = values_of or (lambda f: facts(f)['flat'])
    snaps = sorted(((facts(f)['time'], i, f) for i, f in enumerate(files)))
    order = [f for _, _, f in snaps]
    t0 = snaps[0][0]
    x = [(t - t0) / 60e9 for t, _, _ in snaps]
    n = len(order)
    totals = [facts(f)['total'] for f in order]
    names = set()
    for f in order:
        names |= {k for k, v in values_of(f).items() if v}

    def stats(vals):
        s = slope(x, vals)
        steps = list(zip(vals, vals[1:]))
        return dict(values=vals, slope=s, mono=sum(b >= a for a, b in steps) / (n - 1),
                    rising=sum(b > a for a, b in steps) / (n - 1), growth=vals[-1] - vals[0],
                    limit=minutes_to(vals[-1], s, limit) if limit else float('inf'))
    rows = []
    for name in names:
        r = stats([values_of(f).get(name, 0) for f in order])
        r['name'] = name
        r['candidate'] = (n >= 3 and r['slope'] > 0 and r['mono'] >= 0.8 and r['rising'] >= 0.5
                          and r['growth'] > 0.01 * abs(totals[-1]) and r['growth'] >= 1 << 20)
        rows.append(r)
    rows.sort(key=lambda r: (not r['candidate'],
                             -(r['slope'] if not math.isnan(r['slope']) else -math.inf),
                             -r['values'][-1], r['name'].encode()))
    mem = []
    if all('mem' in facts(f) for f in order):
        for k in MEM:
            vals = [facts(f)['mem'][k] for f in order]
            r = stats(vals)
            if k == 'HeapObjects':
                r['limit'] = float('inf')
            r['name'] = k
            r['candidate'] = (n >= 3 and r['slope'] > 0 and r['mono'] >= 0.8 and r['rising'] >= 0.5
                              and r['growth'] > 0.01 * abs(vals[-1]) and
                              r['growth'] >= (1000 if k == 'HeapObjects' else 1 << 20))
            mem.append(r)
    return dict(order=order, times=[t for t, _, _ in snaps], minutes=x, total=stats(totals),
                rows=rows, n=n, mem=mem)


def slope_label(s, unit='bytes'):
    return '-' if math.isnan(s) else label(llround(s), unit, sign=True) + '/min'


def growth_text(files, limit=None, nodecount=20, values_of=None):
    g = growth_model(files, limit, values_of)
    n, tot = g['n'], g['total']
    out = []
    if limit:
        m = tot['limit']
        assert 0 < m < math.inf
        out.append('OOM in %s: the total %s grows %s and reaches the limit %s at that rate'
                   % (minutes_label(m), label(tot['values'][-1]), slope_label(tot['slope']), label(limit)))
    span = label(g['times'][-1] - g['times'][0], 'nanoseconds')
    out.append('Series: %d profiles over %s, inuse_space (flat), %s to %s'
               % (n, span, g['order'][0], g['order'][-1]))
    out.append('Total: %s -> %s (%s), %s, monotonic %.2f %s'
               % (label(tot['values'][0]), label(tot['values'][-1]), label(tot['growth'], sign=True),
                  slope_label(tot['slope']), tot['mono'], spark(tot['values'])))
    out.append('Growth candidates (*): monotonic >= 0.8, rising in >= 50% of the steps, growth > 1% '
               'of the last total and >= 1MB')
    sw = max(n, 5)
    header = '  %16s %12s %5s  %-*s %10s%s  %s' % ('slope', 'growth', 'mono', sw, 'trend', 'last',
                                                   '  limit in   ' if limit else '', 'name')

    def row(r, unit='bytes', limited=True):
        line = '%s %16s %12s %5.2f  %s%*s %10s' % ('*' if r['candidate'] else ' ',
                                                   slope_label(r['slope'], unit),
                                                   label(r['growth'], unit, sign=True), r['mono'],
                                                   spark(r['values']), sw - n, '',
                                                   label(r['values'][-1], unit))
        if limit:
            line += '  %-12s' % (minutes_label(r['limit']) if r['candidate'] and limited else '')
        return line + '  ' + r['name']
    if g['mem']:
        if limit:
            sys_row = g['mem'][MEM.index('Sys')]
            assert 0 < sys_row['limit'] < math.inf
            out.insert(1, 'MemStats Sys (memory from the OS) %s grows %s: reaches %s in %s'
                       % (label(sys_row['values'][-1]), slope_label(sys_row['slope']), label(limit),
                          minutes_label(sys_row['limit'])))
        out.append('MemStats (exact, from the runtime.MemStats trailer of every profile; '
                   'times from its LastGC):')
        out.append(header)
        for r in g['mem']:
            objects = r['name'] == 'HeapObjects'
            out.append(row(r, 'count' if objects else 'bytes', not objects))
        out.append('Functions:')
    rows = g['rows'][:nodecount] if nodecount else g['rows']
    if len(rows) < len(g['rows']):
        out.append('Showing %d of %d rows (--nodecount)' % (len(rows), len(g['rows'])))
    out.append(header)
    for r in rows:
        out.append(row(r))
    return '\n'.join(out) + '\n', g


def growth_case(name, files, limit=None, nodecount=20, candidates=(), values_of=None):
    text, g = growth_text(files, limit, nodecount, values_of)
    V.expect(name, 'out', text)
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')
    got = [r['name'] for r in g['rows'] if r['candidate']]
    if got != list(candidates):
        V.problems.append('%s: the model finds candidates %s, want %s' % (name, got, list(candidates)))
    return g


def close(a, b):
    if b is None or (isinstance(b, float) and (math.isinf(b) or math.isnan(b))):
        return a is None
    return a is not None and math.isclose(a, b, rel_tol=2e-5, abs_tol=1e-12)


def growth_json_case(name, files, limit):
    g = growth_model(files, limit)
    got = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    bad = []
    head = {'sample_type': 'inuse_space', 'unit': 'bytes', 'value': 'flat', 'granularity': 'functions',
            'candidate_rule': {'min_profiles': 3, 'min_monotonic': 0.8, 'min_rising': 0.5,
                               'min_growth_fraction_of_total': 0.01, 'min_growth': 1 << 20},
            'limit': {'value': limit, 'minutes': got.get('limit', {}).get('minutes')}}
    bad += [k for k, v in head.items() if got.get(k) != v]
    if not close(got['limit']['minutes'], g['total']['limit']):
        bad.append('limit.minutes')
    if [p['file'] for p in got['profiles']] != g['order'] or \
            [p['time_nanos'] for p in got['profiles']] != g['times'] or \
            not all(close(p['minutes'], m) for p, m in zip(got['profiles'], g['minutes'])) or \
            any(p['time_from'] != 'profile' for p in got['profiles']):
        bad.append('profiles')
    if got.get('memstats', 'absent') is not None:   # protobuf profiles have no trailer
        bad.append('memstats')

    def same(gr, r, total=False):
        ok = gr['values'] == r['values'] and close(gr['slope_per_min'], r['slope']) and \
            close(gr['monotonic'], r['mono']) and close(gr['rising'], r['rising']) and \
            gr['growth'] == r['growth']
        if not total:
            ok &= gr['name'] == r['name'] and gr['candidate'] == r['candidate']
            ok &= ('minutes_to_limit' in gr) == r['candidate']
        if 'minutes_to_limit' in gr:
            ok &= close(gr['minutes_to_limit'], r['limit'])
        return ok
    if not same(got['total'], g['total'], True):
        bad.append('total')
    if len(got['rows']) != len(g['rows']):
        bad.append('row count %d, want %d' % (len(got['rows']), len(g['rows'])))
    bad += ['row %s' % r['name'] for gr, r in zip(got['rows'], g['rows']) if not same(gr, r)]
    # What the generating program knows: main.leakyCache first, the only
    # candidate, 1000 objects of 1 KiB more at every step.
    first = got['rows'][0]
    counts = json.load(open(os.path.join(V.ROOT, 'testdata', 'pprof', 'growth', 'counts.json')))
    known = [s['sites']['main.leakyCache']['inuse_space'] for s in counts['snapshots']]
    if first['name'] != 'main.leakyCache' or first['values'] != known or not first['candidate'] or \
            sum(r['candidate'] for r in got['rows']) != 1 or \
            any(b - a != 1000 * 1024 for a, b in zip(known, known[1:])):
        bad.append('main.leakyCache is not first with +1000kB a step')
    if bad:
        V.problems.append('%s.out: differs from the model in %s' % (name, bad))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def memstats_vs_counts():
    """The trailers agree with what the program knows: HeapAlloc moves by
    what its sites hold in use, step to step (the leak's 1000 KiB, the
    spike's 4 MiB in and out), give or take 128 KiB of the runtime's own."""
    counts = json.load(open(os.path.join(V.ROOT, 'testdata', 'pprof', 'growth-text', 'counts.json')))
    assert [s['file'] for s in counts['snapshots']] == [os.path.basename(f) for f in TEXT]
    held = [sum(site['inuse_space'] for site in snap['sites'].values()) for snap in counts['snapshots']]
    alloc = [facts(f)['mem']['HeapAlloc'] for f in TEXT]
    for i in range(1, len(TEXT)):
        want, got = held[i] - held[i - 1], alloc[i] - alloc[i - 1]
        if abs(got - want) > 128 << 10:
            V.problems.append('%s: HeapAlloc moved by %d, the program\'s sites by %d'
                              % (TEXT[i], got, want))
    times = [facts(f)['time'] for f in TEXT]
    if times != sorted(times) or len(set(times)) != len(times):
        V.problems.append('growth-text: LastGC does not increase from heap-1 to heap-6')


def growth_text_json_case(name, files):
    """--format json on the text series: times from LastGC, the MemStats rows."""
    g = growth_model(files)
    got = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    bad = []
    if [p['file'] for p in got['profiles']] != g['order'] or \
            [p['time_nanos'] for p in got['profiles']] != g['times'] or \
            any(p['time_from'] != 'memstats_lastgc' for p in got['profiles']):
        bad.append('profiles')
    mem = got.get('memstats') or []
    if [r['name'] for r in mem] != MEM:
        bad.append('memstats names')
    for gr, r in zip(mem, g['mem']):
        if gr['values'] != r['values'] or not close(gr['slope_per_min'], r['slope']) or \
                not close(gr['monotonic'], r['mono']) or not close(gr['rising'], r['rising']) or \
                gr['growth'] != r['growth'] or gr['candidate'] != r['candidate']:
            bad.append('memstats ' + r['name'])
    if bad:
        V.problems.append('%s.out: differs from the model in %s' % (name, bad))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def growth_stacks_json_case(name, files):
    """--stacks: a row per stack, each file's stacks and values from its
    own -raw (folded as verify.py folds it), the leak's stack first."""
    g = growth_model(files, values_of=V.folded_from_raw)
    got = json.loads(V.golden(name, 'out'))
    V.checked.add(name)
    bad = []
    if len(got['rows']) != len(g['rows']):
        bad.append('row count %d, want %d' % (len(got['rows']), len(g['rows'])))
    for gr, r in zip(got['rows'], g['rows']):
        if gr['name'] != r['name'] or gr['values'] != r['values'] or \
                not close(gr['slope_per_min'], r['slope']) or gr['candidate'] != r['candidate']:
            bad.append('row %s' % r['name'])
    if not got['rows'] or not got['rows'][0]['name'].endswith(';main.leakyCache') or \
            sum(r['candidate'] for r in got['rows']) != 1:
        bad.append('the leak\'s stack is not the one candidate, first')
    if bad:
        V.problems.append('%s.out: differs from the model in %s' % (name, bad))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def leaks_heap_case(name, files, values_of=None, shown=None):
    """leaks over a heap series: the growth model's one candidate (the
    site grew by 10% of the last total or more: high), its first and last
    flat, slope and rising share, in growth's units.  values_of as
    growth_model's; shown(file): the name leaks prints for it."""
    g = growth_model(files, values_of=values_of)
    shown = shown or (lambda f: f)
    cands = [r for r in g['rows'] if r['candidate']]
    last_total = facts(g['order'][-1])['total']
    text = '%d leak candidate%s\n' % (len(cands), '' if len(cands) == 1 else 's')
    for r in cands:
        sev = 'high' if r['growth'] >= 0.1 * last_total else 'medium'
        # confidence (leaks.h): never falling, rising in two steps or more
        # over three profiles or more: high; a growth candidate: medium
        v = r['values']
        steady = all(b >= a for a, b in zip(v, v[1:]))
        rises = sum(b > a for a, b in zip(v, v[1:]))
        conf = 'high' if steady and len(v) >= 3 and rises >= 2 else 'medium'
        text += '\n%-6s %s  (heap growth, confidence %s)\n' % (sev, r['name'], conf)
        # the mechanism: retention; no goroutine input, so no goroutine clause
        text += ('   retention: the heap grows %s/min under %s, so a long-lived structure '
                 'keeps what it allocates\n' % (label(llround(r['slope'])), r['name']))
        text += '   - inuse_space %s -> %s over %d heap profiles\n' % (
            label(r['values'][0]), label(r['values'][-1]), len(files))
        text += '   - %s, %.0f%% of steps grew\n' % (slope_label(r['slope']), 100 * r['rising'])
        # the evidence file by file, in time order: the site's bytes of the total
        for f, x in zip(g['order'], v):
            text += '   - %s: %s in use here of %s\n' % (shown(f), label(x), label(facts(f)['total']))
        # the hint's words, checked by hand
        text += ('   hint: in-use bytes allocated here keep growing: objects kept in a map, '
                 'cache or slice that is never pruned\n')
    V.expect(name, 'out', text)
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def heap_twins_cases():
    """growth-heap-twins(-json): each moment's protobuf (time_nanos) and
    text (LastGC, gunzipped here) are less than a second apart, the moments
    more: the series is the protobufs' alone, main.leak as counts.json."""
    d = 'testdata/pprof/heaptwins'
    c = json.load(open(os.path.join(V.ROOT, d, 'counts.json')))
    pbs = ['%s/%s' % (d, m['file']) for m in c['moments']]
    txts = ['%s/%s' % (d, m['text']) for m in c['moments']]
    for pb, txt, m in zip(pbs, txts, c['moments']):
        text = gzip.decompress(open(os.path.join(V.ROOT, txt), 'rb').read()).decode()
        last_gc = int(re.search(r'\n# LastGC = (\d+)\n', text).group(1))
        assert last_gc == m['last_gc'] and abs(time_nanos(pb) - last_gc) < 10**9, 'heap twins: one moment'
    times = [time_nanos(pb) for pb in pbs]
    assert all(b - a >= 10**9 for a, b in zip(times, times[1:])), 'heap twins: moments apart'
    text, g = growth_text(pbs)
    leak = next(r for r in g['rows'] if r['name'] == c['culprit'])
    assert leak['values'] == [m['leak_bytes'] for m in c['moments']] and leak['candidate']
    err = ''.join("heapscope: growth: '%s' and '%s' are one moment (twins): using '%s'\n"
                  % (t, p, p) for t, p in zip(txts, pbs))
    V.expect('growth-heap-twins', 'out', text)
    V.expect('growth-heap-twins', 'err', err)
    V.expect('growth-heap-twins', 'code', '0\n')
    got = json.loads(V.golden('growth-heap-twins-json', 'out'))
    V.checked.add('growth-heap-twins-json')
    rows = {r['name']: r['values'] for r in got['rows']}
    if [p['file'] for p in got['profiles']] != pbs or rows.get(c['culprit']) != leak['values'] or \
            len(got['rows']) != len(g['rows']):
        V.problems.append('growth-heap-twins-json.out: not the protobufs\' series')
    V.expect('growth-heap-twins-json', 'err', err)
    V.expect('growth-heap-twins-json', 'code', '0\n')


def log_cases():
    """growth-log-*: heap.log.gz is growth-text's six profiles appended (its
    bytes checked here); growth reads them as six snapshots named FILE#K,
    so it prints what the verified growth-text cases print, the names
    aside (pprof-exact commands read the file as pprof does: summed)."""
    log = 'testdata/pprof/growth-log/heap.log.gz'
    parts = [open(os.path.join(V.ROOT, f), 'rb').read() for f in TEXT]
    if gzip.decompress(open(os.path.join(V.ROOT, log), 'rb').read()) != b''.join(parts):
        V.problems.append('%s: not growth-text/heap-1..6.txt appended' % log)
    names = ['%s#%d' % (log, k + 1) for k in range(len(TEXT))]
    for case, verified in (('growth-log-names', 'growth-text-names'),):
        assert verified in V.checked, 'check %s first' % verified
        want = V.golden(verified, 'out').replace('%s to %s' % (TEXT[0], TEXT[-1]),
                                                 '%s to %s' % (names[0], names[-1]))
        V.expect(case, 'out', want)
        V.expect(case, 'err', '')
        V.expect(case, 'code', '0\n')
    want = json.loads(V.golden('growth-text-json', 'out'))
    got = json.loads(V.golden('growth-log-json', 'out'))
    V.checked.add('growth-log-json')
    for p, n in zip(want['profiles'], names):
        p['file'] = n
    if {k: v for k, v in got.items() if k != 'inputs'} != \
            {k: v for k, v in want.items() if k != 'inputs'}:
        V.problems.append('growth-log-json.out: not growth-text-json with the parts\' names')
    V.expect('growth-log-json', 'err', '')
    V.expect('growth-log-json', 'code', '0\n')


def leaks_log_cases():
    """leaks-log(-json): heap.log.gz (growth-text's six profiles appended,
    checked by log_cases) read by leaks as six snapshots FILE#K: the text
    of leaks over the six files read by name (# lines), the parts' names
    for the files'; JSON: the candidate's bytes per part as counts.json
    says, the totals (pprof -raw) and times (each part's LastGC), the log
    once in "inputs", timed by its first part."""
    log = 'testdata/pprof/growth-log/heap.log.gz'
    part = {f: '%s#%d' % (log, k + 1) for k, f in enumerate(TEXT)}
    leaks_heap_case('leaks-log', TEXT, values_of=named_flat, shown=part.get)
    name = 'leaks-log-json'
    V.checked.add(name)
    c = json.load(open(os.path.join(V.ROOT, 'testdata/pprof/growth-text/counts.json')))
    site = 'main.leakyCache'
    want = [s['sites'][site]['inuse_space'] for s in c['snapshots']]
    got = json.loads(V.golden(name, 'out'))
    cands = got.get('candidates', [])
    ev = [(e['file'], e['inuse_bytes'], e['total_bytes']) for e in cands[0]['evidence']] if cands else []
    if [x['culprit'] for x in cands] != [site] or \
            ev != [(part[f], w, facts(f)['total']) for f, w in zip(TEXT, want)] or \
            cands[0]['first_bytes'] != want[0] or cands[0]['last_bytes'] != want[-1]:
        V.problems.append('%s.out: candidates %s, want %s with %s per part (counts.json)'
                          % (name, [(x['culprit'], x['evidence']) for x in cands], site, want))
    s = got.get('summary', {})
    times = [facts(f)['time'] for f in TEXT]
    if (s.get('heap_snapshots'), s.get('heap_first_bytes'), s.get('heap_last_bytes'), s.get('heap_span_ns')) != \
            (len(TEXT), facts(TEXT[0])['total'], facts(TEXT[-1])['total'], times[-1] - times[0]):
        V.problems.append('%s.out: summary %s' % (name, s))
    ins = got.get('inputs', [])
    t0 = times[0]
    want_in = [{'path': log, 'kind': 'heap_text', 'time_from': 'lastgc', 'snapshot': 0, 'used': True,
                'why': None}]
    if [{k: v for k, v in e.items() if k != 'time'} for e in ins] != want_in or \
            ins[0]['time'] != '%s.%09dZ' % (time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(t0 // 10**9)),
                                             t0 % 10**9):
        V.problems.append('%s.out: inputs %s, want the log once, timed by its first LastGC %d' % (name, ins, t0))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def leaks_steady_case(name, files):
    """leaks over a steady heap series: no growth candidate in the growth
    model, so the verdict with its numbers: the earliest and latest total
    (pprof -raw), the change in percent and the time between them."""
    g = growth_model(files)
    assert not [r for r in g['rows'] if r['candidate']]
    first, last = g['order'][0], g['order'][-1]
    a, b = facts(first)['total'], facts(last)['total']
    span = facts(last)['time'] - facts(first)['time']
    text = ('0 leak candidates\nNo leak signal.\n   heap in use: %s -> %s (%+.1f%%) over %d '
            'profiles, %s\n' % (label(a), label(b), 100.0 * (b - a) / a, len(files),
                                label(span, 'nanoseconds')))
    V.expect(name, 'out', text)
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def run(v):
    global V
    V = v
    heap_twins_cases()
    cross_check_counts()
    G = 'testdata/rules/growth.yaml'
    check_case('check-steady', G, STEADY[0], STEADY[1:])
    check_case('check-growth', G, GROWTH[0], GROWTH[1:])
    leaks_heap_case('leaks-heap-growth', GROWTH)
    leaks_steady_case('leaks-steady', STEADY)
    leaks_log_cases()
    junit_case('check-growth-junit', G, GROWTH[0], [GROWTH[1], GROWTH[5]])
    # --format junit: stdout holds exactly the XML that verify checked above
    V.checked.add('check-growth-junit-stdout')
    if V.golden('check-growth-junit-stdout', 'out') != V.golden('check-growth-junit', 'file'):
        V.problems.append('check-growth-junit-stdout.out: not the XML of check-growth-junit.file')
    V.expect('check-growth-junit-stdout', 'err', '')
    V.expect('check-growth-junit-stdout', 'code', V.golden('check-growth-junit', 'code'))
    json_case('check-steady-json', G, STEADY[0], [STEADY[2]])
    check_case('check-example', 'testdata/rules/example.yaml', STEADY[0],
               [STEADY[2], 'testdata/pprof/goroutine.pb.gz'])
    check_case('check-goroutines', 'testdata/rules/goroutines.yaml', None, GOROUTINES)
    check_errors()
    growth_case('growth-heap', GROWTH, candidates=['main.leakyCache'])
    shuffled = [GROWTH[i] for i in (3, 0, 5, 1, 4, 2)]
    growth_case('growth-heap-shuffled-limit', shuffled, limit=64 << 20, nodecount=5,
                candidates=['main.leakyCache'])
    growth_case('growth-steady', STEADY)
    growth_json_case('growth-heap-json', GROWTH, 64 << 20)
    memstats_vs_counts()
    growth_case('growth-text-limit', TEXT, limit=64 << 20, nodecount=5, candidates=['<unknown>'])
    # the same read by name (# lines): the leak is named, as counts.json says
    growth_case('growth-text-names', TEXT, limit=64 << 20, nodecount=5, candidates=['main.leakyCache'],
                values_of=named_flat)
    growth_text_json_case('growth-text-json', TEXT)
    log_cases()
    growth_stacks_json_case('growth-stacks-json', GROWTH)
    error_case('growth-stacks-dot', 'heapscope: growth: --stacks has a row per stack: no --cum, '
               'no --format dot\n')
    V.folded_case('growth-folded', GROWTH[5])
