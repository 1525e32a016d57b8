#!/usr/bin/env python3
"""Mutation testing: does the suite fail when the code breaks?

usage: tests/mutate.py [--only ID,...] [--tests-from REV] [--report FILE]
                       [--full] [--check]

Each mutation is (id, file, exact original snippet, replacement): the
snippet must occur exactly once in the file (--check verifies that and
stops), so the list stays stable while the code around it moves.

The worktree itself is never mutated: the tracked files (as they are in the
worktree, uncommitted edits included) are copied into build-mut/src, with
build-mut/shared -> the corpus beside it (the tests look for ../shared),
and built there without sanitizers (build-mut/src/build).  For each
mutation: apply it to the copy, rebuild (ninja, incremental), run
`meson test` with the suites below, record killed (which tests failed) or
survived (or "no build": the mutant does not compile, counted apart),
restore the file.

--tests-from REV takes tests/ from git revision REV instead of the worktree
(the "before" figure: the same mutations against an older suite).

Slow suites left out unless --full (each re-runs go tool pprof or walks the
whole corpus for a minute and covers the loaders and report code that the
faster conformance suites run as well): conformance-diff, conformance-corpus,
dot-corpus, conformance-live, conformance-trace-v2, merge-pprof, trace-live;
and golden-verify, which checks the golden files against go tool pprof and
never runs heapscope, so no mutation of src/ can change its result.

Writes tests/mutation-report.md (or --report FILE).  Not part of meson test."""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SLOW = ['conformance-diff', 'conformance-corpus', 'dot-corpus', 'conformance-live',
        'conformance-trace-v2', 'merge-pprof', 'trace-live', 'golden-verify']

# (id, file, original, replacement, what it breaks)
MUTATIONS = [
    # --- the six of issue 17 ---------------------------------------------
    ('gor-line-key', 'src/core/goroutines.c',
     '!hs_gkey_add(&g->key, file, strlen(file)) || !hs_gkey_add(&g->key, num, (size_t)nn))',
     '!hs_gkey_add(&g->key, file, strlen(file)))',
     'line number left out of the goroutine group key'),
    ('gor-state-key', 'src/core/goroutines.c',
     'if (!hs_gkey_add(&g->key, si->state, strlen(si->state)) ||\n',
     'if (!hs_gkey_add(&g->key, "", 0) ||\n',
     'state left out of the goroutine group key'),
    ('leak-growth-raise', 'src/core/leaks.c',
     'if (grows && *sev != HS_SEV_HIGH)',
     'if (0 && grows && *sev != HS_SEV_HIGH)',
     'growth no longer raises a blocked group\'s severity'),
    ('leak-wait-ge', 'src/core/leaks.c',
     'g->wait >= l->o.min_wait_minutes', 'g->wait > l->o.min_wait_minutes',
     'wait-minutes threshold >= -> >'),
    ('gc-leak-ratio', 'src/core/gctrace.c',
     'tail >= 1.5 * head', 'tail >= 1.0 * head', 'gctrace leak ratio 1.5 -> 1.0'),
    ('leak-medium-ge', 'src/core/leaks.c',
     'else if (g->max >= l->o.min_medium)', 'else if (g->max > l->o.min_medium)',
     'medium threshold >= -> >'),
    # --- leaks --------------------------------------------------------------
    ('leak-high-ge', 'src/core/leaks.c',
     'if (g->max >= l->o.min_high)\n', 'if (g->max > l->o.min_high)\n',
     'high threshold >= -> >'),
    ('leak-default-high', 'src/core/leaks.c', 'o->min_high = 100;', 'o->min_high = 101;',
     'default min_high 100 -> 101'),
    ('leak-default-medium', 'src/core/leaks.c', 'o->min_medium = 10;', 'o->min_medium = 9;',
     'default min_medium 10 -> 9'),
    ('leak-default-wait', 'src/core/leaks.c', 'o->min_wait_minutes = 10;',
     'o->min_wait_minutes = 11;', 'default min_wait_minutes 10 -> 11'),
    ('leak-grows-by', 'src/core/leaks.c', 's[ns - 1] - s[0] >= l->o.min_medium',
     's[ns - 1] - s[0] > l->o.min_medium', 'growth by min_medium: >= -> >'),
    ('leak-grows-mono', 'src/core/leaks.c', 'grows = s[k] >= s[k - 1];',
     'grows = s[k] + 1 >= s[k - 1];', 'a dip of one no longer stops growth'),
    ('leak-pileup-ge', 'src/core/leaks.c',
     'if (g->max >= l->o.min_high && g->kind != HS_WAIT_NETWORK)',
     'if (g->max > l->o.min_high && g->kind != HS_WAIT_NETWORK)',
     'pile-up threshold >= -> >'),
    ('leak-pileup-network', 'src/core/leaks.c',
     'if (g->max >= l->o.min_high && g->kind != HS_WAIT_NETWORK)',
     'if (g->max >= l->o.min_high)', 'network waits become pile-ups'),
    ('leak-benign-select', 'src/core/leaks.c',
     'return g->kind == HS_WAIT_SELECT && g->max < l->o.min_medium;',
     'return g->kind == HS_WAIT_SELECT && g->max <= l->o.min_medium;',
     'benign select below min_medium: < -> <='),
    ('leak-benign-main', 'src/core/leaks.c',
     'if (strcmp(g->culprit, "main.main") == 0 && g->kind == HS_WAIT_SELECT)',
     'if (strcmp(g->culprit, "main.main") == 0 && g->kind == HS_WAIT_NONE)',
     'select {} in main.main no longer benign'),
    ('leak-chan-cond', 'src/core/leaks.c', 'k == HS_WAIT_NIL_CHAN || k == HS_WAIT_COND;',
     'k == HS_WAIT_NIL_CHAN;', 'cond waits no longer channel-like'),
    ('leak-created-sum', 'src/core/leaks.c', 'if (seen || covered || sum < l->o.min_high)',
     'if (seen || covered || sum <= l->o.min_high)', 'created-by site threshold < -> <='),
    ('leak-created-covered', 'src/core/leaks.c', 'covered |= h->named;', '(void)0;',
     'created-by site repeats a named group'),
    ('leak-heap-high', 'src/core/leaks.c', '(double)r->growth >= 0.1 * (double)totals[n - 1]',
     '(double)r->growth >= 0.2 * (double)totals[n - 1]', 'heap growth high at 10% -> 20%'),
    ('leak-retainer-share', 'src/core/leaks.c', 'share < 10 || share - first < 2',
     'share < 5 || share - first < 2', 'growing retainer ends at 10% -> 5%'),
    ('leak-retainer-rise', 'src/core/leaks.c', 'last - first >= 10 ? HS_SEV_HIGH',
     'last - first >= 20 ? HS_SEV_HIGH', 'growing retainer high at 10 points -> 20'),
    ('leak-rank', 'src/core/leaks.c', 'return a->weight > b->weight ? -1 : 1;',
     'return a->weight < b->weight ? -1 : 1;', 'leaks ranked by weight reversed'),
    # --- blocking -----------------------------------------------------------
    ('blk-max-snapshot', 'src/core/blocking.c', 'if (c > best)\n\t\t\t\tbest = c;',
     'best = c;', 'a hotspot takes its last snapshot instead of the most in one'),
    ('blk-runtime-only', 'src/core/blocking.c',
     'if (wi.kind == HS_WAIT_NONE || wi.runtime_only)', 'if (wi.kind == HS_WAIT_NONE)',
     'runtime-only goroutines become hotspots'),
    ('blk-rank', 'src/core/blocking.c', 'return a->goroutines > b->goroutines ? -1 : 1;',
     'return a->goroutines < b->goroutines ? -1 : 1;', 'hotspots ranked reversed'),
    ('blk-wait-max', 'src/core/blocking.c', 'if (r[i].wait > wait)', 'if (r[i].wait < wait)',
     'longest wait becomes the shortest'),
    ('blk-rank-delay', 'src/core/blocking.c', 'return a->delay_ns > b->delay_ns ? -1 : 1;',
     'return a->delay_ns < b->delay_ns ? -1 : 1;', 'contention ranked by delay reversed'),
    ('blk-lock-sides', 'src/core/blocking.c',
     'hs_lock_side side = wi.releasing ? HS_SIDE_HOLDING : HS_SIDE_WAITING;',
     'hs_lock_side side = HS_SIDE_WAITING;', 'waiting and holding summed into one hotspot'),
    ('leak-twins', 'src/core/leaks.c',
     'if (f[i].twin != UINT32_MAX || !twins(&f[i], &f[j]))',
     'if (1 || !twins(&f[i], &f[j]))', 'twins (debug=1 and debug=2 of one moment) count twice'),
    ('leak-time-order', 'src/core/leaks.c',
     'k[nk++] = (skey){timed ? f[sn->fi].moment : 0, timed ? sn->file : "", sn->fi,',
     'k[nk++] = (skey){0, "", sn->fi,', 'goroutine snapshots in argument order, not time order'),
    ('blk-time-order', 'src/core/blocking.c', 'bool timed = hs_moments_order(b->seen);',
     'bool timed = false;', 'blocking evidence in argument order, not time order'),
    # --- goroutines ---------------------------------------------------------
    ('gor-created-key', 'src/core/goroutines.c',
     '!hs_gkey_add(&g->key, si->created_loc, strlen(si->created_loc)))\n\t\treturn NULL;',
     '!hs_gkey_add(&g->key, "", 0))\n\t\treturn NULL;',
     'creation line left out of the fine key'),
    ('gor-rank', 'src/core/goroutines.c', 'return a->count > b->count ? -1 : 1;',
     'return a->count < b->count ? -1 : 1;', 'groups smallest first'),
    ('gor-median', 'src/core/goroutines.c', 'int64_t half = gp->count / 2 + gp->count % 2, seen = 0;',
     'int64_t half = gp->count / 2, seen = 0;', 'lower median off by one'),
    ('gor-top-frame', 'src/core/goroutines.c', 'strncmp(dot, ".runtime_", 9) == 0',
     'strncmp(dot, ".runtime_", 9) == 1', 'sync.runtime_* counted as a top frame'),
    ('gor-rep', 'src/core/goroutines.c', 'if (!gp->rep || f->count > gp->rep->count ||',
     'if (!gp->rep || f->count < gp->rep->count ||', 'representative is the smallest fine group'),
    # --- growth -------------------------------------------------------------
    ('gro-monotonic', 'src/core/growth.c', 'r->monotonic >= HS_GROWTH_MIN_MONOTONIC',
     'r->monotonic > HS_GROWTH_MIN_MONOTONIC', 'monotonic >= 0.8 -> > 0.8'),
    ('gro-fraction', 'src/core/growth.c',
     '(double)r->growth > HS_GROWTH_MIN_FRACTION * (double)hs_abs(total)',
     '(double)r->growth >= HS_GROWTH_MIN_FRACTION * (double)hs_abs(total)',
     'growth > 1% -> >= 1%'),
    ('gro-min-growth', 'src/core/growth.c', 'r->growth >= min_growth && r->growth > 0',
     'r->growth > min_growth && r->growth > 0', 'min_growth >= -> >'),
    ('gro-monotonic-step', 'src/core/growth.c', 'up += v[i] >= v[i - 1];',
     'up += v[i] > v[i - 1];', 'flat steps no longer monotonic'),
    ('gro-limit-reached', 'src/core/growth.c', 'if (last >= limit)\n\t\treturn 0;',
     'if (last > limit)\n\t\treturn 0;', 'limit reached >= -> >'),
    ('gro-snapshots', 'src/core/growth.c', 'return g->nsnap >= HS_GROWTH_MIN_SNAPSHOTS &&',
     'return g->nsnap >= 2 &&', 'two snapshots make a trend'),
    # --- gctrace ------------------------------------------------------------
    ('gc-leak-4mb', 'src/core/gctrace.c', 'tail - head >= 4.0 * (1 << 20)',
     'tail - head >= 1.0 * (1 << 20)', 'leak suspect needs 4 MB -> 1 MB'),
    ('gc-thrash-ge', 'src/core/gctrace.c', 'r->cpu_percent >= HS_GC_THRASH_PERCENT',
     'r->cpu_percent > HS_GC_THRASH_PERCENT', 'GC thrash at 25% >= -> >'),
    ('gc-pause-ge', 'src/core/gctrace.c', 'r->stw_max_ms >= HS_GC_LONG_PAUSE_MS',
     'r->stw_max_ms > HS_GC_LONG_PAUSE_MS', 'long pause at 100 ms >= -> >'),
    ('gc-min-gcs', 'src/core/gctrace.c', 'n >= HS_GC_LEAK_MIN_GCS', 'n >= 2',
     'leak suspect from 2 GCs'),
    ('gc-quarter', 'src/core/gctrace.c', 'size_t q = n / 4 ? n / 4 : 1;',
     'size_t q = n / 2 ? n / 2 : 1;', 'head and tail are halves, not quarters'),
    ('gc-forced', 'src/core/gctrace.c', 'r->forced += g->forced;', '(void)0;',
     'forced GCs not counted'),
    ('gc-mb', 'src/formats/gctrace.c', '*bytes = (int64_t)(v << 20);',
     '*bytes = (int64_t)(v * 1000000);', 'MB read as 10^6 bytes'),
    ('gc-forced-parse', 'src/formats/gctrace.c', 'if (lit(c, " (forced)"))\n\t\tg->forced = true;',
     'if (lit(c, " (forced)"))\n\t\tg->forced = false;', '(forced) not recorded'),
    # --- other core ---------------------------------------------------------
    ('diff-normalize', 'src/core/diff.c', 'norm[i] = n == 0 ? 0.0 : (double)b / (double)n;',
     'norm[i] = n == 0 ? 0.0 : (double)n / (double)b;', '-normalize ratio inverted'),
    ('report-trim-edges', 'src/core/report.c', 'abs64(e[i].weight) < cutoff',
     'abs64(e[i].weight) <= cutoff', 'edge cutoff < -> <='),
    ('units-auto', 'src/core/units.c', 'v / ut->units[i].factor >= 1.0', 'v / ut->units[i].factor > 1.0',
     'auto unit at exactly 1 of the next unit'),
    ('units-kb', 'src/core/units.c', '{"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},',
     '{"kB", {"kb", "kbyte", "kilobyte"}, 1000.0},', 'kB is 1000 bytes'),
    # --- formats ------------------------------------------------------------
    ('gtext-bom', 'src/formats/goroutine_text.c',
     'size_t i = n >= 3 && memcmp(d, "\\xef\\xbb\\xbf", 3) == 0 ? 3 : 0;', 'size_t i = 0;',
     'a UTF-8 BOM before a dump is not skipped'),
    ('pprof-field', 'src/formats/pprof.c', 'if (t >> 3 > 0x1fffffff || *field == 0)',
     'if (t >> 3 > 0x1fffffff)', 'field number 0 accepted'),
    ('legacy-overflow', 'src/formats/legacy_text.c', 'if (v + (uint64_t)d < v)', 'if (0)',
     'integer overflow in legacy text unchecked'),
    ('legacy-sign', 'src/formats/legacy_text.c', "if (n >= 1 && (s[0] == '-' || s[0] == '+')) {",
     "if (n >= 1 && (s[0] == '+')) {", 'negative numbers in legacy text'),
    # --- own-code culprits (issue 13 part 2) --------------------------------
    ('own-group-culprit', 'src/core/leaks.c',
     'g->shown = own ? own : g->culprit;', 'g->shown = g->culprit;',
     'goroutine groups named by the user frame, not the own frame'),
    ('own-heap-leaf', 'src/core/leaks.c',
     'h->name = own ? own : hs_stacks_at(&l->stacks, h->stack)->funcs[0];',
     'h->name = hs_stacks_at(&l->stacks, h->stack)->funcs[0];',
     'heap growth at the leaf (flat), not summed at the own frame'),
    ('own-heap-heaviest', 'src/core/leaks.c',
     'if ((!best || h->value > best->value) && strcmp(h->name, name) == 0)',
     'if ((!best || h->value < best->value) && strcmp(h->name, name) == 0)',
     'heap growth chain from the lightest stack, not the heaviest'),
    ('own-chain-none', 'src/core/stacks.c',
     '*chain = (hs_chain){funcs + end, st->inl + end, c - end + 1};',
     '*chain = (hs_chain){funcs + c, st->inl + c, 1};',
     'the chain below the culprit dropped'),
    ('own-hotspot-culprit', 'src/core/blocking.c',
     'if (own)\n\t\t\th->culprit = own;', 'if (0)\n\t\t\th->culprit = own;',
     'hotspots named by the user frame, not the own frame'),
    ('own-option-blocking', 'src/cmd/blocking.c',
     'if (own && hs_blocking_set_own(b, own, &e) != HS_OK)',
     'if (0 && own && hs_blocking_set_own(b, own, &e) != HS_OK)',
     'blocking --own ignored'),
]


def sh(args, cwd, log=None, timeout=None):
    p = subprocess.run(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    if log:
        with open(log, 'ab') as f:
            f.write(p.stdout)
    return p.returncode, p.stdout.decode('utf-8', 'replace')


def check(root):
    bad = 0
    ids = set()
    for mid, path, old, new, _ in MUTATIONS:
        if mid in ids:
            print('duplicate id', mid)
            bad += 1
        ids.add(mid)
        text = open(os.path.join(root, path), encoding='utf-8').read()
        n = text.count(old)
        if n != 1:
            print('%s: %s: snippet found %d times' % (mid, path, n))
            bad += 1
    return bad


def copy_tree(dst, tests_from):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    files = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, stdout=subprocess.PIPE,
                           check=True).stdout.decode().split('\0')
    for f in filter(None, files):
        src = os.path.join(ROOT, f)
        if not os.path.isfile(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, f)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, f))
    if tests_from:
        shutil.rmtree(os.path.join(dst, 'tests'))
        arch = subprocess.run(['git', 'archive', tests_from, 'tests'], cwd=ROOT,
                              stdout=subprocess.PIPE, check=True).stdout
        subprocess.run(['tar', '-x', '-C', dst], input=arch, check=True)


def failed_tests(build):
    """Names of the tests meson's last run did not pass."""
    names = []
    try:
        with open(os.path.join(build, 'meson-logs', 'testlog.json')) as f:
            for ln in f:
                r = json.loads(ln)
                if r.get('result') not in ('OK', 'EXPECTEDFAIL'):
                    names.append('%s (%s)' % (r['name'], r['result']))
    except OSError:
        pass
    return names


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--only')
    ap.add_argument('--tests-from')
    ap.add_argument('--report', default=os.path.join(ROOT, 'tests', 'mutation-report.md'))
    ap.add_argument('--full', action='store_true')
    ap.add_argument('--check', action='store_true')
    a = ap.parse_args()
    if check(ROOT):
        return 2
    if a.check:
        print('%d mutations, every snippet found once' % len(MUTATIONS))
        return 0
    work = os.path.join(ROOT, 'build-mut')
    src = os.path.join(work, 'src')
    os.makedirs(work, exist_ok=True)
    shared = os.path.join(work, 'shared')
    if not os.path.lexists(shared):
        os.symlink(os.path.abspath(os.path.join(ROOT, '..', 'shared')), shared)
    copy_tree(src, a.tests_from)
    build = os.path.join(src, 'build')
    log = os.path.join(work, 'log.txt')
    open(log, 'w').close()
    rc, out = sh(['meson', 'setup', build], src, log)
    if rc:
        print(out)
        return 1
    rc, out = sh(['meson', 'compile', '-C', build], src, log)
    if rc:
        print(out)
        return 1
    excl = [] if a.full else SLOW
    # meson 1.0 has no --exclude: list the tests to run instead.
    rc, out = sh(['meson', 'test', '-C', build, '--list'], src)
    names = [ln.split(' / ')[-1].strip() for ln in out.splitlines() if ' / ' in ln]
    run = [n for n in names if n not in excl]
    t0 = time.time()
    rc, out = sh(['meson', 'test', '-C', build, '--num-processes', '2'] + run, src, log)
    base = failed_tests(build)
    if rc or base:
        print('the unmutated tree fails: %s' % ', '.join(base))
        return 1
    print('baseline: %d tests pass in %.0f s' % (len(run), time.time() - t0))
    only = set(a.only.split(',')) if a.only else None
    rows = []
    for mid, path, old, new, what in MUTATIONS:
        if only and mid not in only:
            continue
        fp = os.path.join(src, path)
        orig = open(fp, encoding='utf-8').read()
        with open(fp, 'w', encoding='utf-8') as f:
            f.write(orig.replace(old, new, 1))
        try:
            rc, out = sh(['meson', 'compile', '-C', build], src, log)
            if rc:
                status, by = 'no build', ''
            else:
                sh(['meson', 'test', '-C', build, '--num-processes', '2'] + run, src, log,
                   timeout=1800)
                fails = failed_tests(build)
                status = 'killed' if fails else 'survived'
                by = ', '.join(fails)
        finally:
            with open(fp, 'w', encoding='utf-8') as f:
                f.write(orig)
            os.utime(fp)
        print('%-22s %-8s %s' % (mid, status, by), flush=True)
        rows.append((mid, path, what, status, by))
    sh(['meson', 'compile', '-C', build], src, log)
    counted = [r for r in rows if r[3] != 'no build']
    surv = [r for r in rows if r[3] == 'survived']
    with open(a.report, 'w', encoding='utf-8') as f:
        f.write('# Mutation report\n\n')
        f.write('Made by `tests/mutate.py%s`%s.  %d mutations, %d built, %d killed, '
                '%d survived (%.1f%%).\n\n'
                % (' --tests-from ' + a.tests_from if a.tests_from else '',
                   '' if a.full else ' without the slow suites (' + ', '.join(SLOW) + ')',
                   len(rows), len(counted), len(counted) - len(surv), len(surv),
                   100.0 * len(surv) / max(1, len(counted))))
        f.write('| id | file | mutation | result | failed tests |\n|---|---|---|---|---|\n')
        for mid, path, what, status, by in rows:
            f.write('| %s | %s | %s | %s | %s |\n' % (mid, path, what, status, by))
    print('%d mutations: %d killed, %d survived, %d did not build'
          % (len(rows), len(counted) - len(surv), len(surv), len(rows) - len(counted)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
