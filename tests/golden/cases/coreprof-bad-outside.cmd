# bucket 1 of runtime.mbuckets made to point at 0xdead0000, outside the core (bad.json)
heapscope dot --exe testdata/coreprof/core.exe.zst testdata/coreprof/outside.core.zst
