# heapdump of a core cut at 40,000,000 bytes: its notes lie past the end
heapscope heapdump --exe testdata/core/core.exe.zst testdata/core/bad-cut.core.zst
