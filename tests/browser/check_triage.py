#!/usr/bin/env python3
"""heapscope triage --format html in a browser: headless Chromium opens the
report of a bundle (testdata/pprof/growth, a gctrace log, a heap dump, a
cpu profile and the incident folder) from file://, and a script added to a
copy of it checks, the way a user would see them:

  - each section is laid out (a box of non-zero height), each chart has
    its line, each flame graph was started by the page's script (svg.hs)
    and drew its frames;
  - in every graph: a click on a frame zooms (the frame fills the width:
    the image width less 2 x 10 px, relabelled), Reset Zoom restores it,
    and a search colours the matches and gives their share, which must be
    the matched frames' width over the root's, read from the SVG here;
  - no Content-Security-Policy violation (the page loads nothing), and
    Chromium's net log shows no request but the file (check as the flame
    test's: tests/flame/check_browser.py, whose net log reader this uses);
    a probe <img> proves the CSP blocks a request the page would make, and
    without the CSP the net log sees it (so the check can fail).
It also takes two screenshots (the report's first screen, and a flame
graph alone) into TRIAGE_SCREENSHOTS (default: the build directory's
triage-*.png) for a person to look at.  Skipped (exit 77) without chromium.

usage: check_triage.py HEAPSCOPE SOURCE_ROOT"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'flame'))
import ci_gate  # noqa: E402
import check_browser as fb  # noqa: E402  (run_chromium, page_requests)

BUNDLE = ['testdata/pprof/growth', 'testdata/gctrace/leak.log', 'testdata/heapdump/graph.dump.gz',
          'testdata/pprof/cpu.pb.gz', 'testdata/pprof/incidents']
SECTIONS = ['verdict', 'findings', 'charts', 'flames', 'inputs', 'timeline', 'growth', 'goroutines',
            'blocking', 'heapdump']

DRIVER = '''<script>
var hsViolations = [];
document.addEventListener("securitypolicyviolation", function(e) { hsViolations.push(e.blockedURI + " " + e.violatedDirective); });
window.addEventListener("load", function() { setTimeout(function() {
  var out = {sections: {}, charts: {}, graphs: [], violations: hsViolations,
             ready: document.body.getAttribute("data-flames-ready")};
  SECTIONS.forEach(function(id) { var e = document.getElementById(id);
    out.sections[id] = e ? e.getBoundingClientRect().height : -1; });
  document.querySelectorAll("figure.chart").forEach(function(f) {
    var l = f.querySelector("polyline"); out.charts[f.id] = l ? l.getAttribute("points").trim().split(/ +/).length : 0; });
  document.querySelectorAll("svg.flame").forEach(function(svg) {
    var g = {id: svg.id, started: !!svg.hs, n: 0};
    out.graphs.push(g);
    if (!svg.hs) return;
    var fr = svg.hs.frames, W = svg.viewBox.baseVal.width;
    g.n = fr.length; g.width = W; g.drawn = svg.getBoundingClientRect().height;
    var pick = null;   /* the widest frame that is not the root: the one to zoom */
    fr.forEach(function(f) { if (f.name != "all" && (!pick || f.w > pick.w)) pick = f; });
    if (!pick) return;
    g.zoom_name = pick.name; g.zoom_x0 = pick.x; g.zoom_w0 = pick.w;
    pick.r.dispatchEvent(new MouseEvent("click", {bubbles: true}));
    g.zoom_w = +pick.r.getAttribute("width"); g.zoom_x = +pick.r.getAttribute("x");
    g.zoom_label = pick.t.textContent;
    g.unzoom_shown = !document.getElementById(svg.id + "-unzoom").classList.contains("hide");
    svg.hs.search("^" + pick.name.replace(/[.*+?^${}()|[\\]\\\\]/g, "\\\\$&") + "$");
    g.matched = document.getElementById(svg.id + "-matched").textContent;
    g.fill = pick.r.getAttribute("fill");
    svg.hs.reset();
    document.getElementById(svg.id + "-unzoom").dispatchEvent(new MouseEvent("click", {bubbles: true}));
    g.reset_w = +pick.r.getAttribute("width"); g.reset_x = +pick.r.getAttribute("x");
  });
  document.body.setAttribute("data-result", JSON.stringify(out));
}, 0); });
</script>
'''


def chromium_args(chromium, tmp):
    return [chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', '--no-first-run', '--hide-scrollbars', '--virtual-time-budget=5000',
            '--user-data-dir=' + os.path.join(tmp, 'profile')]


def with_extra(page, extra, path, csp=True):
    if not csp:
        page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', '', page)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(page.replace('</body>', extra + '</body>'))
    return path


def result(dom):
    m = re.search(rb'data-result="([^"]*)"', dom)
    if not m:
        return None
    import html
    return json.loads(html.unescape(m.group(1).decode()))


def check_graph(g, share_of, problems):
    def check(what, ok):
        if not ok:
            problems.append('%s: %s: %s' % (g['id'], what, json.dumps(g)))
    check('started by the page script', g['started'])
    check('frames drawn', g['n'] > 1 and g.get('drawn', 0) > 50)
    if 'zoom_w' not in g:
        return
    check('zoomed frame fills the width', abs(g['zoom_w'] - (g['width'] - 20)) < 0.05 and abs(g['zoom_x'] - 10) < 0.05)
    check('Reset Zoom shown', g['unzoom_shown'])
    check('zoomed frame relabelled', g['zoom_label'] == g['zoom_name'] or g['zoom_label'].endswith('..'))
    want = share_of(g['id'], g['zoom_name'])
    check('search share %.1f%%' % want, g['matched'].startswith('Matched: %s%%' % ('100' if want == 100 else '%.1f' % want)))
    check('search highlight', g['fill'] == 'rgb(230,0,230)')
    check('reset zoom restores the frame', abs(g['reset_w'] - g['zoom_w0']) < 0.05 and abs(g['reset_x'] - g['zoom_x0']) < 0.05)


def shares(page):
    """share_of(graph id, name): the width of the frames named `name` over
    the root's, from the SVG (nested matches counted once, as the search
    counts them)."""
    import xml.etree.ElementTree as ET
    NS = '{http://www.w3.org/2000/svg}'
    graphs = {}
    for s in re.findall(r'<svg\b[^>]*class="flame".*?</svg>', page, re.S):
        root = ET.fromstring(s)
        fs = []
        for g in root.iter(NS + 'g'):
            t, r = g.find(NS + 'title'), g.find(NS + 'rect')
            if t is not None and r is not None:
                fs.append((re.sub(r' \([^(]*\)$', '', t.text), float(r.get('x')), float(r.get('width'))))
        graphs[root.get('id')] = fs

    def share_of(gid, name):
        fs = graphs[gid]
        total = max(w for _, _, w in fs)
        hits = sorted(((x, w) for n, x, w in fs if n == name), key=lambda h: (h[0], -h[1]))
        s, end = 0, -1
        for x, w in hits:
            if x >= end - 0.0001:
                s += w
                end = x + w
        return 100 * s / total
    return share_of


def screenshots(chromium, tmp, page, outdir, problems):
    shots = []
    top = with_extra(page, '', os.path.join(tmp, 'shot.html'))
    flame_only = with_extra(page, '<style>h1,section:not(#flames),.note,.flamebox:not(#fg1-box){display:none}</style>',
                            os.path.join(tmp, 'shot-flame.html'))
    for src, name in ((top, 'triage-report.png'), (flame_only, 'triage-flame.png')):
        png = os.path.join(outdir, name)
        subprocess.run(chromium_args(chromium, tmp) + ['--window-size=1280,1600', '--screenshot=' + png,
                                                       'file://' + src],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
        if not os.path.exists(png) or os.path.getsize(png) < 10000:
            problems.append('no screenshot %s' % png)
        shots.append(png)
    return shots


def main():
    hs, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium:
        return ci_gate.skip('no chromium (CI installs Debian\'s chromium)')
    problems = []
    outdir = os.environ.get('TRIAGE_SCREENSHOTS') or os.path.dirname(os.path.abspath(hs))
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, 'report.html')
        subprocess.run([hs, 'triage', '--format', 'html', '-o', report] + BUNDLE, cwd=root,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        page = open(report, encoding='utf-8').read()
        driver = DRIVER.replace('SECTIONS', json.dumps(SECTIONS))
        test = with_extra(page, driver, os.path.join(tmp, 'test.html'))
        netlog = os.path.join(tmp, 'net.json')
        got = result(fb.run_chromium(chromium, tmp, test, netlog))
        if got is None:
            problems.append('the driver script left no result (did the page\'s script fail?)')
        else:
            for s, h in got['sections'].items():
                if h <= 0:
                    problems.append('section %s not drawn (height %s)' % (s, h))
            for c in ('chart-heap', 'chart-goroutines', 'chart-gc-1'):
                if got['charts'].get(c, 0) < 2:
                    problems.append('chart %s has no line (%s)' % (c, got['charts']))
            if len(got['graphs']) != 5 or got['ready'] != '5':
                problems.append('%d flame graphs started (%s), want 5' % (len(got['graphs']), got['ready']))
            share_of = shares(page)
            for g in got['graphs']:
                check_graph(g, share_of, problems)
            problems += ['CSP violation: %s' % v for v in got['violations']]
        urls = fb.page_requests(netlog)
        if urls is None:
            problems.append('no net log written')
        else:
            problems += ['request left the file: %s' % u for u in sorted(urls)]
        # The checks must be able to fail: a probe image (loopback's discard
        # port: nothing leaves the machine) is blocked by the CSP, and seen
        # in the net log once the CSP is taken out.
        probe = '<img src="http://127.0.0.1:9/probe.png" alt=""/>'
        got = result(fb.run_chromium(chromium, tmp, with_extra(page, probe + driver, os.path.join(tmp, 'p1.html')),
                                     os.path.join(tmp, 'p1.json')))
        if not got or not any('127.0.0.1:9' in v for v in got['violations']):
            problems.append('the CSP did not block the probe: %s' % (got and got['violations']))
        fb.run_chromium(chromium, tmp, with_extra(page, probe, os.path.join(tmp, 'p2.html'), csp=False),
                        os.path.join(tmp, 'p2.json'))
        if 'http://127.0.0.1:9/probe.png' not in (fb.page_requests(os.path.join(tmp, 'p2.json')) or ()):
            problems.append('the net log check missed a request the page made')
        shots = screenshots(chromium, tmp, page, outdir, problems)
    for p in problems:
        print('FAIL', p)
    print('screenshots: %s' % ', '.join(shots))
    print('%d problems' % len(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
