# a core read as a heap profile without --exe
heapscope top testdata/coreprof/core.core.zst
