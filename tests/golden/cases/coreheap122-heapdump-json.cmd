# heapdump of a Go 1.22 core (the first allocation headers): what testdata/gen/coreheap built, as coreheap-heapdump-json (verify_core.py)
heapscope heapdump --format json testdata/coreheap122/core.core.zst --exe testdata/coreheap122/core.exe.zst
