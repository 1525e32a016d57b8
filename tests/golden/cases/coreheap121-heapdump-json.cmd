# heapdump of a Go 1.21 core (one-bit heap bitmap, noMorePtrs): main.Store's pages, main.List, main.Registry, main.After, a parked frame (verify_core.py)
heapscope heapdump --format json testdata/coreheap121/core.core.zst --exe testdata/coreheap121/core.exe.zst
