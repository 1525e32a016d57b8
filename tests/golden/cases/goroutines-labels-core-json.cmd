@utime testdata/corelabels/core.core.zst 1796580331
# pprof labels of a core (Go 1.19), json: labels [{labels, count}] per group
heapscope goroutines --format json --exe testdata/corelabels/core.exe.zst testdata/corelabels/core.core.zst
