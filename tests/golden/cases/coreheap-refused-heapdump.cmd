# heapdump of a core whose heap layout is refused: the refusal, exit 2 (verify_core.py)
heapscope heapdump --exe testdata/coreheap-refused/noarena.exe.zst testdata/coreheap/core.core.zst
