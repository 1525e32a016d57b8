# the healthy control: nothing to report
heapscope leaks testdata/pprof/healthy/goroutine-1.txt.gz testdata/pprof/healthy/goroutine-2.txt.gz
