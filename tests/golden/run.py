#!/usr/bin/env python3
"""Golden tests: run the heapscope binary and compare with expected files.

usage: run.py [--update] HEAPSCOPE SOURCE_ROOT [CASE-GLOB...]

Each case is tests/golden/cases/NAME.cmd, one command line:

    heapscope top --cum testdata/pprof/heap.pb.gz

split into words like a shell does (quotes, backslashes; no variables,
globs or pipes).  `heapscope` must be the first word; it is replaced by the
binary.  Blank lines and lines starting with '#' are ignored (use them for a
note on what the case checks).  Two additions to plain words:

  < FILE     (the last two words) feed FILE to standard input; otherwise
             standard input is empty (/dev/null).
  {tmp}      a fresh empty directory for this case; it is replaced by
             `{tmp}` again in stdout and stderr before comparing.

A line `@utime PATH SECONDS` (before the command line, any number) sets the
modification time of PATH (relative to SOURCE_ROOT) to SECONDS since the
epoch before the command runs: a checkout gives files the time of the
checkout, so a case whose output shows a file's mtime (the "inputs" of
--format json) sets it.  utimes(text) returns them for verify.py.

The command runs with cwd = SOURCE_ROOT and TZ=UTC LC_ALL=C, and must
match, byte for byte:

  NAME.out   expected stdout
  NAME.err   expected stderr
  NAME.code  expected exit status (a number)
  NAME.file  (optional) the content of the one file the command wrote
             in {tmp}

NAME.xfail (optional) marks a known heapscope bug: its first line says what
is wrong.  Its expected files hold the *correct* behaviour; while the case
fails it is reported as `xfail` and counted as skipped, and once it passes it
is reported as `XPASS` and counted as failed, so that the marker is removed
with the fix.

--update rewrites NAME.out/.err/.code (and .file, when the command wrote
exactly one file in {tmp}) from what heapscope does now, except for xfail
cases.  An updated file is a claim that heapscope is right: check every one
by hand against an independent source before committing it (see
tests/golden/README.md and tests/golden/verify.py).

Output: `ok NAME`, `FAIL NAME` with a unified diff, `xfail NAME`, and the
closing line `N passed, N failed` (`, N skipped` when there are xfails).
Exit status 1 if any case failed, 2 on a usage error of this script.
"""
import difflib
import fnmatch
import os
import shlex
import subprocess
import sys
import tempfile

TIMEOUT = 60          # seconds per case
MAX_DIFF_LINES = 80   # per compared stream


def usage(msg):
    print('run.py: %s' % msg, file=sys.stderr)
    print('usage: run.py [--update] HEAPSCOPE SOURCE_ROOT [CASE-GLOB...]', file=sys.stderr)
    sys.exit(2)


def read_bytes(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except FileNotFoundError:
        return None


def write_if_changed(path, data):
    if read_bytes(path) == data:
        return False
    with open(path, 'wb') as f:
        f.write(data)
    return True


def utimes(text):
    """The (path, seconds) of a .cmd file's @utime lines."""
    out = []
    for ln in text.splitlines():
        w = ln.split()
        if w and w[0] == '@utime':
            if len(w) != 3 or not w[2].isdigit():
                raise ValueError('want @utime PATH SECONDS: %r' % ln)
            out.append((w[1], int(w[2])))
    return out


def parse_cmd(text):
    """Words of the one command line in a .cmd file, and the stdin file."""
    lines = [ln for ln in text.splitlines()
             if ln.strip() and not ln.lstrip().startswith(('#', '@utime'))]
    if len(lines) != 1:
        raise ValueError('want exactly one command line, found %d' % len(lines))
    words = shlex.split(lines[0])
    stdin = None
    if '<' in words:
        i = words.index('<')
        if i != len(words) - 2:
            raise ValueError("'< FILE' must end the command line")
        stdin = words[-1]
        words = words[:-2]
    if not words or words[0] != 'heapscope':
        raise ValueError("the command must start with 'heapscope'")
    return words, stdin


def diff(name, what, want, got):
    """A unified diff of two byte strings, decoded loosely for display."""
    a = want.decode('utf-8', 'replace').splitlines(keepends=True)
    b = got.decode('utf-8', 'replace').splitlines(keepends=True)
    out = list(difflib.unified_diff(a, b, 'expected/%s.%s' % (name, what),
                                    'actual/%s.%s' % (name, what)))
    if not out:  # differs only in bytes the decoding hid
        out = ['--- expected/%s.%s\n' % (name, what), '+++ actual/%s.%s\n' % (name, what),
               '-%r\n' % want, '+%r\n' % got]
    lines = []
    for ln in out[:MAX_DIFF_LINES]:
        lines.append(ln if ln.endswith('\n') else ln + '\n\\ No newline at end of file\n')
    if len(out) > MAX_DIFF_LINES:
        lines.append('... %d more diff lines\n' % (len(out) - MAX_DIFF_LINES))
    return ''.join('    ' + ln for ln in ''.join(lines).splitlines(keepends=True))


def run_case(binary, root, casedir, name):
    """Run one case; returns (actual dict, error string or None)."""
    with open(os.path.join(casedir, name + '.cmd'), encoding='utf-8') as f:
        text = f.read()
    words, stdin_path = parse_cmd(text)
    for path, t in utimes(text):
        os.utime(os.path.join(root, path), (t, t))
    with tempfile.TemporaryDirectory(prefix='heapscope-golden-') as tmp:
        argv = [binary] + [w.replace('{tmp}', tmp) for w in words[1:]]
        env = dict(os.environ)
        for k in list(env):
            if k.startswith('LC_') or k in ('LANG', 'LANGUAGE'):
                del env[k]
        env.update(TZ='UTC', LC_ALL='C')
        stdin = subprocess.DEVNULL
        if stdin_path is not None:
            stdin = open(os.path.join(root, stdin_path.replace('{tmp}', tmp)), 'rb')
        try:
            p = subprocess.run(argv, cwd=root, env=env, stdin=stdin, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, 'timed out after %ds' % TIMEOUT
        finally:
            if stdin is not subprocess.DEVNULL:
                stdin.close()
        t = tmp.encode()
        got = {
            'out': p.stdout.replace(t, b'{tmp}'),
            'err': p.stderr.replace(t, b'{tmp}'),
            'code': b'%d\n' % p.returncode,
        }
        made = sorted(os.path.join(d, f)[len(tmp) + 1:]
                      for d, _, fs in os.walk(tmp) for f in fs)
        if len(made) == 1:
            got['file'] = read_bytes(os.path.join(tmp, made[0]))
        got['made'] = made
        if p.returncode < 0:
            return got, 'killed by signal %d' % -p.returncode
        return got, None


def main(argv):
    update = False
    args = []
    for a in argv:
        if a == '--update':
            update = True
        elif a.startswith('--'):
            usage('unknown option %s' % a)
        else:
            args.append(a)
    if len(args) < 2:
        usage('need HEAPSCOPE and SOURCE_ROOT')
    binary = os.path.abspath(args[0])
    root = os.path.abspath(args[1])
    globs = args[2:]
    casedir = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'cases')
    if not os.access(binary, os.X_OK):
        usage('%s is not an executable' % binary)
    names = sorted(f[:-4] for f in os.listdir(casedir) if f.endswith('.cmd'))
    if globs:
        names = [n for n in names if any(fnmatch.fnmatchcase(n, g) for g in globs)]
    if not names:
        usage('no cases found')

    passed = failed = xfailed = 0
    for name in names:
        base = os.path.join(casedir, name)
        xfail = read_bytes(base + '.xfail')
        reason = xfail.decode('utf-8', 'replace').strip().splitlines()[0] if xfail else ''
        try:
            got, problem = run_case(binary, root, casedir, name)
        except (ValueError, OSError) as e:
            got, problem = None, 'bad case: %s' % e
        report = []
        if problem:
            report.append('    %s\n' % problem)
        if got is not None:
            if update and not xfail and not problem:
                changed = [w for w in ('out', 'err', 'code')
                           if write_if_changed('%s.%s' % (base, w), got[w])]
                if 'file' in got and write_if_changed(base + '.file', got['file']):
                    changed.append('file')
                if changed:
                    print('updated %s (%s): check it by hand' % (name, ', '.join(changed)))
            for what in ('out', 'err', 'code', 'file'):
                want = read_bytes('%s.%s' % (base, what))
                if want is None:
                    if what != 'file':
                        report.append('    missing %s.%s (run with --update, then check it)\n'
                                      % (name, what))
                    continue
                if what == 'file' and 'file' not in got:
                    report.append('    expected one file written in {tmp}, found %s\n'
                                  % (', '.join(got['made']) or 'none'))
                    continue
                if got[what] != want:
                    report.append(diff(name, what, want, got[what]))
        if not report:
            if xfail:
                print('XPASS %s (fixed? remove %s.xfail)' % (name, name))
                failed += 1
            else:
                print('ok %s' % name)
                passed += 1
        elif xfail:
            print('xfail %s: %s' % (name, reason))
            sys.stdout.write(''.join(report))
            xfailed += 1
        else:
            print('FAIL %s' % name)
            sys.stdout.write(''.join(report))
            failed += 1
        sys.stdout.flush()

    line = '%d passed, %d failed' % (passed, failed)
    if xfailed:
        line += ', %d skipped' % xfailed
    print(line)
    # every case of the fixture list ran (all of them unless globs were given)
    print('%d of %d cases run, minimum %d' % (passed + failed + xfailed, len(names), len(names)))
    return 1 if failed or passed + failed + xfailed < len(names) else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
