#!/usr/bin/env python3
"""Run one command and report its wall time and peak RSS.

usage: measure.py [--stdout FILE] [--] CMD [ARG...]

The child's stdout goes to FILE (default /dev/null), stderr is inherited.
Prints one line on stdout:

    wall=<seconds> maxrss_kib=<KiB> status=<exit status>

Peak RSS comes from wait4()'s rusage (ru_maxrss, KiB on Linux), which is the
maximum over the child and every descendant it waited for, so wrappers like
`go tool pprof` (which runs the pprof binary as a subprocess) are covered.
No dependency on GNU time.

Caveat: Linux charges a child the RSS of the process it was forked from
until it execs, so everything measured from here has a floor of this Python
process's RSS (~14 MiB). bench/run therefore prefers the C wrapper
bench/rss.c and only falls back to this script when no C compiler exists.
"""
import os
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    out = os.devnull
    if len(args) >= 2 and args[0] == "--stdout":
        out, args = args[1], args[2:]
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    with open(out, "wb") as f:
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(args, stdout=f)
        except OSError as e:
            sys.stderr.write("measure: %s: %s\n" % (args[0], e))
            return 127
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = 0  # reaped by wait4; keep Popen from waiting again
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
    else:
        code = 128 + os.WTERMSIG(status)
    kib = ru.ru_maxrss
    if sys.platform == "darwin":  # bytes there
        kib //= 1024
    print("wall=%.3f maxrss_kib=%d status=%d" % (wall, kib, code))
    return 0


if __name__ == "__main__":
    sys.exit(main())
