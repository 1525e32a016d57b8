"""Independent checks of the core-* golden cases (ELF cores, issue 15).

Imported by verify.py (run(v) with the verify module), never run alone.  It
never runs heapscope.  Expected values are rebuilt from:

  - testdata/core/stack.txt (and pie/stack.txt, of the PIE build, and
    kernel/stack.txt, of the kernel's core of the static build):
    runtime.Stack(buf, true) printed by the program
    that the core was taken of (testdata/gen/core), parsed here; its first
    goroutine printed the text and exited before the core was taken, so it
    is left out;
  - testdata/core/counts.json: the goroutines the program built;
  - testdata/core/gdb-goroutines.txt: gdb's `info goroutines` of the core
    with Go's runtime-gdb.py (every goroutine, the runtime's too);
  - the core's program headers, read here from the decompressed bad-cut
    core (the `zstd` CLI), for the truncation message, and the core's
    NT_FILE note (the mapping that holds AT_ENTRY of NT_AUXV) for the file
    the process ran;
  - core-bad-machine: the e_machine of testdata/core/arm64/riscv.core, read
    here;
  - for the other bad inputs, the texts below, checked by hand against
    testdata/gen/generate-core.sh, which made them;
  - coreheap-heapdump*: the histogram by Go type and main.Store's array
    named by type, from testdata/coreheap/counts.json (the program's own
    reflect names of its globals' types and its counts of each);
  - coreheap-{leaks,triage,diff}*: testdata/coreheap/counts.json and the
    heap dump the same process wrote just before its core, parsed with
    verify_heapdump's reader (retained sizes by removal, globals named by
    `readelf -sW` of the executable): main.Store's retention candidate
    (owner, accumulation point, group), the program's goroutines, the
    inventory (the core listed once, used for its heap and goroutines);
  - core-cgo*: testdata/core/cgo/ and cgo1/ (generate-corecgo.sh, a cgo
    build at GOMAXPROCS 8 and 1): the runtime's own GOTRACEBACK=crash text
    of the stop both cores were taken at (crash.txt), stack.txt, counts.json
    and gdb's `info goroutines` of each core (cgo_case);
  - the same for testdata/core/arm64/ and testdata/coreheap-arm64/: the
    programs built for arm64, cores written by qemu-aarch64
    (core-arm64-*, coreheap-arm64-*; gdb-multiarch's `info goroutines`),
    and by Go 1.23.5 (testdata/core/arm64/go123/, testdata/coreheap123-arm64/);
  - the same for testdata/core/go122/ and testdata/coreheap122/ (Go
    1.22.12, the first allocation headers: core-go122-*, coreheap122-*),
    and for testdata/core/go123/ and testdata/coreheap123/: the
    programs built by Go 1.23.5 (core-go123-*, coreheap123-*); there
    main.After's array is as big as the dump's object holding the
    after_gc nodes says (a 1152-byte slot: 1024 bytes and a type header).
"""
import json
import os
import re
import struct
import subprocess

V = None
CORE = 'testdata/core/'

# blocking and leaks print what the other files gave (here nothing) even
# when one file could not be read
EMPTY = {
    'core-bad-stripped': '0 blocking hotspots, most goroutines first\n',
    'core-bad-exe-not-elf': '0 leak candidates\nNo leak signal.\n',
    'core-arm64-bad-amd64-exe': '0 blocking hotspots, most goroutines first\n',
}

HAND = {
    'core-bad-no-exe': "heapscope: goroutines: 'testdata/core/core.core.zst': an ELF core: "
                       "goroutines, blocking and leaks read it with --exe, the executable that "
                       "wrote it\n",
    'core-heapdump': "heapscope: heapdump: 'testdata/core/core.core.zst': an ELF core: heapdump "
                     "reads its heap with --exe, the executable that wrote it "
                     "(at byte 0 of the decompressed data)\n",
    'core-bad-stripped': "heapscope: blocking: 'testdata/core/core.core.zst': --exe "
                         "'testdata/core/stripped.exe.zst': no DWARF (.debug_info): a stripped "
                         "executable? build it without -ldflags=-w or -s\n",
    'core-bad-exe-not-elf': "heapscope: leaks: 'testdata/core/core.core.zst': --exe "
                            "'testdata/core/stack.txt': not an ELF file\n",
    # generate-core-arm64.sh: the amd64 executable of generate-core.sh, and
    # the arm64 build linked with -X main.variant=other (qemu's core holds
    # no copy of the build id note: the text's first page is left out)
    'core-arm64-bad-amd64-exe': "heapscope: blocking: 'testdata/core/arm64/core.core.zst': "
                                "--exe 'testdata/core/core.exe.zst': not the executable that "
                                "wrote the core (an amd64 executable, the core is arm64)\n",
    'core-arm64-bad-wrong-exe': "heapscope: goroutines: 'testdata/core/arm64/core.core.zst': "
                                "--exe 'testdata/core/arm64/wrong.exe.zst': not the executable "
                                "that wrote the core (the core holds no build id, and its "
                                "read-only data differ)\n",
}


def read(path):
    with open(os.path.join(V.ROOT, path)) as f:
        return f.read()


def goroutines(text):
    """[(goid, state, [frames], created_by)] of a runtime.Stack text."""
    out = []
    for block in text.strip('\n').split('\n\n'):
        lines = block.split('\n')
        m = re.match(r'goroutine (\d+) \[([^\],]*)(?:, (\d+) minutes)?[^\]]*\]:$', lines[0])
        assert m, lines[0]
        frames, created = [], ''
        i = 1
        while i < len(lines):
            if lines[i].startswith('created by '):
                created = lines[i][len('created by '):].split(' in goroutine ')[0]
                break
            frames.append(re.sub(r'\([^()]*\)$', '', lines[i]))   # the arguments
            i += 2
        out.append((int(m.group(1)), m.group(2), int(m.group(3) or 0), frames, created))
    return out


def json_case(name, core=CORE):
    gs = goroutines(read(core + 'stack.txt'))
    printer = gs.pop(0)
    if printer[1] != 'running':
        V.problems.append('%s: stack.txt does not start with the printing goroutine' % name)
    counts = json.loads(read(core + 'counts.json'))
    states = [g[1] for g in gs]
    # a sync.Mutex's waiter: "semacquire" up to Go 1.19, "sync.Mutex.Lock" after
    for state, key in ((('chan send',), 'chan_send'), (('select',), 'select'),
                       (('semacquire', 'sync.Mutex.Lock'), 'mutex_wait')):
        n = sum(states.count(x) for x in state)
        if n != counts[key]:
            V.problems.append('%s: stack.txt has %d %s goroutines, counts.json %d'
                              % (name, n, state[0], counts[key]))
    if len(gs) != counts['goroutines']:
        V.problems.append('%s: stack.txt has %d goroutines, counts.json %d'
                          % (name, len(gs), counts['goroutines']))
    # every goroutine of the text is one gdb found in the core
    gdb = [int(l.split()[0 if l[0] != '*' else 1]) for l in read(core + 'gdb-goroutines.txt').splitlines()]
    missing = {g[0] for g in gs} - set(gdb)
    if missing:
        V.problems.append('%s: goroutines %s are not in gdb\'s list' % (name, sorted(missing)))
    expect_groups(name, gs)


def expect_groups(name, gs):
    """The JSON of `goroutines --format json` of the goroutines gs
    ([(goid, state, minutes, [frames], created_by)]), exit 0, no stderr."""
    groups = {}
    for g in gs:
        key = (tuple(g[3]), g[1], g[4])
        groups.setdefault(key, []).append(g[2])
    # equal counts in the order of goroutines.c's group keys: state,
    # creator, then the stack
    rows = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0][1], kv[0][2],
                                                  '\n'.join(kv[0][0])))
    want = {'total': len(gs), 'groups': []}
    for (stack, state, created), waits in rows:
        waits.sort()
        want['groups'].append({'count': len(waits), 'state': state,
                               'wait_minutes': [waits[0], waits[len(waits) // 2], waits[-1]],
                               'created_by': created, 'stack': list(stack)})
    got = V.golden(name, 'out')
    try:   # "inputs" is verify_inputs.py's to check
        inputs = json.loads(got).get('inputs') if got else None
    except ValueError:
        inputs = None
    if inputs is not None:
        want['inputs'] = inputs
    V.expect(name, 'out', json.dumps(want, separators=(',', ':')) + '\n')
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def frame_name(line):
    """A frame line's function: its arguments and GOTRACEBACK=crash's
    " fp=... sp=... pc=..." removed."""
    return re.sub(r'\([^()]*\)$', '', re.sub(r' fp=0x\S+ sp=0x\S+ pc=0x\S+$', '', line))


def crash_goroutines(text):
    """{goid: (goid, state, minutes, [frames], created_by)} of the runtime's
    GOTRACEBACK=crash text: each goroutine's block with frames (a running
    one's from its own M, printed after "goroutine running on other
    thread; stack unavailable"), the idle Ms' goroutine 0 and the register
    dumps left out; frames as GOTRACEBACK=single shows them.  Every block of
    one goroutine with frames must say the same."""
    out, cur = {}, None
    for line in text.split('\n') + ['']:
        m = re.match(r'goroutine (\d+) \[([^\],]*)(?:, (\d+) minutes)?[^\]]*\]:$', line)
        if m:
            cur = [int(m.group(1)), m.group(2), int(m.group(3) or 0), [], '']
            continue
        if cur is None:
            continue
        if line == '' or line.startswith('-----') or re.match(r'^[a-z0-9]+ +0x[0-9a-f]+$', line):
            if cur[0] and cur[3] and not cur[4].startswith('?'):
                g = (cur[0], cur[1], cur[2], single(cur[3], cur[4]), cur[4])
                if out.setdefault(g[0], g) != g:
                    V.problems.append('crash.txt: goroutine %d printed twice, differently' % g[0])
            cur = None
        elif 'stack unavailable' in line:
            cur[4] = '?unavailable'
        elif line.startswith('created by '):
            cur[4] = cur[4] or line[len('created by '):].split(' in goroutine ')[0]
        elif not line.startswith('\t'):
            cur[3].append(frame_name(line))
    return out


def single(frames, created_by):
    """The frames runtime.Stack (GOTRACEBACK=single) shows of the ones
    GOTRACEBACK=crash printed (traceback.go, showfuncinfo): names with a
    dot, outside the runtime or exported from it; and without the
    compiler's go-statement wrapper, the frame <creator>.funcN just inside
    runtime.goexit (funcID_wrapper: testdata/gen/corecgo starts every
    goroutine by a named function)."""
    out = []
    for i, f in enumerate(frames):
        outer = frames[i + 1] if i + 1 < len(frames) else ''
        if outer == 'runtime.goexit' and re.fullmatch(re.escape(created_by) + r'\.func\d+', f):
            continue
        if '.' in f and (not f.startswith('runtime.') or f[8:9].isupper()):
            out.append(f)
    return out


def cgo_case(name, run, core):
    """core-cgo*-goroutines-json: the goroutines of testdata/core/RUN/CORE
    (generate-corecgo.sh) as the runtime printed them on SIGQUIT
    (crash.txt), for the user goroutines: those of the program's
    runtime.Stack text (stack.txt, = counts.json's count); the ones that did
    not move since that text (all but the spinners and the printer) with
    the frames and states it has; gdb's `info goroutines` of the core with
    the same ids and, where it says running, runnable or syscall, that
    state; the goroutines counts.json put in C in a syscall, its spinners
    running with GOMAXPROCS > 1."""
    d = CORE + run + '/'
    counts = json.loads(read(d + 'counts.json'))
    crash = crash_goroutines(read(d + 'crash.txt'))
    text = {g[0]: g for g in goroutines(read(d + 'stack.txt'))}
    if len(text) != counts['goroutines']:
        V.problems.append('%s: stack.txt has %d goroutines, counts.json %d'
                          % (name, len(text), counts['goroutines']))
    moved = set(counts['running']) | {counts['printer']}
    gs = []
    for goid, g in sorted(text.items()):
        if goid not in crash:
            V.problems.append('%s: goroutine %d of stack.txt is not in crash.txt' % (name, goid))
            continue
        c = crash[goid]
        if goid not in moved and c != g:
            V.problems.append('%s: goroutine %d: crash.txt %s, stack.txt %s' % (name, goid, c, g))
        gs.append(c)
    gdb = {}
    for line in read(d + ('kernel-' if core == 'kernel' else '') + 'gdb-goroutines.txt').splitlines():
        w = line.lstrip('* ').split()
        gdb[int(w[0])] = w[1]
    for goid, state, _, frames, _ in gs:
        said = gdb.get(goid)
        if said is None or (said in ('running', 'runnable', 'syscall') and said != state):
            V.problems.append('%s: goroutine %d is %s, gdb says %s' % (name, goid, state, said))
    want_states = {tuple(counts['in_c']): 'syscall',
                   tuple(counts['running']): 'running' if counts['gomaxprocs'] > 1 else 'runnable'}
    for goids, state in want_states.items():
        for goid in goids:
            if crash.get(goid, (0, ''))[1] != state:
                V.problems.append('%s: goroutine %d is not %s' % (name, goid, state))
    expect_groups(name, gs)


def cut_case(name, cmd='goroutines'):
    raw = subprocess.run(['zstd', '-dc', os.path.join(V.ROOT, CORE + 'bad-cut.core.zst')],
                         check=True, stdout=subprocess.PIPE).stdout
    phoff, = struct.unpack_from('<Q', raw, 0x20)
    ptype, = struct.unpack_from('<I', raw, phoff)
    off, filesz = struct.unpack_from('<Q', raw, phoff + 8)[0], struct.unpack_from('<Q', raw, phoff + 32)[0]
    assert ptype == 4, 'the first program header is the notes'
    V.refused(name, "heapscope: " + cmd + ": 'testdata/core/bad-cut.core.zst': truncated: "
              "program header 0 (notes) needs bytes up to %d, the file has %d (at byte %d of the "
              "decompressed data)\n" % (off + filesz, len(raw), phoff))


def notes(path):
    """The notes of a zstd-compressed core: {(name, type): desc}, read as
    the decompressed stream passes (the notes are at its end)."""
    p = subprocess.Popen(['zstd', '-dc', os.path.join(V.ROOT, path)], stdout=subprocess.PIPE)
    head = p.stdout.read(4096)
    phoff, = struct.unpack_from('<Q', head, 0x20)
    phnum, = struct.unpack_from('<H', head, 0x38)
    for i in range(phnum):
        ptype, _, off = struct.unpack_from('<IIQ', head, phoff + i * 56)
        if ptype == 4:
            size, = struct.unpack_from('<Q', head, phoff + i * 56 + 32)
            break
    pos = len(head)
    while pos < off:
        pos += len(p.stdout.read(min(1 << 20, off - pos)))
    data = p.stdout.read(size)
    p.stdout.close()
    p.wait()
    out, i = {}, 0
    while i + 12 <= len(data):
        nsz, dsz, ntype = struct.unpack_from('<III', data, i)
        name = data[i + 12:i + 12 + nsz].rstrip(b'\0')
        d = i + 12 + (nsz + 3) // 4 * 4
        out.setdefault((name, ntype), data[d:d + dsz])
        out[('count', name, ntype)] = out.get(('count', name, ntype), 0) + 1
        i = d + (dsz + 3) // 4 * 4
    return out


def core_words(core, exe, names):
    """{name: the 8-byte word of global name (or "name+offset") in the zstd core}: the
    address from `readelf -sW` of the executable, the word from the core's
    PT_LOAD segment holding it, read as the decompressed stream passes."""
    import tempfile
    with tempfile.NamedTemporaryFile(suffix='.exe') as t:
        t.write(unzstd(exe))
        t.flush()
        out = subprocess.run(['readelf', '-sW', t.name], stdout=subprocess.PIPE,
                             check=True).stdout.decode()
    syms = {n.split('+')[0]: n for n in names}
    addr = {syms[w[7]]: int(w[1], 16) + int((syms[w[7]] + '+0').split('+')[1])
            for w in (ln.split() for ln in out.splitlines())
            if len(w) >= 8 and w[7] in syms}
    p = subprocess.Popen(['zstd', '-dc', os.path.join(V.ROOT, core)], stdout=subprocess.PIPE)
    head = p.stdout.read(64)
    phoff, = struct.unpack_from('<Q', head, 0x20)
    phnum, = struct.unpack_from('<H', head, 0x38)
    head += p.stdout.read(phoff + phnum * 56 - len(head))
    at = {}
    for i in range(phnum):
        ptype, _, off, vaddr, _, filesz = struct.unpack_from('<IIQQQQ', head, phoff + i * 56)
        for n, a in addr.items():
            if ptype == 1 and vaddr <= a and a + 8 <= vaddr + filesz:
                at[off + a - vaddr] = n
    pos, words = len(head), {}
    for off in sorted(at):
        while pos < off:
            pos += len(p.stdout.read(min(1 << 20, off - pos)))
        words[at[off]], = struct.unpack('<Q', p.stdout.read(8))
        pos += 8
    p.stdout.close()
    p.wait()
    return words


def info_cases():
    """info on the core: its threads (the NT_PRSTATUS notes read here), its
    goroutines (stack.txt less its printing goroutine, = counts.json), its
    size, its heap profile: none, runtime.MemProfileRate and
    runtime.mbuckets both 0 in the core (the program never links
    runtime.MemProfile: the linker's disableMemoryProfiling), the four
    sample types of a heap profile (runtime/pprof's, as -raw of
    testdata/coreprof/heap.pb.gz names them) at zero in JSON; without
    --exe, what it needs, exit 0."""
    from verify_growth import label
    path = CORE + 'core.core.zst'
    threads = notes(path)[('count', b'CORE', 1)]
    n = len(goroutines(read(CORE + 'stack.txt'))) - 1
    if n != json.loads(read(CORE + 'counts.json'))['goroutines']:
        V.problems.append('info-core: stack.txt has %d goroutines, counts.json another count' % n)
    size = os.path.getsize(os.path.join(V.ROOT, path))
    head = '%s\n  format:        ELF core (zstd)\n  kind:          core\n  size:          %s\n' % (
        path, label(size))
    w = core_words(path, CORE + 'core.exe.zst', ('runtime.MemProfileRate', 'runtime.mbuckets'))
    off = w == {'runtime.MemProfileRate': 0, 'runtime.mbuckets': 0}
    if not off:
        V.problems.append('info-core: the core\'s memory profile is not off: %r' % w)
    V.expect('info-core', 'out', head + '  threads:       %d\n  goroutines:    %d (the program\'s; '
             'the runtime\'s left out)\n  heap profile:  none: runtime.MemProfileRate is 0 '
             '(memory profiling off)\n' % (threads, n))
    raw = V.pprof('-raw', 'testdata/coreprof/heap.pb.gz')
    types = [t.split('/') for t in raw.split('Samples:\n')[1].split('\n')[0].split()]
    ptype = re.search(r'^PeriodType: (\S+) (\S+)$', raw, re.M).groups()
    heap = {'sample_types': [{'type': t, 'unit': u, 'total': 0, 'default': k == len(types) - 1}
                             for k, (t, u) in enumerate(types)],
            'period_type': {'type': ptype[0], 'unit': ptype[1]}, 'period': 0, 'samples': 0}
    V.expect('info-core-noexe', 'out', head + '  goroutines:    not read: give --exe BINARY, the '
             'executable that wrote it\n')
    got = V.golden('info-core-json', 'out')
    try:   # "inputs" is verify_inputs.py's to check
        inputs = json.loads(got).get('inputs') if got else None
    except ValueError:
        inputs = None
    want = {'files': [{'file': path, 'format': 'core', 'gzipped': False, 'zstd': True, 'kind': 'core',
                       'bytes': size, 'decoded_bytes': 0, 'read': True, 'threads': threads,
                       'goroutines': n, 'heap_profile': heap, 'needs': None}], 'inputs': inputs}
    V.expect('info-core-json', 'out', json.dumps(want, separators=(',', ':')) + '\n')
    for name in ('info-core', 'info-core-noexe', 'info-core-json'):
        V.expect(name, 'err', '')
        V.expect(name, 'code', '0\n')


def core_ran(path):
    """The file of the NT_FILE mapping that holds AT_ENTRY."""
    n = notes(path)
    auxv = n[(b'CORE', 6)]
    entry = dict(struct.iter_unpack('<QQ', auxv))[9]
    files = n[(b'CORE', 0x46494c45)]
    count, page = struct.unpack_from('<QQ', files, 0)
    names = files[16 + 24 * count:].split(b'\0')
    for k in range(count):
        start, end, _ = struct.unpack_from('<QQQ', files, 16 + 24 * k)
        if start <= entry < end:
            return names[k].decode()
    raise AssertionError('no mapping holds AT_ENTRY')


def machine_case(name, path):
    """A core of another machine: refused by its e_machine, read here."""
    with open(os.path.join(V.ROOT, path), 'rb') as f:
        head = f.read(64)
    if head[:4] != b'\x7fELF' or struct.unpack_from('<H', head, 16)[0] != 4:
        V.problems.append('%s: %s is not an ELF core' % (name, path))
    machine = struct.unpack_from('<H', head, 18)[0]
    if machine in (62, 183):
        V.problems.append('%s: %s is an amd64 or arm64 core' % (name, path))
    V.refused(name, "heapscope: goroutines: '%s': unsupported architecture (ELF machine %d; "
              "amd64 and arm64 are read) (at byte 18)\n" % (path, machine))


def wrong_exe_case(name):
    V.refused(name, "heapscope: goroutines: 'testdata/core/core.core.zst': --exe "
              "'testdata/core/wrong.exe.zst': not the executable that wrote the core (build ids "
              "differ; the core ran %s)\n" % core_ran(CORE + 'core.core.zst'))


def built(c, after_array=None):
    """The bytes each global of testdata/gen/coreheap keeps (counts.json);
    main.After's array is after_gc pointers, or after_array bytes (the
    dump's object, when a header and a size class make it bigger)."""
    if after_array is None:
        after_array = c['after_gc'] * 8
    return {'main.Store': c['store_retained'], 'main.List': c['list_retained'],
            'main.Registry': c['registry_pages'] * c['page_bytes'],
            'main.After': c['after_gc'] * c['node_bytes'] + after_array}


def after_array(c, d):
    """The size of the dump's object that holds main.After's after_gc
    pointers to nodes (the one object of the dump with that many
    non-nil pointers, every one to an object of node_bytes)."""
    sizes = []
    for s, ptrs in d.objects.values():
        ptrs = [q for q in ptrs if q]   # Go 1.23 tiles the type to the slot's end: zeros
        if len(ptrs) == c['after_gc'] and all(d.objects.get(q, (0,))[0] == c['node_bytes']
                                              for q in ptrs):
            sizes.append(s)
    return sizes[0] if len(sizes) == 1 else None


def type_rows(c, after_slot):
    """What heapdump's histogram of the core must count per Go type, from
    the program's counts.json (its types' names are reflect's): objects,
    bytes (None: not checked) and retained bytes (None: not checked).  The
    linker names the DWARF of a map[K]V's header hash<K,V> and of a chan
    T's hchan<T> (cmd/link/internal/ld/dwarf.go: synthesizemaptypes,
    synthesizechantypes).  []*main.node is main.After's array (the dump's
    object holding it: after_slot bytes, a Go 1.22+ allocation header
    included) and main.Queue's buffer (8-byte elements, a size class)."""
    node, page = c['node_bytes'], c['page_bytes']
    key, val = c['index_type'][len('map['):].split(']', 1)
    pages, nodes = c['page_objects'] * page, c['node_objects'] * node
    return {
        c['store_type']: (1, c['store_retained'] - c['store_pages'] * page, c['store_retained']),
        c['page_type']: (c['page_objects'], pages, pages),
        c['node_type']: (c['node_objects'], nodes, nodes),
        c['after_type']: (2, after_slot + c['queue_cap'] * 8, None),
        'hash<%s,%s>' % (key, val): (1, None, None),
        'hchan<%s>' % c['queue_type'][len('chan '):]: (1, None, None),
        c['box_type']: (1, None, None),
        c['failure_type']: (1, None, None),
        c['finalized_type']: (1, c['finalized_cap'] * 8, None),
        c['resource_type']: (c['finalizers'], None, None),
        c['resource_buf_type']: (c['finalizers'], None, None),
    }


def store_array(c):
    """main.Store's array as the report names it: []*main.page (cap)."""
    return '%s (%d)' % (c['store_type'], c['store_pages'])


def tiny_interior(core):
    """main.Err's *failure (8 bytes, no pointers) comes from the tiny
    allocator: when its address, the data word of main.Err read from the
    core, is not the start of a 16-byte tiny block, it is an interior
    pointer and types nothing (core_types.c); true then."""
    w = core_words(core + 'core.core.zst', core + 'core.exe.zst', ['main.Err+8']).get('main.Err+8')
    return w is not None and w % 16 != 0


def types_case(name, d, c, after_slot, core):
    """The histogram by type of a core (heap_case's JSON): the program's
    types counted as it built them (type_rows), the totals the rows' sums,
    and the nodes only the parked goroutine's frame keeps untyped (main.node
    counts the globals' alone)."""
    rows = {r['type']: r for r in d.get('types', [])}
    for t, (objects, bytes_, retained) in type_rows(c, after_slot).items():
        r = rows.get(t, {})
        if t == c['failure_type'] and not r and tiny_interior(core):
            continue
        got = (r.get('objects'), r.get('bytes') if bytes_ is not None else None,
               r.get('retained') if retained is not None else None)
        if got != (objects, bytes_, retained):
            V.problems.append('%s: type %s: %s (objects, bytes, retained), the program built %s'
                              % (name, t, got, (objects, bytes_, retained)))
    if (d.get('typed_objects'), d.get('typed_bytes')) != \
            (sum(r['objects'] for r in rows.values()), sum(r['bytes'] for r in rows.values())):
        V.problems.append('%s: typed_objects/typed_bytes are not the sums of the rows' % name)
    if not d.get('typed_objects', 0) <= d['objects'] - c['stack_objects']:
        V.problems.append('%s: %s objects typed of %d, %d of them only a frame keeps'
                          % (name, d.get('typed_objects'), d['objects'], c['stack_objects']))
    s = d['suspects'][0] if d['suspects'] else {}
    want = store_array(c)
    if (s.get('accumulation_point'), s.get('path'), s.get('group_type')) != \
            (want, ['main.Store', want], c['page_type']):
        V.problems.append('%s: main.Store\'s array is %s, path %s, group of %s; want %s of %s'
                          % (name, s.get('accumulation_point'), s.get('path'), s.get('group_type'),
                             want, c['page_type']))


def hd_bytes(v):
    """Bytes as heapdump prints them: under 1024 "%dB", else pprof's label
    (measurement.ScaleValue, "%.2f" without a ".00" suffix)."""
    if v < 1024:
        return '%dB' % v
    for unit, f in (('TB', 1 << 40), ('GB', 1 << 30), ('MB', 1 << 20), ('kB', 1 << 10)):
        if v >= f:
            t = '%.2f' % (v / f)
            return (t[:-3] if t.endswith('.00') else t) + unit


def types_text_case(name, d):
    """heapdump's text of the same core says what its JSON says: the
    suspect's path and accumulation point by type, the typed totals and
    the histogram's first rows."""
    V.checked.add(name)
    text = V.golden(name, 'out') or ''
    s = d['suspects'][0]
    want = ['   accumulation point: %s retains ' % s['accumulation_point'],
            '     -> %s\n' % s['accumulation_point'],
            '   holds %d %s objects of %s retaining ' % (s['group_count'], s['group_type'],
                                                       hd_bytes(s['group_size'])),
            'Types: %d of %d objects typed (%s of %s); untyped %d objects (%s)\n'
            % (d['typed_objects'], d['objects'], hd_bytes(d['typed_bytes']), hd_bytes(d['bytes']),
               d['objects'] - d['typed_objects'], hd_bytes(d['bytes'] - d['typed_bytes']))]
    want += ['%9d %10s %10s  %s\n' % (r['objects'], hd_bytes(r['bytes']), hd_bytes(r['retained']),
                                      r['type']) for r in d['types'][:20]]
    for w in want:
        if w not in text:
            V.problems.append('%s: no %r' % (name, w))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def golden_json(name):
    """The case's stdout as JSON, None (a problem) when it is not."""
    try:
        return json.loads(V.golden(name, 'out'))
    except (TypeError, ValueError):
        V.problems.append('%s: the output is not JSON' % name)
        return None


def heap_case(name, core='testdata/coreheap/'):
    """heapdump of a core: what testdata/gen/coreheap built (counts.json)
    retained by its globals and a parked goroutine's frame, and its
    objects by Go type (types_case: Go 1.19, 1.21 and 1.23 alike)."""
    c = json.loads(read(core + 'counts.json'))
    d = golden_json(name)
    if d is None:
        return None, c
    roots = {r['name']: r for r in d['roots']}
    import verify_heapdump as HD
    HD.V = V
    after_slot = after_array(c, HD.Dump(unzstd(core + 'heap.dump.zst')))
    want = built(c, after_slot)
    for root, bytes_ in want.items():
        if roots.get(root, {}).get('retained') != bytes_:
            V.problems.append('%s: %s retains %s, the program built %d bytes'
                              % (name, root, roots.get(root, {}).get('retained'), bytes_))
    s = d['suspects'][0] if d['suspects'] else {}
    if (s.get('root'), s.get('group_count'), s.get('group_size')) != \
            ('main.Store', c['store_pages'], c['page_bytes']):
        V.problems.append('%s: the first suspect is not main.Store\'s %d pages of %d bytes'
                          % (name, c['store_pages'], c['page_bytes']))
    frames = [r for r in d['roots'] if r['name'].endswith(': main.holder')]
    if not frames or frames[0]['retained'] < c['stack_objects'] * c['node_bytes']:
        V.problems.append('%s: no main.holder frame retaining %d nodes' % (name, c['stack_objects']))
    # the core holds what the program allocated after MemStats too
    if not c['heap_objects'] <= d['objects'] <= c['heap_objects'] + 400:
        V.problems.append('%s: %d objects, MemStats.HeapObjects %d'
                          % (name, d['objects'], c['heap_objects']))
    types_case(name, d, c, after_slot if after_slot is not None else c['after_gc'] * 8, core)
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')
    return d, c


CH = 'testdata/coreheap/'
CH122 = 'testdata/coreheap122/'
CH123 = 'testdata/coreheap123/'
PARTIAL_DUMP = ("partial: a heap dump's goroutines, without wait reasons, not a point of the "
                "series beside whole goroutine snapshots")


def unzstd(path):
    return subprocess.run(['zstd', '-dc', os.path.join(V.ROOT, path)], check=True,
                          stdout=subprocess.PIPE).stdout


def coreheap_facts(ch=CH):
    """What leaks, triage and diff of testdata/coreheap must find, from the
    program's counts.json and the heap dump the same process wrote just
    before its core (parsed and its retained sizes recomputed by
    verify_heapdump's reader, globals named by `readelf -sW` of the
    decompressed executable): the roots' retained bytes, the reachable
    bytes, the suspects (>= 10%), main.Store's accumulation point (the
    object of store_pages pointers; the core holds the dump's objects at
    the same addresses, test_core_heap) and the program's own goroutines."""
    import tempfile
    import verify_heapdump as HD
    HD.V = V
    c = json.loads(read(ch + 'counts.json'))
    d = HD.Dump(unzstd(ch + 'heap.dump.zst'))
    with tempfile.NamedTemporaryFile(suffix='.exe') as t:
        t.write(unzstd(ch + 'core.exe.zst'))
        t.flush()
        syms = HD.symbols(t.name)
    _, rb, ret = HD.analyse(d, syms)
    for k, want in built(c, after_array(c, d)).items():
        if ret.get(k) != want:
            V.problems.append('%s: the heap dump\'s %s retains %s, counts.json %d'
                              % (ch, k, ret.get(k), want))
    # main's goroutine wrote the dump and ran on until the core: what only
    # its frames held then may be garbage in the core (its stack roots are
    # precise, from the stack maps: core_stackmaps.c)
    roots = d.roots
    d.roots = [r for r in roots if not (r[0] == 'frame' and r[3][0] == 1)]
    _, rb_moved, _ = HD.analyse(d, syms)
    d.roots = roots
    acc = [(a, s) for a, (s, ptrs) in d.objects.items() if len(ptrs) == c['store_pages']
           and all(d.objects.get(q, (0,))[0] == c['page_bytes'] for q in ptrs)]
    return {'ch': ch, 'c': c, 'rb': rb, 'rb_moved': rb_moved, 'ret': ret, 'syms': syms,
            'suspects': sorted((h for h, v in ret.items() if v * 10 >= rb), key=lambda h: -ret[h]),
            'acc': '0x%x (%d B)' % acc[0] if len(acc) == 1 else None,
            'acc_core': store_array(c),
            'goroutines': sum(1 for g in d.gs if not g['system'])}


def core_reachable(name, f, r):
    """The core's reachable bytes: the dump's, less what only main's frames
    held then (it ran on), and the few objects the program allocated
    between the dump and the core (counts.json)."""
    if not f['rb_moved'] <= r <= f['rb'] + 16384:
        V.problems.append('%s: the core reaches %d bytes, the dump taken just before %d (%d '
                          'without main\'s frames)' % (name, r, f['rb'], f['rb_moved']))


def retention_want(f, evidence, last_rb, acc, group_type=None):
    """leaks' retention candidate of main.Store (leaks.h, verify_heapdump's
    rules): described by the last file that has it (acc: its name of
    main.Store's array there; group_type: its pages' Go type when that file
    is the core), severity by its share."""
    c = f['c']
    store = c['store_retained']
    share = 100.0 * store / last_rb
    from verify_heapdump import severity
    return {'severity': severity(share, [e['retained_bytes'] for e in evidence]),
            'kind': 'retention', 'confidence': 'low', 'mechanism': 'retention',
            'culprit': 'main.Store', 'weight': store, 'evidence': evidence,
            'owner': 'main.Store', 'owner_kind': 'global', 'roots': ['main.Store'],
            'accumulation_point': acc, 'structure': acc,
            'group_count': c['store_pages'], 'group_size': c['page_bytes'],
            'group_retained': c['store_pages'] * c['page_bytes'],
            'group_type': group_type,
            'retained_bytes': store, 'reachable_bytes': last_rb,
            'share_percent': round(share, 1), 'snapshots': len(evidence)}


def leaks_json_cases(f, cases):
    """leaks --format json on the core of f (and its heap dump): main.Store's
    retention candidate, the program's goroutines in one snapshot."""
    store = f['c']['store_retained']
    n = f['goroutines']
    ch = f['ch']
    for name, files in cases:
        d = golden_json(name)
        if d is None:
            continue
        cands = d['candidates']
        if len(cands) != 1 or f['suspects'] != ['main.Store']:
            V.problems.append('%s: candidates %s, the dump\'s suspects %s'
                              % (name, [x['culprit'] for x in cands], f['suspects']))
            continue
        got_c = dict(cands[0])
        r = got_c['evidence'][0]['reachable_bytes']
        core_reachable(name, f, r)
        ev = [{'file': ch + 'core.core.zst', 'retained_bytes': store, 'reachable_bytes': r}]
        if 'dump' in files:
            ev.append({'file': ch + 'heap.dump.zst', 'retained_bytes': store,
                       'reachable_bytes': f['rb']})
        core = 'dump' not in files
        want = retention_want(f, ev, ev[-1]['reachable_bytes'], f['acc_core'] if core else f['acc'],
                              f['c']['page_type'] if core else None)
        got_c['share_percent'] = round(got_c['share_percent'], 1)
        for k, v in want.items():
            if got_c.get(k) != v:
                V.problems.append('%s: %s is %r, want %r' % (name, k, got_c.get(k), v))
        s = d['summary']
        if (s['goroutine_snapshots'], s['goroutines_first'], s['goroutines_last'],
                s['heap_snapshots']) != (1, n, n, 0):
            V.problems.append('%s: summary %s, the dump has %d goroutines of the program'
                              % (name, s, n))
        V.expect(name, 'err', '' if len(files) == 1 else
                 'heapscope: leaks: not used: 2 files (2 other files)\n')
        V.expect(name, 'code', '0\n')


def leaks_cases(f, prefix='coreheap', dir_case=True):
    CH = f['ch']
    cases = [(prefix + '-leaks-json', ['core'])]
    if dir_case:
        cases.append((prefix + '-leaks-dir-json', ['core', 'dump']))
    leaks_json_cases(f, cases)
    # the text: the same candidate, its owner and accumulation point
    name = prefix + '-leaks'
    V.checked.add(name)
    text = V.golden(name, 'out') or ''
    c = f['c']
    for w in ('1 leak candidate\n', 'medium main.Store  (retention, confidence low)',
              '   - owner: main.Store (global); owning structure %s' % f['acc_core'],
              '   - accumulation point: %s holds %d %s objects of %dB' % (
                  f['acc_core'], c['store_pages'], c['page_type'], c['page_bytes']),
              '   - in %score.core.zst' % CH):
        if w not in text:
            V.problems.append('%s: no %r' % (name, w))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def triage_cases(f):
    import verify_triage as T
    T.V = V
    import verify_growth
    T.V_G = verify_growth
    verify_growth.V = V
    name = 'coreheap-triage-json'
    d = T.load(name)
    if d is None:
        return
    store, n = f['c']['store_retained'], f['goroutines']
    T.common(name, d, 0)
    r = [e['total'] for fd in d['findings'] for e in fd['evidence']]
    r = r[0] if r else 0
    core_reachable(name, f, r)
    # the core's heap and the dump's: one retention finding, evidence from both
    got = [(x['source'], x['kind'], x['culprit'], x['severity'], x['weight'], x['evidence'])
           for x in d['findings']]
    ev = [{'file': CH + 'core.core.zst', 'dump': 0, 'value': store, 'total': r},
          {'file': CH + 'heap.dump.zst', 'dump': 0, 'value': store, 'total': f['rb']}]
    from verify_heapdump import severity
    T.check(name, 'findings', got, [('leaks', 'retention', 'main.Store',
                                     severity(100.0 * store / f['rb'], [store, store]), store, ev)])
    # named as leaks.h says, from the heap dump that describes it (the
    # last given): its own memprof records, read by verify_allocsite
    import verify_allocsite
    import verify_heapdump as HD
    hd = HD.Dump(unzstd(CH + 'heap.dump.zst'))
    HD.analyse(hd, f['syms'])
    verify_allocsite.triage_retention(V, name, HD.GRAPH, hd, CH + 'heap.dump.zst', d['findings'])
    T.check(name, 'heap dump suspects', [(s['file'], s['root'], s['retained'], s['reachable'])
                                         for s in d['heapdump']],
            [(CH + 'core.core.zst', 'main.Store', store, r),
             (CH + 'heap.dump.zst', 'main.Store', store, f['rb'])])
    # the inventory: the core listed once, read for its heap and its goroutines
    ut = T.utimes_of(name)
    want = []
    for base, kind in (('core.core.zst', 'core'), ('core.exe.zst', 'other'),
                       ('counts.json', 'other'), ('heap.dump.zst', 'heapdump')):
        why = {'other': 'other file: not used by triage', 'heapdump': PARTIAL_DUMP}.get(kind)
        want.append((CH + base, kind, T.rfc3339(ut[CH + base] * 10**9), 'mtime',
                     kind != 'other', why, 0 if kind == 'core' else None))
    T.check(name, 'inputs', [(i['path'], i['kind'], i['time'], i['time_from'], i['used'], i['why'],
                              i['snapshot']) for i in d['inputs']], want)
    T.check(name, 'used for', d['used_for'], {
        CH + 'core.core.zst': ['leaks', 'goroutines', 'blocking', 'heapdump', 'timeline'],
        CH + 'core.exe.zst': [], CH + 'counts.json': [], CH + 'heap.dump.zst': ['leaks', 'heapdump']})
    T.check(name, 'timeline', [(t['file'], t.get('goroutines')) for t in d['timeline']],
            [(CH + 'core.core.zst', n)])
    T.check(name, 'goroutines', sum(g['count'] for g in d['goroutines']), n)
    err = 'heapscope: triage: not used: 2 files (2 other files)\n'
    T.check(name, 'stderr', V.golden(name, 'err'), err)
    T.text_case('coreheap-triage', d, T.goroutine_lines(d) + [
        '  core           (file mtime)         leaks, goroutines, blocking, heapdump, timeline '
        + CH + 'core.core.zst'], err)


def diff_case(f):
    """The heap dump against the core taken right after it: the program's
    globals keep what counts.json says on both sides, recomputed from the
    dump for the base."""
    name = 'coreheap-diff-json'
    V.checked.add(name)
    d = golden_json(name)
    if d is None:
        return
    if (d['base'], d['new'], d['base_reachable_bytes']) != (CH + 'heap.dump.zst', CH + 'core.core.zst',
                                                            f['rb']):
        V.problems.append('%s: base, new or base reachable bytes differ' % name)
    core_reachable(name, f, d['new_reachable_bytes'])
    rows = {x['key']: x for x in d['rows'] if x['kind'] == 'root'}
    for k, v in built(f['c']).items():
        x = rows.get(k, {})
        if (x.get('base'), x.get('new'), x.get('growth')) != (v, v, 0):
            V.problems.append('%s: %s %s, the program built %d on both sides' % (name, k, x, v))
    # every global of the base side as recomputed from the dump
    names = {n for _, _, n in f['syms']}
    for k, x in rows.items():
        if k in names and x['base'] != f['ret'].get(k, 0):
            V.problems.append('%s: %s base %d, recomputed %s' % (name, k, x['base'], f['ret'].get(k)))
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


REFUSED_WARN = ("heapscope: %s: 'testdata/coreheap/core.core.zst': warning: goroutines only: "
                "unsupported Go version: no runtime.heapArena in DWARF\n")


def refused_cases(f):
    """coreheap-refused-*: testdata/coreheap's core with noarena.exe.zst,
    its executable whose DWARF (generate-coreheap-noarena.sh) no longer
    names runtime.heapArena, so that the heap layout is refused: heapdump
    says so and exits 2; leaks and triage say it once as a warning and
    read the core's goroutines (the program's own: the heap dump written
    just before the core has n of them, main.holder parked on a channel
    receive), exit 0 (no finding)."""
    n = f['goroutines']
    V.refused('coreheap-refused-heapdump', "heapscope: heapdump: 'testdata/coreheap/"
              "core.core.zst': unsupported Go version: no runtime.heapArena in DWARF\n")
    import verify_heapdump as HD
    HD.V = V
    d = HD.Dump(unzstd(CH + 'heap.dump.zst'))
    holder = [g['reason'] for g in d.gs if not g['system']
              and any(fr[0] == 'main.holder' for fr in g['frames'])]
    name = 'coreheap-refused-leaks-json'
    j = golden_json(name)
    if j is not None:
        s = j['summary']
        got = (j['verdict'], j['candidates'], s['goroutine_snapshots'], s['goroutines_first'],
               s['goroutines_last'], s['heap_snapshots'])
        if got != ('no leak signal', [], 1, n, n, 0):
            V.problems.append('%s: %s, want no candidate, %d goroutines in 1 snapshot, no heap'
                              % (name, got, n))
    name = 'coreheap-refused-leaks'
    V.checked.add(name)
    text = V.golden(name, 'out') or ''
    for w in ('0 leak candidates\n', 'No leak signal.\n',
              '   goroutines: flat at %d over 1 snapshot' % n):
        if w not in text:
            V.problems.append('%s: no %r' % (name, w))
    name = 'coreheap-refused-triage-json'
    j = golden_json(name)
    if j is not None:
        got = (j['verdict'], j['findings'], j['heapdump'], j['used_for'],
               [t['goroutines'] for t in j['timeline']], sum(g['count'] for g in j['goroutines']),
               [g['state'] for g in j['goroutines'] if g['top'] == 'main.holder'])
        want = ('healthy', [], [], {CH + 'core.core.zst': ['leaks', 'goroutines', 'blocking',
                                                            'timeline']}, [n], n, holder)
        if got != want:
            V.problems.append('%s: %s, want %s' % (name, got, want))
    for name, cmd in (('coreheap-refused-leaks-json', 'leaks'), ('coreheap-refused-leaks', 'leaks'),
                      ('coreheap-refused-triage-json', 'triage')):
        V.expect(name, 'err', REFUSED_WARN % cmd)
        V.expect(name, 'code', '0\n')


CH121 = 'testdata/coreheap121/'
CHA64 = 'testdata/coreheap-arm64/'


def go121_cases():
    """coreheap121-*: the same program built by Go 1.21.13 (one-bit heap
    bitmap and noMorePtrs): heapdump as heap_case checks the 1.19 core;
    leaks' one candidate, main.Store's retention with its owner and
    accumulation point, from that core's counts.json and heap dump."""
    f = coreheap_facts(CH121)
    heap_case('coreheap121-heapdump-json', CH121)
    leaks_json_cases(f, (('coreheap121-leaks-json', ['core']),))


def run(v):
    global V
    V = v
    f = coreheap_facts()
    leaks_cases(f)
    triage_cases(f)
    diff_case(f)
    refused_cases(f)
    go121_cases()
    json_case('core-goroutines-json')
    json_case('core-pie-goroutines-json', CORE + 'pie/')
    json_case('core-kernel-goroutines-json', CORE + 'kernel/')
    json_case('core-go122-goroutines-json', CORE + 'go122/')
    leaks_cases(coreheap_facts(CH122), 'coreheap122', dir_case=False)
    heap_case('coreheap122-heapdump-json', CH122)
    json_case('core-go123-goroutines-json', CORE + 'go123/')
    json_case('core-arm64-goroutines-json', CORE + 'arm64/')
    heap_case('coreheap-arm64-heapdump-json', CHA64)
    leaks_json_cases(coreheap_facts(CHA64), (('coreheap-arm64-leaks-json', ['core']),))
    json_case('core-arm64-go123-goroutines-json', CORE + 'arm64/go123/')
    heap_case('coreheap123-arm64-heapdump-json', 'testdata/coreheap123-arm64/')
    for run in ('cgo', 'cgo1'):
        cgo_case('core-%s-goroutines-json' % run, run, 'gcore')
        cgo_case('core-%s-kernel-goroutines-json' % run, run, 'kernel')
    leaks_cases(coreheap_facts(CH123), 'coreheap123', dir_case=False)
    heap_case('coreheap123-heapdump-json', CH123)
    cut_case('core-bad-cut')
    cut_case('core-heap-bad-cut', 'heapdump')
    d, c = heap_case('coreheap-heapdump-json')
    if d is not None:
        types_text_case('coreheap-heapdump', d)
    wrong_exe_case('core-bad-wrong-exe')
    machine_case('core-bad-machine', CORE + 'arm64/riscv.core')
    info_cases()
    for name, err in HAND.items():
        V.refused(name, err, EMPTY.get(name, ''))
