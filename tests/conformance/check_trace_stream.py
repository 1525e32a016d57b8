#!/usr/bin/env python3
"""Traces read while they inflate (gzip, zstd) deliver what the same bytes
read whole deliver, and a decompression error comes first.

usage: check_trace_stream.py HEAPSCOPE SOURCE_ROOT
(trace_count is the test tool built beside HEAPSCOPE, BUILD/tests/trace_count;
the corpus is SOURCE_ROOT/../shared/corpus/trace)

For every trace (old format, Go 1.5-1.21, and Go 1.22+) of testdata/trace,
the shared corpus and the trace fuzz corpus, gzipped and zstd-compressed
here:
- trace_count --events streaming (the background inflater: pages given
  back, a second inflate for the merge, late batches copied) equals
  trace_count --events --whole (hs_input_from_buffer: inflated at once, the
  loader reading it whole), event by event, with the error and its offset;
  for Go 1.22+ traces (a first inflate checks the stream, a second is read
  one generation at a time, each given back once merged) the plain file
  too (its mapping's pages given back), and for old-format ones the plain
  file (indexed through a window read with pread: 1 KiB at first here);
- `heapscope trace --profile sync --format folded` (frames by name) on the
  gzipped file equals that on the plain file;
- gzip cut at two thirds: the gzip error, and no event delivered before it.
The windows are made small (HEAPSCOPE_TEST_TRACE_WINDOW=4096) so these small
traces take every streaming path.
"""
import glob
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile


def trace_minor(path):
    """The N of a "go 1.N trace" header, 0 when the file is no trace."""
    with open(path, 'rb') as f:
        head = f.read(16)
    if not head.startswith(b'go 1.') or b' trace' not in head:
        return 0
    minor = head[5:7].split(b' ')[0]
    return int(minor) if minor.isdigit() and 5 <= int(minor) <= 26 else 0


def run(cmd, env):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return p.returncode, p.stdout, p.stderr


def main():
    heapscope, root = sys.argv[1:3]
    trace_count = os.path.join(os.path.dirname(os.path.abspath(heapscope)), 'tests', 'trace_count')
    corpus = os.path.join(root, '..', 'shared', 'corpus', 'trace')
    files = sorted(glob.glob(os.path.join(root, 'testdata', 'trace', '*.trace')))
    files += sorted(glob.glob(os.path.join(corpus, '*.trace')))
    files += sorted(glob.glob(os.path.join(root, 'tests', 'fuzz', 'corpus', 'trace', '*')))
    files = [f for f in files if os.path.isfile(f) and trace_minor(f)]
    env = dict(os.environ, HEAPSCOPE_TEST_TRACE_WINDOW='4096')
    zstd = shutil.which('zstd')
    problems = checks = 0
    tmp = tempfile.mkdtemp(prefix='trace-stream-')
    try:
        for i, f in enumerate(files):
            data = open(f, 'rb').read()
            gz = os.path.join(tmp, '%d.trace.gz' % i)
            with open(gz, 'wb') as o:
                o.write(gzip.compress(data, 1))
            # the plain file too: Go 1.22+ (pages given back as merged)
            # and old-format ones (indexed through a window read with
            # pread, records across its edges, a record too long for it)
            variants = [gz, f]
            if zstd:
                zs = os.path.join(tmp, '%d.trace.zst' % i)
                subprocess.run([zstd, '-q', '-f', f, '-o', zs], check=True)
                variants.append(zs)
            for v in variants:
                checks += 1
                streamed = run([trace_count, '--events', v], env)
                whole = run([trace_count, '--events', '--whole', v], env)
                if streamed[:2] != whole[:2]:
                    problems += 1
                    print('%s (%s): streamed load differs from the whole load'
                          % (f, 'plain' if v == f else v[-3:]))
            checks += 1
            plain = run([heapscope, 'trace', '--profile', 'sync', '--format', 'folded', f], env)
            zipped = run([heapscope, 'trace', '--profile', 'sync', '--format', 'folded', gz], env)
            if plain[0] != zipped[0] or (plain[0] == 0 and plain[1] != zipped[1]):
                problems += 1
                print('%s: trace --profile sync differs gzipped' % f)
            cut = os.path.join(tmp, '%d.cut.gz' % i)
            blob = open(gz, 'rb').read()
            with open(cut, 'wb') as o:
                o.write(blob[:len(blob) * 2 // 3])
            checks += 1
            rc, out, _ = run([trace_count, cut], env)
            res = json.loads(out)
            delivered = sum(res['kinds'].values())
            if res['ok'] or 'gzip stream is truncated' not in res.get('error', '') or delivered:
                problems += 1
                print('%s: cut gzip: want the gzip error and no event, got %s, %d events'
                      % (f, res.get('error'), delivered))
    finally:
        shutil.rmtree(tmp)
    print('%d traces, %d checks, %d problems' % (len(files), checks, problems))
    if not files:
        print('no trace found')
        return 1
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
