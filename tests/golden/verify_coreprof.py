"""Independent checks of the coreprof-* golden cases (the heap profile of a
core, issue 15 item 7).

Imported by verify.py (run(v) with the verify module), never run alone; it
never runs heapscope.  Expected outputs come from:

  - testdata/coreprof/heap.pb.gz, the heap profile the process wrote with
    pprof.WriteHeapProfile just before its core was taken (no GC cycle ran
    in between; rate/: at MemProfileRate 4096, scaled): `go tool pprof
    -top` (-sample_index, -lines) printed as is
    but for its Time: line (a core holds no wall clock), and the folded
    stacks of its -raw; coreprof121-*/coreprof122-*/coreprof123-* the same
    against testdata/coreprof121/, coreprof122/ and coreprof123/ (the
    program built by Go 1.21, 1.22 and 1.23, the profile written by that Go's runtime/pprof; read by
    Go 1.19's pprof, which reads any profile);
  - testdata/coreprof/bad.json, written by testdata/gen/coreprof/badlist.py
    (which bucket of the list it changed, to what) for the bad cores; the
    wording of those lines and of the missing --exe, checked by hand.
"""

V = None
D = 'testdata/coreprof/'


def top(name, args, d=D):
    want = V.pprof('-top', *args, d + 'heap.pb.gz')
    want = ''.join(ln for ln in want.splitlines(True) if not ln.startswith('Time: '))
    V.expect_case(name, want, '', '0\n')


def bad(name, cmd, file, what):
    V.refused(name, "heapscope: %s: '%s': %s\n" % (cmd, D + file, what))


def run(v):
    global V
    V = v
    import json
    import os
    top('coreprof-top', [])
    top('coreprof-top-alloc-space', ['-sample_index=alloc_space'])
    top('coreprof-top-lines', ['-lines'])
    top('coreprof-rate-top', ['-sample_index=alloc_space'], D + 'rate/')
    top('coreprof121-top', [], 'testdata/coreprof121/')
    top('coreprof122-top', [], 'testdata/coreprof122/')
    top('coreprof123-top', [], 'testdata/coreprof123/')
    top('coreprof123-top-lines', ['-lines'], 'testdata/coreprof123/')
    V.folded_case('coreprof-folded', D + 'heap.pb.gz')
    with open(os.path.join(V.ROOT, D + 'bad.json')) as f:
        b = json.load(f)
    bad('coreprof-bad-loop', 'top', 'loop.core.zst',
        'runtime.mbuckets loops: bucket %d points back to bucket %d (0x%x)'
        % (b['loop']['bucket'], b['loop']['back_to'], b['loop']['back_to_addr']))
    bad('coreprof-bad-outside', 'dot', 'outside.core.zst',
        'memory profile bucket %d of runtime.mbuckets (0x%x) is not in the core'
        % (b['outside']['bucket'], b['outside']['addr']))
    bad('coreprof-bad-no-exe', 'top', 'core.core.zst',
        'an ELF core: top, dot, folded, flame and merge read its heap profile with --exe, '
        'the executable that wrote it')
