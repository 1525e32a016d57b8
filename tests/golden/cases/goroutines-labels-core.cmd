# pprof labels of a core (Go 1.19): shown per group with their counts, grouping unchanged
heapscope goroutines --exe testdata/corelabels/core.exe.zst testdata/corelabels/core.core.zst
