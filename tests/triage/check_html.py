#!/usr/bin/env python3
"""heapscope triage --format html, parsed: the page is well-formed (every
element closed in order by html.parser's events, every inline <svg> an XML
document xml.etree parses), self-contained (a Content-Security-Policy of
default-src 'none', no http(s) URL but the SVG namespace, no src or href
attribute pointing anywhere), its sections and charts are there, and its
flame graphs hold what their sources say:

  - frame names escaped, including <&>" and invalid UTF-8 (each bad byte
    U+FFFD) from testdata/flame/tricky.pb.gz (tests/flame/make_tricky.py);
  - every drawn frame at least 1 px wide (the trim), the trimmed count
    written where the graph says it;
  - ids unique over the page (several graphs in one document);
  - the off-CPU graph of the incident bundle: the wait state as leaf frame
    under the culprit, with the goroutines of testdata/pprof/incidents
    counts.json (the wheel's 2000 in [select]);
  - the differential graph: the growing site (counts.json of the growth
    series) red, not blue;
  - the charts: one point per heap profile and per GC of the log.

usage: check_html.py HEAPSCOPE SOURCE_ROOT"""
import html
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'
VOID = {'meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'area', 'base', 'wbr', 'source'}
SVG_LEAF = True   # inside <svg>, self-closing tags come as startendtag


class Checker(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.ids, self.attrs = [], [], {}, []

    def handle_starttag(self, tag, attrs):
        self.attrs.append((tag, dict(attrs)))
        for k, v in attrs:
            if k == 'id':
                self.ids[v] = self.ids.get(v, 0) + 1
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.attrs.append((tag, dict(attrs)))
        for k, v in attrs:
            if k == 'id':
                self.ids[v] = self.ids.get(v, 0) + 1

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append('</%s> at %s closes %s' % (tag, self.getpos(), self.stack[-1:] or 'nothing'))
            return
        self.stack.pop()


def run(hs, root, args, out):
    p = subprocess.run([hs, 'triage', '--format', 'html', '-o', out] + args, cwd=root,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode


def svgs(page):
    return re.findall(r'<svg\b.*?</svg>', page, re.S)


def frames(svg_root):
    g = [e for e in svg_root.iter(NS + 'g') if (e.get('id') or '').endswith('-frames')][0]
    out = []
    for f in g.findall(NS + 'g'):
        title = f.find(NS + 'title').text
        r = f.find(NS + 'rect')
        out.append(dict(name=re.sub(r' \([^(]*\)$', '', title), title=title, x=float(r.get('x')),
                        y=float(r.get('y')), w=float(r.get('width')), fill=r.get('fill')))
    return g, out


def well_formed(page, where):
    problems = []
    c = Checker()
    c.feed(page)
    c.close()
    problems += ['%s: %s' % (where, p) for p in c.problems]
    if c.stack:
        problems.append('%s: unclosed %s' % (where, c.stack))
    problems += ['%s: id %r used %d times' % (where, i, n) for i, n in c.ids.items() if n > 1]
    for tag, a in c.attrs:
        for k in ('src', 'href', 'xlink:href', 'action'):
            if k in a:
                problems.append('%s: <%s %s=%r> loads something' % (where, tag, k, a[k]))
    urls = set(re.findall(r'https?://[^\s"\'<>)]*', page)) - {'http://www.w3.org/2000/svg'}
    problems += ['%s: URL %s' % (where, u) for u in sorted(urls)]
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    if not m or "default-src 'none'" not in m.group(1):
        problems.append('%s: no Content-Security-Policy default-src \'none\'' % where)
    parsed = []
    for i, s in enumerate(svgs(page)):
        try:
            parsed.append(ET.fromstring(s))
        except ET.ParseError as e:
            problems.append('%s: svg %d does not parse: %s' % (where, i + 1, e))
    return problems, parsed


def flame_roots(parsed):
    return [r for r in parsed if 'flame' in (r.get('class') or '').split()]


def check_trim(root):
    problems = []
    g, fs = frames(root)
    narrow = [f for f in fs if f['w'] < 0.95]
    if narrow:
        problems.append('%s: %d frames narrower than 1 px drawn (%s)' % (root.get('id'), len(narrow), narrow[0]['name']))
    t = [e for e in root.iter(NS + 'text') if (e.get('id') or '').endswith('-trimmed')][0]
    n = int(g.get('data-trimmed'))
    if n and not (t.text or '').replace(',', '').startswith('%d frame' % n):
        problems.append('%s: trimmed count %d not said (%r)' % (root.get('id'), n, t.text))
    return problems


def main():
    hs, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        # 1. a mixed bundle: every section and graph
        mixed = os.path.join(tmp, 'mixed.html')
        code = run(hs, root, ['testdata/pprof/growth', 'testdata/gctrace/leak.log', 'testdata/heapdump/graph.dump.gz',
                              'testdata/pprof/cpu.pb.gz', 'testdata/pprof/incidents'], mixed)
        if code != 1:
            problems.append('mixed bundle: exit %d, want 1 (high findings)' % code)
        page = open(mixed, encoding='utf-8').read()
        p, parsed = well_formed(page, 'mixed')
        problems += p
        for sec in ('verdict', 'findings', 'charts', 'flames', 'inputs', 'timeline', 'growth',
                    'goroutines', 'blocking', 'heapdump', 'chart-heap', 'chart-goroutines', 'chart-gc-1'):
            if 'id="%s"' % sec not in page:
                problems.append('mixed: no section %s' % sec)
        # each finding says in the page what the text report says: a heap
        # dump's retention named by its retainer (triage's one sentence)
        text = subprocess.run([hs, 'triage', 'testdata/heapdump/graph.dump.gz'], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE).stdout.decode()
        said = [ln.strip() for ln in text.splitlines() if ln.startswith('   retention: ')]
        if not said:
            problems.append('graph.dump.gz: no retention sentence in the text report')
        for ln in said:
            if html.escape(ln, quote=False) not in page:
                problems.append('mixed: the page does not say %r' % ln)
        fl = flame_roots(parsed)
        titles = [r.find('.//%stext' % NS).text for r in fl]
        want = ['In-use space, last heap profile', 'Allocated space, last heap profile',
                'Growth: first vs last heap profile (in-use space)', 'CPU',
                'Off-CPU: goroutines by stack and wait state']
        if titles != want:
            problems.append('mixed: flame graphs %r, want %r' % (titles, want))
        for r in fl:
            problems += check_trim(r)
        charts = {r.get('data-points') for r in parsed if r.get('data-points')}
        heap_n = len([f for f in os.listdir(os.path.join(root, 'testdata/pprof/growth')) if f.startswith('heap-')])
        gcs = sum(1 for ln in open(os.path.join(root, 'testdata/gctrace/leak.log')) if ln.startswith('gc '))
        for n in (heap_n, gcs):
            if str(n) not in charts:
                problems.append('mixed: no chart of %d points (have %s)' % (n, sorted(charts)))
        # the differential graph: the growing site of the series red
        c = json.load(open(os.path.join(root, 'testdata/pprof/growth/counts.json')))
        grower = [s['function'] for s in c['site_info'] if s['inuse_space_growth_per_step'] > 0][0]
        if len(fl) >= 3:
            f = [x for x in frames(fl[2])[1] if x['name'] == grower]
            rgb = [int(v) for v in re.findall(r'\d+', f[0]['fill'])] if f else None
            if not rgb or not rgb[0] > rgb[2]:
                problems.append('differential: %s not red: %s' % (grower, f))
        # 2. the incident bundle's off-CPU graph: states as leaves
        inc = os.path.join(tmp, 'inc.html')
        run(hs, root, ['testdata/pprof/incidents'], inc)
        ipage = open(inc, encoding='utf-8').read()
        p, parsed = well_formed(ipage, 'incidents')
        problems += p
        c = json.load(open(os.path.join(root, 'testdata/pprof/incidents/counts.json')))
        off = flame_roots(parsed)
        leaves = {}
        if off:
            fs = frames(off[-1])[1]
            by_y = {}
            for f in fs:
                by_y.setdefault(f['y'], []).append(f)
            # a leaf state frame sits right above (y - 16) a culprit frame it lies within
            for f in fs:
                if f['name'].startswith('['):
                    for below in by_y.get(f['y'] + 16, []):
                        if below['x'] <= f['x'] + 0.05 and f['x'] + f['w'] <= below['x'] + below['w'] + 0.05:
                            m = re.search(r'\(([\d,]+) goroutines', f['title'])
                            leaves.setdefault((below['name'], f['name']), 0)
                            leaves[(below['name'], f['name'])] += int(m.group(1).replace(',', ''))
        # the state above the wait frames: runtime.gopark in a goroutine
        # profile, the culprit itself in a debug=2 dump (whose traceback
        # hides the runtime frames); which one is the last snapshot
        # depends on the dumps' mtimes
        held = sum(n for (below, state), n in leaves.items() if state == '[select]'
                   and below in ('runtime.gopark', c['wheel']['culprit']))
        if held < c['wheel']['dump2']:
            problems.append('off-CPU: [select] leaves above runtime.gopark or %s hold %d goroutines, '
                            'want >= %d (wheel, counts.json); leaves %s'
                            % (c['wheel']['culprit'], held, c['wheel']['dump2'], leaves))
        names = {f['name'] for f in frames(off[-1])[1]} if off else set()
        for culprit in (c['wheel']['culprit'], c['checker']['culprit']):
            if culprit not in names:
                problems.append('off-CPU: no frame %s' % culprit)
        # 3. tricky names: escaped, invalid UTF-8 as U+FFFD, in a well-formed page
        tr = os.path.join(tmp, 'tricky.html')
        run(hs, root, ['testdata/flame/tricky.pb.gz'], tr)
        raw = open(tr, 'rb').read()
        try:
            tpage = raw.decode('utf-8')
        except UnicodeDecodeError as e:
            problems.append('tricky: not UTF-8: %s' % e)
            tpage = raw.decode('utf-8', 'replace')
        p, parsed = well_formed(tpage, 'tricky')
        problems += p
        names = set()
        for r in flame_roots(parsed):
            names |= {f['name'] for f in frames(r)[1]}
        for want in ('main.<&>"quoted"', 'main.bad\ufffd\ufffdname', 'main.caf\u00e9'):
            if want not in names:
                problems.append('tricky: no frame named %r (have %s)' % (want, sorted(names)))
        if '<&>' in tpage.replace('<&>"quoted"', '') or 'main.<&>' in tpage:
            problems.append('tricky: an unescaped <&> in the page')
    for p in problems:
        print('FAIL', p)
    print('%d problems' % len(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
