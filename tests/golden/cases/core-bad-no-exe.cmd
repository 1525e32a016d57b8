# a core without --exe
heapscope goroutines testdata/core/core.core.zst
