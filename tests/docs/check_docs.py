#!/usr/bin/env python3
"""Docs move with the code: the option lists of README.md and
man/heapscope.1, parsed, against the real option tables, both ways.

usage: check_docs.py HEAPSCOPE SOURCE_ROOT

The option tables are read through the binary: `heapscope __complete` lists
the commands and `heapscope __complete CMD` a command's options (what the
shell completions offer), so the check follows the tables wherever the code
keeps them.  Compared, both ways:
  * README.md, "Commands and options": per command, the options of its
    table row (with "report options" expanded from the paragraph below the
    table, less the fractions where the row says "but the fractions"),
    plus `-o, --output` and `--help`, which every command takes;
  * man/heapscope.1: the OPTIONS section's entries (.TP headers) against
    the options of all commands together; and per command, the options its
    SYNOPSIS lines name (both ways when they list them all, one way where
    a line says [options]); every command has a .TP entry under COMMANDS;
  * `heapscope help CMD` names each of CMD's options;
  * the completion scripts ask the binary (__complete).
Prints what it compared and fails below a minimum: every command of the
table, and at least one option per command."""
import os
import re
import subprocess
import sys

OPT = re.compile(r'(?<![\w-])(--[a-z][a-z0-9-]*|-o)(?![\w-])')


def lines(args):
    out = subprocess.run(args, stdout=subprocess.PIPE, check=True).stdout.decode()
    return [ln for ln in out.split('\n') if ln]


def roff_plain(text):
    """roff to plain text: \\- is a minus, \\f[BIRP] switch fonts."""
    return re.sub(r'\\f[BIRP]', '', text).replace('\\-', '-').replace('\\&', '')


def readme_options(readme, problems):
    """{command: set of options} from the README's command table."""
    sec = readme.split('## Commands and options', 1)
    if len(sec) != 2:
        problems.append('README.md: no "## Commands and options" section')
        return {}
    sec = sec[1].split('\n## ', 1)[0]
    m = re.search(r'The report options[^:]*:(.*?)(?:\n\n|$)', sec, re.S)
    if not m:
        problems.append('README.md: no "The report options ...:" paragraph')
        return {}
    report = set(OPT.findall(m.group(1)))
    m = re.search(r'Every command takes(.*?)\.', sec, re.S)
    common = set(OPT.findall(m.group(1))) if m else set()
    if not common:
        problems.append('README.md: no "Every command takes ..." sentence')
    out = {}
    for row in re.findall(r'^\| `([^`]*)` \|[^|]*\|(.*)\|\s*$', sec, re.M):
        cmd = row[0].split()[0]
        opts = set(OPT.findall(row[1])) | common
        if 'report options' in row[1]:
            rep = report
            if 'but the fractions' in row[1]:
                rep = {o for o in report if not o.endswith('fraction')}
            opts |= rep
        # `--rules FILE` in the command column counts as well
        opts |= set(OPT.findall(row[0]))
        out[cmd] = opts
    return out


def man_options(man, problems):
    """(the OPTIONS section's entries, {command: (options, complete)}) where
    complete says the SYNOPSIS lines of the command list all of them."""
    text = roff_plain(man)
    m = re.search(r'^\.SH OPTIONS\n(.*?)^\.SH ', text, re.S | re.M)
    if not m:
        problems.append('man page: no OPTIONS section')
        return set(), {}
    entries = set()
    for head in re.findall(r'^\.TP\n(.*)$', m.group(1), re.M):
        entries |= set(OPT.findall(head))
    m = re.search(r'^\.SH SYNOPSIS\n(.*?)^\.SH ', text, re.S | re.M)
    syn = {}
    for block in re.split(r'^\.(?:PP|br)\n', m.group(1) if m else '', flags=re.M):
        first = re.match(r'\.B heapscope (\S+)', block)
        if not first or first.group(1).startswith('-'):
            continue
        cmd = first.group(1)
        opts, complete = syn.get(cmd, (set(), True))
        opts |= set(OPT.findall(block.split('\n', 1)[1] if '\n' in block else ''))
        opts |= set(OPT.findall(block.split('\n', 1)[0]))
        syn[cmd] = (opts, complete and '.RI [ options ]' not in block)
    return entries, syn


def main():
    hs, root = sys.argv[1], sys.argv[2]
    readme = open(os.path.join(root, 'README.md'), encoding='utf-8').read()
    man = open(os.path.join(root, 'man', 'heapscope.1'), encoding='utf-8').read()
    problems = []
    commands = lines([hs, '__complete'])
    table = {cmd: set(lines([hs, '__complete', cmd])) for cmd in commands}
    compared = 0

    rd = readme_options(readme, problems)
    entries, syn = man_options(man, problems)
    every = set().union(*table.values()) if table else set()
    for opt in sorted(every - entries):
        problems.append('man page OPTIONS: no entry for %s (%s)' % (
            opt, ', '.join(c for c in commands if opt in table[c])))
    for opt in sorted(entries - every):
        problems.append('man page OPTIONS: %s is no option of any command' % opt)
    for cmd in commands:
        opts = table[cmd]
        if not re.search(r'^\.TP\n\.BI? "?%s\b' % re.escape(cmd), man, re.M):
            problems.append('man page: no entry (.TP) for command %s under COMMANDS' % cmd)
        if cmd not in rd:
            problems.append('README.md: command %s has no row in the command table' % cmd)
        else:
            for o in sorted(opts - rd[cmd]):
                problems.append('README.md: %s is missing from the row of %s' % (o, cmd))
            for o in sorted(rd[cmd] - opts):
                problems.append('README.md: the row of %s names %s, which %s does not take'
                                % (cmd, o, cmd))
            compared += 1
        if cmd not in syn:
            problems.append('man page SYNOPSIS: no line for %s' % cmd)
        else:
            named, complete = syn[cmd]
            for o in sorted(named - opts):
                problems.append('man page SYNOPSIS: %s names %s, which %s does not take'
                                % (cmd, o, cmd))
            if complete:
                for o in sorted(opts - named - {'--help', '--output'}):
                    problems.append('man page SYNOPSIS: %s lists its options but not %s'
                                    % (cmd, o))
        helptext = '\n'.join(lines([hs, 'help', cmd]))
        for opt in sorted(opts - {'-o'}):
            if not re.search(r'(^|[\s,(])%s\b' % re.escape(opt), helptext, re.M):
                problems.append('heapscope help %s: option %s is not listed' % (cmd, opt))
        if not opts:
            problems.append('__complete %s lists no option' % cmd)
    for cmd in sorted(set(rd) - set(commands)):
        problems.append('README.md: the table has a row for %s, which is no command' % cmd)
    for shell in ('bash', 'zsh', 'fish'):
        path = os.path.join(root, 'completions', 'heapscope.' + shell)
        text = open(path, encoding='utf-8').read()
        if '__complete' not in text:
            problems.append('%s: does not ask heapscope __complete' % path)
    if len(commands) < 10:
        problems.append('__complete lists only %d commands' % len(commands))
    for p in problems:
        print('FAIL', p)
    nopts = sum(len(v) for v in table.values())
    print('%d commands, %d command options (%d distinct) against README rows (%d compared), '
          'the man page OPTIONS (%d entries) and SYNOPSIS (%d commands); %d problems'
          % (len(commands), nopts, len(every), compared, len(entries), len(syn), len(problems)))
    least = len(rd) if rd else 1
    if compared < least or compared < len(commands):
        print('FAIL: %d README rows compared, minimum %d' % (compared, max(least, len(commands))))
        return 1
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
