#!/usr/bin/env python3
"""Docs move with the code: every command and option the binary knows is
in README.md, man/heapscope.1 and `heapscope help CMD`, and the shell
completions ask the binary (so they cover everything by construction).

usage: check_docs.py HEAPSCOPE SOURCE_ROOT

Commands come from `heapscope __complete`, a command's options from
`heapscope __complete CMD`: the lists the completions offer."""
import os
import re
import subprocess
import sys


def lines(args):
    out = subprocess.run(args, stdout=subprocess.PIPE, check=True).stdout.decode()
    return [ln for ln in out.split('\n') if ln]


def main():
    hs, root = sys.argv[1], sys.argv[2]
    readme = open(os.path.join(root, 'README.md'), encoding='utf-8').read()
    man = open(os.path.join(root, 'man', 'heapscope.1'), encoding='utf-8').read()
    # roff: \- is a minus; \f[BIRP] switch fonts.  Plain text to search.
    man_text = re.sub(r'\\f[BIRP]', '', man).replace('\\-', '-')
    problems = []
    commands = lines([hs, '__complete'])
    if len(commands) < 10:
        problems.append('__complete lists only %d commands' % len(commands))
    for cmd in commands:
        helptext = '\n'.join(lines([hs, 'help', cmd]))
        if not re.search(r'^\.TP\n\.BI? "?%s\b' % re.escape(cmd), man, re.M):
            problems.append('man page: no entry (.TP) for command %s under COMMANDS' % cmd)
        if '`%s ' % cmd not in readme and '`%s`' % cmd not in readme:
            problems.append('README.md: command %s is not named' % cmd)
        for opt in lines([hs, '__complete', cmd]):
            if opt == '-o':
                continue
            if not re.search(r'(^|[\s,(])%s\b' % re.escape(opt), helptext, re.M):
                problems.append('heapscope help %s: option %s is not listed' % (cmd, opt))
            if opt not in man_text:
                problems.append('man page: option %s (of %s) is missing' % (opt, cmd))
            if opt not in readme:
                problems.append('README.md: option %s (of %s) is missing' % (opt, cmd))
    for shell in ('bash', 'zsh', 'fish'):
        path = os.path.join(root, 'completions', 'heapscope.' + shell)
        text = open(path, encoding='utf-8').read()
        if '__complete' not in text:
            problems.append('%s: does not ask heapscope __complete' % path)
    for p in problems:
        print('FAIL', p)
    print('%d commands checked, %d problems' % (len(commands), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
