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
  - for the other bad inputs, the texts below, checked by hand against
    testdata/gen/generate-core.sh, which made them.
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
    for state, key in (('chan send', 'chan_send'), ('select', 'select'),
                       ('semacquire', 'mutex_wait')):
        if states.count(state) != counts[key]:
            V.problems.append('%s: stack.txt has %d %s goroutines, counts.json %d'
                              % (name, states.count(state), state, counts[key]))
    if len(gs) != counts['goroutines']:
        V.problems.append('%s: stack.txt has %d goroutines, counts.json %d'
                          % (name, len(gs), counts['goroutines']))
    # every goroutine of the text is one gdb found in the core
    gdb = [int(l.split()[0 if l[0] != '*' else 1]) for l in read(core + 'gdb-goroutines.txt').splitlines()]
    missing = {g[0] for g in gs} - set(gdb)
    if missing:
        V.problems.append('%s: goroutines %s are not in gdb\'s list' % (name, sorted(missing)))
    groups = {}
    for g in gs:
        key = (tuple(g[3]), g[1], g[4])
        groups.setdefault(key, []).append(g[2])
    rows = sorted(groups.items(), key=lambda kv: (-len(kv[1]), '\n'.join(kv[0][0])))
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


def cut_case(name, cmd='goroutines'):
    raw = subprocess.run(['zstd', '-dc', os.path.join(V.ROOT, CORE + 'bad-cut.core.zst')],
                         check=True, stdout=subprocess.PIPE).stdout
    phoff, = struct.unpack_from('<Q', raw, 0x20)
    ptype, = struct.unpack_from('<I', raw, phoff)
    off, filesz = struct.unpack_from('<Q', raw, phoff + 8)[0], struct.unpack_from('<Q', raw, phoff + 32)[0]
    assert ptype == 4, 'the first program header is the notes'
    V.expect(name, 'err', "heapscope: " + cmd + ": 'testdata/core/bad-cut.core.zst': truncated: "
             "program header 0 (notes) needs bytes up to %d, the file has %d (at byte %d of the "
             "decompressed data)\n" % (off + filesz, len(raw), phoff))
    V.expect(name, 'out', '')
    V.expect(name, 'code', '2\n')


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


def info_cases():
    """info on the core: its threads (the NT_PRSTATUS notes read here), its
    goroutines (stack.txt less its printing goroutine, = counts.json), its
    size; without --exe, what it needs, exit 0."""
    from verify_growth import label
    path = CORE + 'core.core.zst'
    threads = notes(path)[('count', b'CORE', 1)]
    n = len(goroutines(read(CORE + 'stack.txt'))) - 1
    if n != json.loads(read(CORE + 'counts.json'))['goroutines']:
        V.problems.append('info-core: stack.txt has %d goroutines, counts.json another count' % n)
    size = os.path.getsize(os.path.join(V.ROOT, path))
    head = '%s\n  format:        ELF core (zstd)\n  kind:          core\n  size:          %s\n' % (
        path, label(size))
    V.expect('info-core', 'out', head + '  threads:       %d\n  goroutines:    %d (the program\'s; '
             'the runtime\'s left out)\n' % (threads, n))
    V.expect('info-core-noexe', 'out', head + '  goroutines:    not read: give --exe BINARY, the '
             'executable that wrote it\n')
    got = V.golden('info-core-json', 'out')
    try:   # "inputs" is verify_inputs.py's to check
        inputs = json.loads(got).get('inputs') if got else None
    except ValueError:
        inputs = None
    want = {'files': [{'file': path, 'format': 'core', 'gzipped': False, 'zstd': True, 'kind': 'core',
                       'bytes': size, 'decoded_bytes': 0, 'read': True, 'threads': threads,
                       'goroutines': n, 'needs': None}], 'inputs': inputs}
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


def wrong_exe_case(name):
    V.expect(name, 'err', "heapscope: goroutines: 'testdata/core/core.core.zst': --exe "
             "'testdata/core/wrong.exe.zst': not the executable that wrote the core (build ids "
             "differ; the core ran %s)\n" % core_ran(CORE + 'core.core.zst'))
    V.expect(name, 'out', '')
    V.expect(name, 'code', '2\n')


def heap_case(name, core='testdata/coreheap/'):
    """heapdump of a core: what testdata/gen/coreheap built (counts.json)
    retained by its globals and a parked goroutine's frame."""
    c = json.loads(read(core + 'counts.json'))
    got = V.golden(name, 'out')
    try:
        d = json.loads(got)
    except (TypeError, ValueError):
        V.problems.append('%s: the output is not JSON' % name)
        return
    roots = {r['name']: r for r in d['roots']}
    want = {'main.Store': c['store_retained'], 'main.List': c['list_retained'],
            'main.Registry': c['registry_pages'] * c['page_bytes'],
            'main.After': c['after_gc'] * (c['node_bytes'] + 8)}
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
    V.expect(name, 'err', '')
    V.expect(name, 'code', '0\n')


def run(v):
    global V
    V = v
    json_case('core-goroutines-json')
    json_case('core-pie-goroutines-json', CORE + 'pie/')
    json_case('core-kernel-goroutines-json', CORE + 'kernel/')
    cut_case('core-bad-cut')
    cut_case('core-heap-bad-cut', 'heapdump')
    heap_case('coreheap-heapdump-json')
    wrong_exe_case('core-bad-wrong-exe')
    info_cases()
    for name, err in HAND.items():
        V.expect(name, 'err', err)
        V.expect(name, 'out', EMPTY.get(name, ''))
        V.expect(name, 'code', '2\n')
