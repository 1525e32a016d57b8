#!/usr/bin/env python3
"""Make the bad inputs in testdata/bad/ from testdata/pprof/heap.pb(.gz).

    python3 testdata/bad/make.py          # (re)write the files
    python3 testdata/bad/make.py --check  # only verify the committed ones

Each file has one defect, placed at a byte offset computed here; the script
prints, for every file, the message heapscope should give and the offset
(the golden cases in tests/golden/cases/bad-*.err were checked against this
listing, not copied from heapscope).  Offsets are into the file as written:
none of the protobuf defects is gzipped, so file offset = protobuf offset.

Everything is derived from the committed profile bytes (no compression is
redone), so the output is byte-for-byte reproducible.
"""
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
PPROF = os.path.join(HERE, '..', 'pprof')


def varint(b, i):
    """Decode a varint at b[i]; return (value, next offset)."""
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7f) << shift
        shift += 7
        if c < 0x80:
            return v, i


def enc_varint(v):
    out = bytearray()
    while True:
        c = v & 0x7f
        v >>= 7
        if v:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def fields(b, start=0, end=None):
    """Top-level fields of a message: dicts with the tag offset, field
    number, wire type and (LEN) length offset / payload range or (VARINT)
    value offset and value."""
    end = len(b) if end is None else end
    i, out = start, []
    while i < end:
        at = i
        t, i = varint(b, i)
        f, wt = t >> 3, t & 7
        if wt == 2:
            lo = i
            n, i = varint(b, i)
            out.append(dict(at=at, field=f, wt=wt, len_at=lo, start=i, end=i + n))
            i += n
        elif wt == 0:
            vo = i
            v, i = varint(b, i)
            out.append(dict(at=at, field=f, wt=wt, value_at=vo, value=v, end=i))
        else:
            raise SystemExit('unexpected wire type %d at %d' % (wt, at))
    return out


heap = open(os.path.join(PPROF, 'heap.pb'), 'rb').read()
heapgz = open(os.path.join(PPROF, 'heap.pb.gz'), 'rb').read()
top = fields(heap)
assert zlib.decompress(heapgz, 31) == heap, 'heap.pb is not heap.pb.gz gunzipped'
nstrings = sum(1 for f in top if f['field'] == 6)
ntypes = sum(1 for f in top if f['field'] == 1)
loc_ids = set()
for f in top:
    if f['field'] == 4:
        for g in fields(heap, f['start'], f['end']):
            if g['field'] == 1:
                loc_ids.add(g['value'])
files = {}      # name -> bytes
expect = {}     # name -> the message heapscope should print (after "cannot read 'F': ")


# -- not a profile at all ---------------------------------------------------
files['empty.pb'] = b''
expect['empty.pb'] = 'empty file, no profile (at byte 0)'

# The 8-byte PNG signature and a 1x1 IHDR chunk (CRC included).
ihdr = b'IHDR' + (1).to_bytes(4, 'big') * 2 + bytes([8, 6, 0, 0, 0])
files['image.png'] = (b'\x89PNG\r\n\x1a\n' + len(ihdr[4:]).to_bytes(4, 'big') + ihdr +
                      zlib.crc32(ihdr).to_bytes(4, 'big'))
expect['image.png'] = 'not a profile heapscope reads (looks like a PNG image) (at byte 0)'

files['notes.txt'] = b'This is not a profile, just a few words of plain text.\n'
expect['notes.txt'] = 'not a profile heapscope reads (looks like text) (at byte 0)'

# -- gzip -------------------------------------------------------------------
# heap.pb.gz cut in the middle: inflate runs out of input at the cut.
cut = len(heapgz) // 2
files['cut.pb.gz'] = heapgz[:cut]
inflated = len(zlib.decompressobj(31).decompress(heapgz[:cut]))
expect['cut.pb.gz'] = ('gzip stream is truncated (%d bytes inflated so far) (at byte %d)'
                       % (inflated, cut))

# The first deflate block header is the low 3 bits of the byte after the
# 10-byte gzip header (FLG must be 0: no name, extra or comment).  BTYPE 11
# is reserved: zlib says "invalid block type".
assert heapgz[3] == 0, 'gzip header has optional fields'
bad = bytearray(heapgz)
assert (bad[10] >> 1) & 3 != 3
bad[10] |= 0x06
files['bad-block.pb.gz'] = bytes(bad)
expect['bad-block.pb.gz'] = 'corrupt gzip stream: invalid block type (at byte 10)'

# -- protobuf framing -------------------------------------------------------
# Cut inside a varint: time_nanos (field 9) is a 9-byte varint at the top
# level; keep its tag and 3 of its bytes.  The varint starts at value_at.
t9 = next(f for f in top if f['field'] == 9)
assert t9['end'] - t9['value_at'] > 4
files['cut-varint.pb'] = heap[:t9['value_at'] + 3]
expect['cut-varint.pb'] = 'truncated varint (profile) (at byte %d)' % t9['value_at']

# Cut inside a length-delimited field: the top-level field that holds the
# middle byte, cut halfway through its payload.  The error points at the
# field's length varint.
mid = next(f for f in top if f['wt'] == 2 and f['start'] <= len(heap) // 2 < f['end'])
cutat = (mid['start'] + mid['end']) // 2
files['cut-len.pb'] = heap[:cutat]
ctx = 'profile field' if mid['field'] in (3, 4, 5) else 'profile'
expect['cut-len.pb'] = ('%s claims %d bytes but only %d remain (at byte %d)'
                        % (ctx, mid['end'] - mid['start'], cutat - mid['start'], mid['len_at']))

# A string table entry whose length varint claims 4 GiB (5-byte varint in
# place of a 1-byte one; everything after it stays).
s = [f for f in top if f['field'] == 6][nstrings // 2]
assert s['start'] - s['len_at'] == 1
claim = enc_varint(4 << 30)
files['len-4g.pb'] = heap[:s['len_at']] + claim + heap[s['start']:]
remain = len(files['len-4g.pb']) - (s['len_at'] + len(claim))
expect['len-4g.pb'] = ('string claims %d bytes but only %d remain (at byte %d)'
                       % (4 << 30, remain, s['len_at']))

# -- protobuf content -------------------------------------------------------
# The first function's name (field 2) refers to string 127; the table has
# fewer entries.  The varint keeps its 1-byte length.
fn = next(f for f in top if f['field'] == 5)
name = next(g for g in fields(heap, fn['start'], fn['end']) if g['field'] == 2)
assert name['end'] - name['value_at'] == 1 and nstrings < 127
b = bytearray(heap)
b[name['value_at']] = 127
files['string-index.pb'] = bytes(b)
expect['string-index.pb'] = ('string index 127 out of range (the string table has %d entries) (at byte %d)'
                             % (nstrings, name['value_at']))


def sample_parts(f):
    """The first sample's packed values and location ids, with offsets."""
    g = fields(heap, f['start'], f['end'])
    assert [x['field'] for x in g] == [2, 1], 'sample layout changed'
    return g[0], g[1]


smp = next(f for f in top if f['field'] == 2)
vals, locs = sample_parts(smp)

# The first sample's last location id (a 1-byte varint) becomes 127, which
# no location has.  Expected offset: that varint.
assert heap[locs['end'] - 1] < 0x80 and (locs['end'] - 2 < locs['start'] or heap[locs['end'] - 2] < 0x80)
assert 127 not in loc_ids
b = bytearray(heap)
b[locs['end'] - 1] = 127
files['unknown-location.pb'] = bytes(b)
expect['unknown-location.pb'] = ('sample 1 references unknown location id 127 (at byte %d)'
                                 % (locs['end'] - 1))

# The first sample loses its last value (4 sample types, 3 values).  Both
# length prefixes shrink by one and stay 1 byte; the error points at the
# start of the sample's payload, which does not move.
v = []
i = vals['start']
while i < vals['end']:
    x, i = varint(heap, i)
    v.append(x)
assert len(v) == ntypes == 4 and all(x < 0x80 for x in v)
newvals = b'\x12' + enc_varint(3) + bytes(v[:3])
body = newvals + heap[locs['at']:locs['end']]
assert smp['start'] - smp['len_at'] == 1 and len(body) < 0x80
files['sample-values.pb'] = heap[:smp['at']] + b'\x12' + enc_varint(len(body)) + body + heap[smp['end']:]
expect['sample-values.pb'] = ('sample 1 has 3 values but the profile has %d sample types (at byte %d)'
                              % (ntypes, smp['start']))

# No sample_type fields at all (all four removed); the samples keep their 4
# values.  The first sample is the first to disagree; its payload start
# moves back by the removed bytes.
st = [f for f in top if f['field'] == 1]
files['no-sample-types.pb'] = b''.join(heap[a['end'] if i else 0:b['at']] for i, (a, b) in
                                       enumerate(zip([None] + st, st + [dict(at=len(heap))])))
removed = sum(f['end'] - f['at'] for f in st)
assert len(files['no-sample-types.pb']) == len(heap) - removed
assert all(f['end'] < smp['at'] for f in st)
expect['no-sample-types.pb'] = ('sample 1 has %d values but the profile has 0 sample types (at byte %d)'
                                % (len(v), smp['start'] - removed))


def main():
    check = '--check' in sys.argv[1:]
    bad = 0
    for name in sorted(files):
        path = os.path.join(HERE, name)
        if check:
            try:
                same = open(path, 'rb').read() == files[name]
            except OSError:
                same = False
            if not same:
                print('stale: %s' % name)
                bad = 1
        else:
            with open(path, 'wb') as f:
                f.write(files[name])
        print('%-22s %5d bytes  %s' % (name, len(files[name]), expect[name]))
    return bad


if __name__ == '__main__':
    sys.exit(main())
