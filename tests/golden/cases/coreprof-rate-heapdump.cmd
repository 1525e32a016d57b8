# issue 15 item 7: a core sampled at MemProfileRate 4096 (verify_allocsite.py)
heapscope heapdump testdata/coreprof/rate/core.core.zst --exe testdata/coreprof/core.exe.zst
