"""What every test script shares so that nothing passes by checking nothing.

skip(reason): exit status for "cannot run here".  77 (meson: skipped) on a
  developer's machine; 1 when the CI variable is set, since CI installs
  everything and has ../shared beside the clone.
enough(checked, least, what): print the count and whether it reaches the
  minimum; False below it.
corpus_count(corpus, kind, status=None): the minimum for a corpus suite,
  from corpus/MANIFEST.tsv (rows of that kind) or, with status='ok', from
  corpus/expected/STATUS.tsv (files under KIND/ that go tool pprof reads)."""
import os
import sys


def in_ci():
    return bool(os.environ.get('CI'))


def skip(reason):
    if in_ci():
        print('FAIL: %s, and CI is set: nothing may skip in CI' % reason)
        return 1
    print('SKIP: %s' % reason)
    return 77


def enough(checked, least, what):
    ok = checked >= least
    print('%s: %d checked, minimum %d%s' % (what, checked, least, '' if ok else ' -- TOO FEW'))
    return ok


def _rows(path):
    with open(path, encoding='utf-8') as f:
        return [ln.rstrip('\n').split('\t') for ln in f.readlines()[1:] if ln.strip()]


def corpus_count(corpus, kind, status=None):
    if status:
        rows = _rows(os.path.join(corpus, 'expected', 'STATUS.tsv'))
        return sum(1 for r in rows if r[0].startswith(kind + '/') and r[1] == status)
    rows = _rows(os.path.join(corpus, 'MANIFEST.tsv'))
    return sum(1 for r in rows if len(r) > 1 and r[1] == kind)


if __name__ == '__main__':
    print(corpus_count(sys.argv[1], sys.argv[2], *sys.argv[3:]))
