heapscope gctrace testdata/pprof/goroutine-debug1.txt
