#!/usr/bin/env python3
"""heapscope gctrace on the corpus's GODEBUG=gctrace=1 logs.

usage: check_gctrace.py HEAPSCOPE DIR

For every log in DIR: heapscope reads it (exit 0), counts as many GCs as
the file has lines matching 'gc N @' (grep's count), as many forced ones
as lines ending in '(forced)', as many runs as the GC number restarts,
and the last run's last GC number is the file's last.  Exit 77 when DIR
is absent."""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import ci_gate  # noqa: E402


def main():
    hs, d = sys.argv[1], sys.argv[2]
    if not os.path.isdir(d):
        return ci_gate.skip('no %s' % d)
    fails = checks = lines = 0
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        nums = []
        forced = 0
        for ln in open(path, encoding='utf-8', errors='replace'):
            m = re.search(r'(?:^|[^A-Za-z0-9_])gc (\d+) @', ln)
            if m:
                nums.append(int(m.group(1)))
                forced += ln.rstrip().endswith('(forced)')
        runs = sum(1 for i, n in enumerate(nums) if i == 0 or n != nums[i - 1] + 1)
        p = subprocess.run([hs, 'gctrace', '--format', 'json', path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        checks += 1
        lines += len(nums)
        ok = p.returncode == 0
        if ok:
            j = json.loads(p.stdout)
            ok = (j['gcs'] == len(nums) and len(j['runs']) == runs and
                  sum(r['forced'] for r in j['runs']) == forced and
                  j['runs'][-1]['last_gc'] == nums[-1])
        print('%s %s: %d gc lines, %d runs, %d forced' % ('ok  ' if ok else 'FAIL', name,
                                                          len(nums), runs, forced))
        fails += not ok
    print('%d passed, %d failed, %d gc lines' % (checks - fails, fails, lines))
    corpus = os.path.dirname(os.path.normpath(d))
    ok = ci_gate.enough(checks, ci_gate.corpus_count(corpus, 'gctrace'), 'gctrace logs (MANIFEST.tsv)')
    return 1 if fails or not ok else 0


if __name__ == '__main__':
    sys.exit(main())
