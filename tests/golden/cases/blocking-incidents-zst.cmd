# = blocking-incidents: the same dump (goroutine-2.txt.gz inflated) compressed with zstd -19
heapscope blocking testdata/pprof/zstd/goroutine-incidents-2.txt.zst
