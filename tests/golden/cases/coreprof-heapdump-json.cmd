# issue 15 item 7: allocation sites of a core's suspects from its profile specials (verify_allocsite.py: heap.pb.gz written just before the core)
heapscope heapdump --format json testdata/coreprof/core.core.zst --exe testdata/coreprof/core.exe.zst
