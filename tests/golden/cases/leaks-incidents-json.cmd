@utime testdata/pprof/incidents/goroutine-1.txt.gz 1795329448
@utime testdata/pprof/incidents/goroutine-2.txt.gz 1795329450
# the same as JSON
heapscope leaks --format json testdata/pprof/incidents/goroutine-1.txt.gz testdata/pprof/incidents/goroutine-2.txt.gz
