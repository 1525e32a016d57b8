# the same as JSON
heapscope leaks --format json testdata/pprof/incidents/goroutine-1.txt.gz testdata/pprof/incidents/goroutine-2.txt.gz
