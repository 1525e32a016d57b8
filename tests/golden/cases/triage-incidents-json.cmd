@utime testdata/pprof/incidents/goroutine-1.txt.gz 1795329448
@utime testdata/pprof/incidents/goroutine-2.txt.gz 1795329450
@utime testdata/pprof/incidents/block.pb.gz 1795329450
@utime testdata/pprof/incidents/mutex.pb.gz 1795329450
@utime testdata/pprof/incidents/counts.json 1795329450
# the same as one JSON document
heapscope triage --format json testdata/pprof/incidents
