"""Make the two bad cores of testdata/coreprof/ from the good one: the
runtime's memory profile bucket list (runtime.mbuckets, linked by
bucket.allnext) made to loop, and made to point outside the core.

usage: python3 badlist.py EXE CORE OUTDIR

Nothing here uses heapscope: the address of runtime.mbuckets comes from
`readelf -sW EXE`, the offset of allnext in runtime.bucket from `readelf
--debug-dump=info EXE`, the core's memory from its PT_LOAD program headers.
Writes OUTDIR/loop.core, OUTDIR/outside.core and OUTDIR/bad.json (which
bucket was changed, to what: what the error must name)."""
import json
import re
import struct
import subprocess
import sys


def symbol(exe, name):
    out = subprocess.run(['readelf', '-sW', exe], stdout=subprocess.PIPE, check=True).stdout
    for ln in out.decode().splitlines():
        f = ln.split()
        if len(f) == 8 and f[7] == name:
            return int(f[1], 16)
    raise SystemExit('no symbol ' + name)


def member_offset(exe, struct_name, member):
    out = subprocess.run(['readelf', '--debug-dump=info', exe], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=True).stdout.decode().splitlines()
    for i, ln in enumerate(out):
        if ln.endswith('DW_AT_name        : ' + struct_name) and \
                'DW_TAG_structure_type' in out[i - 1]:
            for k in range(i + 1, len(out)):
                if re.search(r'<1><', out[k]):
                    break
                if out[k].endswith('DW_AT_name        : ' + member):
                    return int(out[k + 1].split(':')[-1])
    raise SystemExit('no member %s.%s' % (struct_name, member))


def loads(core):
    phoff, = struct.unpack_from('<Q', core, 0x20)
    phent, phnum = struct.unpack_from('<HH', core, 0x36)
    segs = []
    for i in range(phnum):
        typ, _, off, vaddr, _, filesz, memsz, _ = struct.unpack_from('<IIQQQQQQ', core,
                                                                       phoff + i * phent)
        if typ == 1:
            segs.append((vaddr, memsz, filesz, off))
    return segs


def offset(segs, addr):
    for vaddr, memsz, filesz, off in segs:
        if vaddr <= addr < vaddr + filesz:
            return off + addr - vaddr
    raise SystemExit('0x%x is not in the core' % addr)


def main():
    exe, core_path, outdir = sys.argv[1:4]
    core = bytearray(open(core_path, 'rb').read())
    segs = loads(core)
    head_addr = symbol(exe, 'runtime.mbuckets')   # a static executable: no bias
    allnext = member_offset(exe, 'runtime.bucket', 'allnext')
    u64 = lambda a: struct.unpack_from('<Q', core, offset(segs, a))[0]
    b = [u64(head_addr)]
    for _ in range(2):
        b.append(u64(b[-1] + allnext))
    facts = {}
    # bucket 2's allnext back to bucket 0
    loop = bytearray(core)
    struct.pack_into('<Q', loop, offset(segs, b[2] + allnext), b[0])
    open(outdir + '/loop.core', 'wb').write(loop)
    facts['loop'] = {'bucket': 2, 'back_to': 0, 'back_to_addr': b[0]}
    # bucket 1's allnext to an address no segment holds
    bad = 0xdead0000
    assert all(not (v <= bad < v + m) for v, m, _, _ in segs)
    out = bytearray(core)
    struct.pack_into('<Q', out, offset(segs, b[1] + allnext), bad)
    open(outdir + '/outside.core', 'wb').write(out)
    facts['outside'] = {'bucket': 2, 'addr': bad}
    with open(outdir + '/bad.json', 'w') as f:
        json.dump(facts, f, indent=2, sort_keys=True)
        f.write('\n')


main()
