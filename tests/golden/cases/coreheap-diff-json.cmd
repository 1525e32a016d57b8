# diff of the heap dump and the core taken right after it (verify_core.py)
heapscope diff --format json --exe testdata/coreheap/core.exe.zst testdata/coreheap/heap.dump.zst testdata/coreheap/core.core.zst
