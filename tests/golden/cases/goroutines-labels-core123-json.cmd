@utime testdata/corelabels/go123/core.core.zst 1796580331
# pprof labels of a core (Go 1.23), json
heapscope goroutines --format json --exe testdata/corelabels/go123/core.exe.zst testdata/corelabels/go123/core.core.zst
