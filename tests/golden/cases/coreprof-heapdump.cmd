# issue 15 item 7: the same, text
heapscope heapdump testdata/coreprof/core.core.zst --exe testdata/coreprof/core.exe.zst
