# heapdump of a core, text: main.Store's array and the histogram named by Go type (verify_core.py, against coreheap-heapdump-json and counts.json)
heapscope heapdump testdata/coreheap/core.core.zst --exe testdata/coreheap/core.exe.zst
