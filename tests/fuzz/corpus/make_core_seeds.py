#!/usr/bin/env python3
"""Write the seed corpus tests/fuzz/corpus/core/ for fuzz_core.

    python3 tests/fuzz/corpus/make_core_seeds.py

The first byte of a seed picks the mode of fuzz_core.c (even: DWARF
sections, odd: a core and its executable).  Seeds, all small and built
here:
  - dwarf-go: DWARF 4 as the Go linker writes it (DW_FORM_string names,
    ref_addr types, exprloc DW_OP_addr locations, sdata constants, Go's
    DW_AT_go_kind), describing runtime.g with its sched gobuf, a slice
    global runtime.allgs, an array global and constants;
  - dwarf-go-zlib: the same .debug_info SHF_COMPRESSED (Elf64_Chdr + zlib);
  - dwarf-v5: the same entries in a DWARF 5 unit header with strp names;
  - core-mini: an ELF core (PT_NOTE with NT_PRSTATUS, NT_AUXV and NT_FILE, a PT_LOAD
    whose file size is below its memory size, one mapping the executable's
    first page) and an executable (ET_EXEC, its Go build id note in its
    PT_LOAD, .debug_info/.debug_abbrev sections of dwarf-go): it opens, and
    the goroutine reader stops at the missing runtime.firstmoduledata, the
    heap reader refuses Go 1.22's layout;
  - core-mini-cut-*: the same core cut inside its headers and notes;
  - core-mini-gz: the core gzipped;
  - core-mini-arm64: the same pair for e_machine 183 (arm64): NT_PRSTATUS
    with user_pt_regs (x0-x30, sp, pc, pstate; lr x30 set);
  - core-mini-arm64-nonote: that core without the file bytes of the
    executable's first page (as qemu-user writes cores): no copy of the
    build id note, nor of read-only data: refused;
  - heap121, heap123: testdata/coreheap121 and coreheap123 (Go 1.21: the
    one-bit heap bitmap, core_heap_bits.c; Go 1.23: allocation headers,
    core_heap_hdr.c; both: goroutine stack maps, core_stackmaps.c) cut
    down: the executable's read-only segments to their first page, as the
    kernel's core keeps them, the other segments to their non-zero pages
    (the zero pages become memory without file bytes), the core plain, the executable with its .text zeroed
    (pclntab and DWARF are what is read) and zstd -19.  Needs zstd.
Files found later by the fuzzer are added by hand under their own names.
"""
import gzip
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_seeds import varint as uleb, write_seeds  # noqa: E402  (protobuf's varint is ULEB128)
OUT = os.path.join(HERE, 'core')


def sleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        done = (v == 0 and not b & 0x40) or (v == -1 and b & 0x40)
        out.append(b | (0 if done else 0x80))
        if done:
            return bytes(out)


# abbrev code -> (tag, children, [(attr, form)])
STRING, DATA1, UDATA, SDATA, REF_ADDR, EXPRLOC, STRP = 0x08, 0x0b, 0x0f, 0x0d, 0x10, 0x18, 0x0e
ABBREVS = {
    1: (0x11, 1, [(0x03, STRING)]),                                      # compile unit
    2: (0x13, 1, [(0x03, STRING), (0x0b, UDATA), (0x2900, DATA1)]),      # struct
    3: (0x0d, 0, [(0x03, STRING), (0x38, UDATA), (0x49, REF_ADDR)]),     # member
    4: (0x24, 0, [(0x03, STRING), (0x0b, UDATA), (0x2900, DATA1)]),      # base type
    5: (0x34, 0, [(0x03, STRING), (0x02, EXPRLOC), (0x49, REF_ADDR)]),   # variable
    6: (0x27, 0, [(0x03, STRING), (0x1c, SDATA), (0x49, REF_ADDR)]),     # constant
    7: (0x01, 1, [(0x03, STRING), (0x49, REF_ADDR)]),                    # array
    8: (0x21, 0, [(0x37, UDATA)]),                                       # subrange
    9: (0x0f, 0, [(0x03, STRING), (0x49, REF_ADDR)]),                    # pointer
}


def abbrev_table(name_form=STRING):
    out = bytearray()
    for code, (tag, children, attrs) in ABBREVS.items():
        out += uleb(code) + uleb(tag) + bytes([children])
        for a, f in attrs:
            out += uleb(a) + uleb(name_form if (a == 0x03) else f)
        out += b'\0\0'
    return bytes(out + b'\0')


class Info:
    """Entries of one unit; ref_addr offsets fixed up once laid out."""

    def __init__(self, header_len, strp=False):
        self.body = bytearray()
        self.header_len = header_len
        self.strp = strp
        self.strs = bytearray(b'\0')
        self.fix = []
        self.at = {}

    def name(self, s):
        if not self.strp:
            return s.encode() + b'\0'
        off = len(self.strs)
        self.strs += s.encode() + b'\0'
        return struct.pack('<I', off)

    def die(self, label, code, *vals):
        self.at[label] = self.header_len + len(self.body)
        self.body += uleb(code)
        for (attr, form), v in zip(ABBREVS[code][2], vals):
            if attr == 0x03:
                self.body += self.name(v)
            elif form == UDATA:
                self.body += uleb(v)
            elif form == SDATA:
                self.body += sleb(v)
            elif form == DATA1:
                self.body += bytes([v])
            elif form == REF_ADDR:
                self.fix.append((len(self.body), v))
                self.body += b'\0\0\0\0'
            elif form == EXPRLOC:
                self.body += uleb(9) + b'\x03' + struct.pack('<Q', v)

    def end(self):
        self.body += b'\0'

    def done(self):
        for pos, label in self.fix:
            struct.pack_into('<I', self.body, pos, self.at[label])
        return bytes(self.body)


def go_unit(version=4):
    hdr = 11 if version == 4 else 12
    u = Info(hdr, strp=version == 5)
    u.die('cu', 1, 'runtime')
    u.die('uintptr', 4, 'uintptr', 8, 12)
    u.die('int64', 4, 'int64', 8, 6)
    u.die('uint32', 4, 'uint32', 4, 10)
    u.die('gobuf', 2, 'runtime.gobuf', 56, 25)
    u.die('sp', 3, 'sp', 0, 'uintptr')
    u.die('pc', 3, 'pc', 8, 'uintptr')
    u.end()
    u.die('g', 2, 'runtime.g', 392, 25)
    u.die('sched', 3, 'sched', 56, 'gobuf')
    u.die('status', 3, 'atomicstatus', 144, 'uint32')
    u.die('goid', 3, 'goid', 152, 'int64')
    u.end()
    # Go 1.22's heapArena: no heap bitmap (allocation headers)
    u.die('ha', 2, 'runtime.heapArena', 4096, 25)
    u.die('hspans', 3, 'spans', 0, 'uintptr')
    u.end()
    u.die('pg', 9, '*runtime.g', 'g')
    u.die('slice', 2, '[]*runtime.g', 24, 23)
    u.die('array', 3, 'array', 0, 'pg')
    u.die('len', 3, 'len', 8, 'int64')
    u.die('cap', 3, 'cap', 16, 'int64')
    u.end()
    u.die('allgs', 5, 'runtime.allgs', 0x56e730, 'slice')
    u.die('arr', 7, '[3]uint32', 'uint32')
    u.die('sub', 8, 3)
    u.end()
    u.die('strs', 5, 'runtime.waitReasonStrings', 0x56b5e0, 'arr')
    u.die('gw', 6, 'runtime._Gwaiting', 4, 'uint32')
    u.die('neg', 6, 'runtime.negative', -5, 'int64')
    u.end()
    body = u.done()
    if version == 4:
        head = struct.pack('<IHIB', 7 + len(body), 4, 0, 8)
    else:
        head = struct.pack('<IHBBI', 8 + len(body), 5, 1, 8, 0)
    return head + body, bytes(u.strs)


def dwarf_seed(mode, info, abbrev, strs=b''):
    return bytes([mode]) + struct.pack('<II', len(info), len(abbrev)) + info + abbrev + strs


def chdr(data):
    return struct.pack('<IIQQ', 1, 0, len(data), 1) + zlib.compress(data, 9)


def elf_header(etype, entry, phnum, shoff=0, shnum=0, shstrndx=0, machine=62):
    return (b'\x7fELF' + bytes([2, 1, 1, 0]) + b'\0' * 8 +
            struct.pack('<HHIQQQIHHHHHH', etype, machine, 1, entry, 64, shoff, 0, 64, 56, phnum,
                        64, shnum, shstrndx))


def phdr(ptype, off, vaddr, filesz, memsz, flags=4):
    return struct.pack('<IIQQQQQQ', ptype, flags, off, vaddr, 0, filesz, memsz, 1)


def note(name, ntype, desc):
    n = name + b'\0'
    pad = lambda b: b + b'\0' * (-len(b) % 4)
    return struct.pack('<III', len(n), len(desc), ntype) + pad(n) + pad(desc)


def shdr(name, stype, flags, addr, off, size):
    return struct.pack('<IIQQQQIIQQ', name, stype, flags, addr, off, size, 0, 0, 1, 0)


def executable(info, abbrev, machine=62):
    """ET_EXEC: one PT_LOAD of the first page with the Go build id note,
    then the DWARF sections and the section headers."""
    gonote = note(b'Go', 4, b'fuzz-build-id/0123456789abcdef')
    first = bytearray(elf_header(2, 0x401000, 2, machine=machine))
    note_off = 64 + 2 * 56
    first += phdr(1, 0, 0x400000, 0x1000, 0x1000, 5)
    first += phdr(4, note_off, 0x400000 + note_off, len(gonote), len(gonote))
    first += gonote
    first += b'\0' * (0x1000 - len(first))
    strtab = b'\0.debug_info\0.debug_abbrev\0.shstrtab\0'
    body = bytes(first)
    offs = []
    for blob in (info, abbrev, strtab):
        offs.append(len(body))
        body += blob
    shoff = len(body) + (-len(body) % 8)
    body += b'\0' * (shoff - len(body))
    body += shdr(0, 0, 0, 0, 0, 0)
    body += shdr(1, 1, 0, 0, offs[0], len(info))
    body += shdr(13, 1, 0, 0, offs[1], len(abbrev))
    body += shdr(27, 3, 0, 0, offs[2], len(strtab))
    body = bytearray(body)
    body[0x28:0x30] = struct.pack('<Q', shoff)
    body[0x3c:0x40] = struct.pack('<HH', 4, 3)
    return bytes(body), bytes(first)


def core(first_page, arm64=False, text=True):
    if arm64:    # user_pt_regs: x0-x30, sp, pc, pstate
        prstatus = bytearray(112 + 34 * 8 + 8)
        struct.pack_into('<Q', prstatus, 112 + 32 * 8, 0x401234)  # pc
        struct.pack_into('<Q', prstatus, 112 + 31 * 8, 0xc000000f00)  # sp
        struct.pack_into('<Q', prstatus, 112 + 30 * 8, 0x401100)  # lr
    else:
        prstatus = bytearray(112 + 27 * 8 + 8)
        struct.pack_into('<Q', prstatus, 112 + 16 * 8, 0x401234)      # rip
        struct.pack_into('<Q', prstatus, 112 + 19 * 8, 0xc000000f00)  # rsp
    struct.pack_into('<I', prstatus, 32, 4242)
    auxv = struct.pack('<QQQQQQ', 9, 0x401000, 3, 0x400040, 0, 0)
    files = struct.pack('<QQQQQ', 1, 4096, 0x400000, 0x402000, 0) + b'/fuzz/exe\0'
    notes = (note(b'CORE', 1, bytes(prstatus)) + note(b'CORE', 6, auxv) +
             note(b'CORE', 0x46494c45, files))
    head = 64 + 3 * 56
    off_notes = head
    off_page = (off_notes + len(notes) + 0xfff) & ~0xfff
    off_heap = off_page + 0x1000
    out = bytearray(elf_header(4, 0, 3, machine=183 if arm64 else 62))
    out += phdr(4, off_notes, 0, len(notes), 0)
    out += phdr(1, off_page, 0x400000, 0x1000 if text else 0, 0x1000, 5)
    out += phdr(1, off_heap, 0xc000000000, 0x100, 0x10000, 6)    # zeros past 0x100
    out += notes
    out += b'\0' * (off_page - len(out))
    out += first_page
    out += bytes(range(256))
    return bytes(out)


PAGE = 0x1000


def nonzero_runs(seg):
    """(start, end) offsets of the runs of non-zero pages of seg."""
    runs, start = [], None
    for k in range(0, len(seg), PAGE):
        zero = seg[k:k + PAGE].count(0) == len(seg[k:k + PAGE])
        if not zero and start is None:
            start = k
        if zero and start is not None:
            runs.append((start, k))
            start = None
    if start is not None:
        runs.append((start, len(seg)))
    return runs


def cut_core(d, exe_end):
    """The core d with its notes; the executable's read-only segments
    (below exe_end) reduced to their first page (the build id note), as a
    kernel's core leaves them; every other PT_LOAD one segment per run of
    non-zero pages and memory-only segments between them."""
    phoff, = struct.unpack_from('<Q', d, 32)
    phnum, = struct.unpack_from('<H', d, 56)
    notes, loads = [], []
    for i in range(phnum):
        t, fl, off, va, _, fs, ms, _ = struct.unpack_from('<IIQQQQQQ', d, phoff + 56 * i)
        if t == 4:
            notes.append(d[off:off + fs])
        elif t == 1 and va < exe_end and not fl & 2:
            loads.append((fl, va, d[off:off + min(fs, PAGE)], ms))
        elif t == 1:
            at = 0
            for a, b in nonzero_runs(d[off:off + fs]):
                if a > at:
                    loads.append((fl, va + at, b'', a - at))
                loads.append((fl, va + a, d[off + a:off + b], b - a))
                at = b
            if ms > at:
                loads.append((fl, va + at, b'', ms - at))
    n = len(notes) + len(loads)
    out = bytearray(d[:64])
    struct.pack_into('<Q', out, 32, 64)
    struct.pack_into('<H', out, 56, n)
    body = 64 + 56 * n
    blobs = bytearray()
    for nt in notes:
        out += phdr(4, body + len(blobs), 0, len(nt), 0)
        blobs += nt
    for fl, va, data, ms in loads:
        out += struct.pack('<IIQQQQQQ', 1, fl, body + len(blobs), va, 0, len(data), ms, PAGE)
        blobs += data
    return bytes(out + blobs)


def cut_exe(e):
    """The executable with the bytes of .text zeroed, and where its
    highest PT_LOAD ends."""
    e = bytearray(e)
    shoff, = struct.unpack_from('<Q', e, 40)
    shnum, shstrndx = struct.unpack_from('<HH', e, 60)
    strs = struct.unpack_from('<IIQQQQ', e, shoff + 64 * shstrndx)[4]
    phoff, = struct.unpack_from('<Q', e, 32)
    phnum, = struct.unpack_from('<H', e, 56)
    end = 0
    for i in range(phnum):
        t, _, _, va, _, _, ms, _ = struct.unpack_from('<IIQQQQQQ', e, phoff + 56 * i)
        if t == 1:
            end = max(end, va + ms)
    for i in range(shnum):
        name, _, _, _, off, size = struct.unpack_from('<IIQQQQ', e, shoff + 64 * i)
        if e[strs + name:e.index(b'\0', strs + name)] == b'.text':
            e[off:off + size] = bytes(size)
    return bytes(e), end


def heap_seed(name):
    """A seed of testdata/NAME: the cut-down core, the executable zstd'd."""
    import subprocess
    td = os.path.join(HERE, '..', '..', '..', 'testdata', name)

    def unzstd(f):
        return subprocess.run(['zstd', '-q', '-d', '-c', os.path.join(td, f)], check=True,
                              stdout=subprocess.PIPE).stdout
    exe, end = cut_exe(unzstd('core.exe.zst'))
    c = cut_core(unzstd('core.core.zst'), end)
    z = subprocess.run(['zstd', '-q', '-19', '-c'], input=exe, check=True,
                       stdout=subprocess.PIPE).stdout
    return b'\x01' + struct.pack('<I', len(c)) + c + z


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {}
    info, _ = go_unit(4)
    abbrev = abbrev_table()
    seeds['dwarf-go'] = dwarf_seed(0, info, abbrev)
    seeds['dwarf-go-zlib'] = dwarf_seed(2, chdr(info), abbrev)
    info5, strs5 = go_unit(5)
    seeds['dwarf-v5'] = dwarf_seed(0, info5, abbrev_table(STRP), strs5)
    exe, first = executable(info, abbrev)
    c = core(first)
    seeds['core-mini'] = b'\x01' + struct.pack('<I', len(c)) + c + exe
    for cut in (40, 64 + 56, 64 + 3 * 56 + 20, 64 + 3 * 56 + 200):
        seeds['core-mini-cut-%d' % cut] = b'\x01' + struct.pack('<I', cut) + c[:cut] + exe
    gz = gzip.compress(c, 9, mtime=0)
    seeds['core-mini-gz'] = b'\x01' + struct.pack('<I', len(gz)) + gz + exe
    exe64, first64 = executable(info, abbrev, 183)
    for name, text in (('core-mini-arm64', True), ('core-mini-arm64-nonote', False)):
        c = core(first64, arm64=True, text=text)
        seeds[name] = b'\x01' + struct.pack('<I', len(c)) + c + exe64
    for v in ('121', '123'):
        seeds['heap' + v] = heap_seed('coreheap' + v)
    write_seeds(OUT, seeds)


if __name__ == '__main__':
    main()
