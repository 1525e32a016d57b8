#!/usr/bin/env python3
"""heapscope flame in a browser: headless Chromium opens a graph (plain,
--inverted, and differential with --base), a script
added to a copy of it clicks a frame (zoom), searches, and resets the
zoom, and the DOM it leaves behind is read back; Chromium's net log must
show no request but the file itself.  Skipped (exit 77) without chromium.

Expected values come from the SVG's own frames: the zoomed frame fills
the width (image width less 2 x 10 px), callers stay as faded full-width
bars, frames beside it are hidden, and the search's share is the matched
frame's width over the root's.

usage: check_browser.py HEAPSCOPE SOURCE_ROOT"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402

NS = '{http://www.w3.org/2000/svg}'
PROFILE = 'testdata/pprof/series/heap-4.pb.gz'
BASE = 'testdata/pprof/series/heap-1.pb.gz'     # a differential graph too
ZOOM, BESIDE, CALLER, SEARCH = 'main.growIndex', 'main.fillCache', 'runtime.main', 'main.newEntry'

# Run after the graph's own init(): what a user would do, step by step.
DRIVER = '''<script type="text/ecmascript"><![CDATA[
window.addEventListener("load", function() { setTimeout(function() {
  function f(name) { for (var i = 0; i < orig.length; i++) if (orig[i].name == name) return orig[i]; }
  function state(name) { var g = f(name); return {x: +g.r.getAttribute("x"), w: +g.r.getAttribute("width"),
    cls: g.g.getAttribute("class") || "", fill: g.r.getAttribute("fill"), label: g.t.textContent}; }
  var out = {};
  f("ZOOM").r.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  out.zoomed = state("ZOOM"); out.beside = state("BESIDE"); out.caller = state("CALLER");
  out.unzoom_hidden = document.getElementById("unzoom").classList.contains("hide");
  f("ZOOM").r.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
  out.details = document.getElementById("details").textContent;
  search("^SEARCH$");
  out.matched = document.getElementById("matched").textContent;
  out.searched = state("SEARCH");
  document.getElementById("unzoom").dispatchEvent(new MouseEvent("click", {bubbles: true}));
  out.reset = state("ZOOM"); out.reset_beside = state("BESIDE");
  document.documentElement.setAttribute("data-result", JSON.stringify(out));
}, 0); });
]]></script>
'''


def frames(svg):
    out = {}
    for g in ET.parse(svg).getroot().find('.//%sg[@id="frames"]' % NS).findall(NS + 'g'):
        name = re.sub(r' \([^(]*\)$', '', g.find(NS + 'title').text)
        out[name] = {k: g.find(NS + 'rect').get(k) for k in ('x', 'width', 'fill')}
        out[name]['title'] = g.find(NS + 'title').text
    return out


def page_requests(netlog):
    """The URLs the page asked for (not Chromium's own background calls):
    requests whose network isolation key is the file's origin."""
    try:
        log = json.load(open(netlog))
    except (OSError, ValueError):
        return None
    start = log['constants']['logEventTypes']['URL_REQUEST_START_JOB']
    return {ev['params']['url'] for ev in log.get('events', [])
            if ev['type'] == start and ev.get('params', {}).get('network_isolation_key', '').startswith('file://')
            and not ev['params']['url'].startswith('file://')}


def run_chromium(chromium, tmp, svg, netlog):
    return subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu',
                           '--disable-background-networking', '--disable-component-update',
                           '--disable-sync', '--no-first-run', '--virtual-time-budget=5000',
                           '--user-data-dir=' + os.path.join(tmp, 'profile'),
                           '--log-net-log=' + netlog, '--dump-dom', 'file://' + svg],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=120).stdout


def leaks(chromium, tmp, svg, extra, name):
    """The page requests of svg with `extra` added before </svg>."""
    path = os.path.join(tmp, name)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(open(svg, encoding='utf-8').read().replace('</svg>', extra + '</svg>'))
    netlog = os.path.join(tmp, name + '.net.json')
    dom = run_chromium(chromium, tmp, path, netlog)
    return dom, page_requests(netlog)


def drive(hs, root, chromium, tmp, opts):
    """Open a graph drawn with opts, zoom, search, reset: the problems."""
    problems = []
    svg = os.path.join(tmp, 'graph.svg')
    subprocess.run([hs, 'flame'] + opts + [os.path.join(root, PROFILE), '-o', svg], check=True)
    want = frames(svg)
    driver = DRIVER.replace('BESIDE', BESIDE).replace('CALLER', CALLER)
    driver = driver.replace('ZOOM', ZOOM).replace('SEARCH', re.escape(SEARCH))
    dom, urls = leaks(chromium, tmp, svg, driver, 'test.svg')
    m = re.search(rb'data-result="([^"]*)"', dom)
    if not m:
        return ['the driver script left no result (did the graph\'s script fail?)']
    got = json.loads(m.group(1).decode().replace('&quot;', '"').replace('&amp;', '&'))
    width = float(ET.parse(svg).getroot().get('width'))

    def check(what, ok):
        if not ok:
            problems.append('%s %s: %s' % (' '.join(opts), what, json.dumps(got)))
    check('zoomed frame fills the width', abs(got['zoomed']['w'] - (width - 20)) < 0.05
          and abs(got['zoomed']['x'] - 10) < 0.05)
    check('zoomed frame relabelled', got['zoomed']['label'] == ZOOM)
    check('frame beside the zoomed one hidden', 'hide' in got['beside']['cls'])
    check('caller kept as a faded full-width bar', 'parent' in got['caller']['cls']
          and abs(got['caller']['w'] - (width - 20)) < 0.05)
    check('Reset Zoom shown', got['unzoom_hidden'] is False)
    check('details line shows the tooltip', got['details'] == want[ZOOM]['title'])
    share = 100 * float(want[SEARCH]['width']) / float(want['all']['width'])
    check('search share', got['matched'].startswith('Matched: %.1f%%' % share))
    check('search highlight', got['searched']['fill'] == 'rgb(230,0,230)')
    check('reset zoom restores x and width', abs(got['reset']['x'] - float(want[ZOOM]['x'])) < 0.05
          and abs(got['reset']['w'] - float(want[ZOOM]['width'])) < 0.05
          and 'hide' not in got['reset_beside']['cls'])
    if urls is None:
        problems.append('no net log written')
    else:
        problems += ['request left the file: %s' % u for u in sorted(urls)]
    return problems


def main():
    hs, root = sys.argv[1], sys.argv[2]
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    if not chromium:
        return ci_gate.skip('no chromium (CI installs Debian\'s chromium)')
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for opts in ([], ['--inverted'], ['--base', os.path.join(root, BASE)]):
            problems += drive(hs, root, chromium, tmp, opts)
        # The net log check must see a request when there is one.
        # (loopback's discard port: nothing leaves the machine)
        probe = '<image href="http://127.0.0.1:9/probe.png" width="1" height="1"/>'
        if 'http://127.0.0.1:9/probe.png' not in (leaks(chromium, tmp, os.path.join(tmp, 'graph.svg'),
                                                            probe, 'probe.svg')[1] or ()):
            problems.append('the net log check missed a request the page made')
    for p in problems:
        print('FAIL', p)
    print('browser: zoom, details, search, reset zoom in 3 graphs checked; %d problems' % len(problems))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
