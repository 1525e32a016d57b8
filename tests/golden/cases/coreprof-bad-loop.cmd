# bucket 2 of runtime.mbuckets made to point back to bucket 0 (testdata/gen/coreprof/badlist.py, bad.json)
heapscope top --exe testdata/coreprof/core.exe.zst testdata/coreprof/loop.core.zst
