@utime testdata/pprof/healthy/counts.json 1795329450
@utime testdata/pprof/healthy/goroutine-1.txt.gz 1795329450
@utime testdata/pprof/healthy/goroutine-2.txt.gz 1795329450
# the healthy control as JSON
heapscope triage --format json testdata/pprof/healthy
