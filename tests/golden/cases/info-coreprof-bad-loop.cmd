# info on a core whose bucket list loops (bad.json): described all the same, the heap profile not read and why, exit 0 (verify_coreprof.py)
heapscope info --exe testdata/coreprof/core.exe.zst testdata/coreprof/loop.core.zst
