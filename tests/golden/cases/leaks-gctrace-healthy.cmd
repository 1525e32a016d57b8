# a steady gctrace log beside the healthy dumps: no candidate, and the log's live heap among the numbers behind the verdict
heapscope leaks testdata/pprof/healthy/goroutine-1.txt.gz testdata/pprof/healthy/goroutine-2.txt.gz testdata/gctrace/steady.log
