# heapdump of a Go 1.23 core (allocation headers): what testdata/gen/coreheap built, as coreheap-heapdump-json (verify_core.py)
heapscope heapdump --format json testdata/coreheap123/core.core.zst --exe testdata/coreheap123/core.exe.zst
