# heapdump of a core: main.Store's pages, main.List, main.Registry (data), main.After, a parked frame
heapscope heapdump --format json testdata/coreheap/core.core.zst --exe testdata/coreheap/core.exe.zst
