"""Goroutine dumps (runtime/pprof debug=2, or a crash's traceback) read in
Python, for the verify_*.py scripts: the one parser they share.

A dump is blocks separated by blank lines; a goroutine's block starts
`goroutine N [state...]:`, then per frame a call line `pkg.fn(args)` and an
indented `\\tfile:line` line, and may end with `created by pkg.fn` (Go 1.21
and later add ` in goroutine N`) and its file line."""

import re


def goroutines(text, calls_only=False):
    """Per goroutine of the dump text: (state, functions leaf first, created by).

    Functions are the frame lines (not indented) cut at their last '(',
    created by ('' without one) is from a `created by` line, which is not
    a function.  By default a frame line that does not end in ')' (such as
    `...additional frames elided...`) is kept whole and only a last frame
    line gives created by; with calls_only such lines are dropped and the
    first `created by` line counts wherever it is (a log that glues dumps
    together without blank lines)."""
    out = []
    for block in re.split(r'\n\s*\n', text):
        lines = block.strip('\n').split('\n')
        m = re.match(r'goroutine \d+ \[([^,\]]+)', lines[0])
        if not m:
            continue
        frames = [l for l in lines[1:] if l and not l[0].isspace()]
        creators = [l for l in frames if l.startswith('created by ')]
        if calls_only:
            frames = [l for l in frames if l.endswith(')') and not l.startswith('created by ')]
        elif frames and frames[-1].startswith('created by '):
            creators = [frames.pop()]
        else:
            creators = []
        created = creators[0][len('created by '):].split(' in goroutine ')[0] if creators else ''
        out.append((m.group(1), [l[:l.rfind('(')] if l.endswith(')') else l for l in frames], created))
    return out
