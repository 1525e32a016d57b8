@utime testdata/pprof/creators/counts.json 1795329450
@utime testdata/pprof/creators/goroutine-1.txt.gz 1795329450
@utime testdata/pprof/creators/goroutine-2.txt.gz 1795329450
# the same as JSON: the callers as frames, per_request, the mechanism
heapscope leaks --format json testdata/pprof/creators
