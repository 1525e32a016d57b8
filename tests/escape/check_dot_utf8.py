#!/usr/bin/env python3
"""DOT (and JSON) output stays valid UTF-8 when frame names are not.

usage: check_dot_utf8.py HEAPSCOPE SOURCE_ROOT

The inputs, next to this script, are two goroutine dumps (a series for
`growth`) whose frame names carry invalid UTF-8:

  main.bad\\xffname        0xff never starts a UTF-8 sequence
  main.w\\xc3\\xa9ird\\xe2\\x80  a valid e-acute, then a 3-byte sequence cut
                          after 2 bytes

Each invalid byte must come out as one U+FFFD (the rule of src/output/
escape.c), so the names are drawn as "main.bad\\ufffdname" and
"main.w\\u00e9ird\\ufffd\\ufffd".  `growth --format dot` and `goroutines
--format dot` used to copy the bytes through, which Graphviz rejects
("Invalid UTF-8 ... treated as Latin-1"); `dot` already did it right.
`--format json` follows the same rule (it used to write the bytes raw,
which is not JSON).  When Graphviz is installed, `dot -Tsvg` must also read each file without a
word on stderr.
"""
import os
import shutil
import subprocess
import sys

BAD = 'main.bad\ufffdname'
CUT = 'main.w\u00e9ird\ufffd\ufffd'


def main():
    heapscope, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    d = os.path.join('tests', 'escape')
    s1, s2 = os.path.join(d, 'goroutine-invalid-utf8-1.txt'), os.path.join(d, 'goroutine-invalid-utf8-2.txt')
    cases = [
        (['goroutines', '--format', 'dot', s2], ['F2 [label="%s"]' % BAD, 'F3 [label="%s"]' % CUT]),
        (['growth', '--interval', '1m', '--format', 'dot', s1, s2],
         ['N1 [label="%s\\n+2/min\\nflat 3"' % BAD, 'tooltip="%s (0/min)"' % CUT]),
        (['dot', s2], ['tooltip="main.main -> %s (3)"' % BAD]),
        # JSON (RFC 8259) must be UTF-8 too: the same rule, one escaper.
        (['goroutines', '--format', 'json', s2], ['"stack":["%s","main.main"]' % BAD, '["%s"]' % CUT]),
    ]
    graphviz = shutil.which('dot')
    failed = 0
    for args, wants in cases:
        name = ' '.join(a for a in args if not a.startswith('tests/'))
        p = subprocess.run([heapscope] + args, cwd=root, capture_output=True)
        problems = []
        if p.returncode != 0:
            problems.append('exit %d: %s' % (p.returncode, p.stderr.decode(errors='replace')))
        try:
            text = p.stdout.decode('utf-8')
        except UnicodeDecodeError as e:
            problems.append('not UTF-8: %s' % e)
            text = ''
        problems += ['missing %r' % w for w in wants if w not in text]
        if graphviz and not problems and 'json' not in args:
            g = subprocess.run([graphviz, '-Tsvg'], input=p.stdout, capture_output=True)
            if g.returncode != 0 or g.stderr:
                problems.append('dot -Tsvg: exit %d: %s' % (g.returncode, g.stderr.decode(errors='replace')))
        print('%s %s' % ('FAIL' if problems else 'ok', name))
        for pr in problems:
            print('    ' + pr)
        failed += bool(problems)
    print('%d passed, %d failed%s' % (len(cases) - failed, failed, '' if graphviz else ' (no Graphviz)'))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
