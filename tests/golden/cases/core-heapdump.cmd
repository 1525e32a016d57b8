# heapdump given a core: what is and is not read yet
heapscope heapdump testdata/core/core.core.zst
