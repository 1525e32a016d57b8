@utime testdata/pprof/incidents/goroutine-1.txt.gz 1795329448
@utime testdata/pprof/incidents/goroutine-2.txt.gz 1795329450
@utime testdata/pprof/incidents/block.pb.gz 1795329450
@utime testdata/pprof/incidents/mutex.pb.gz 1795329450
@utime testdata/pprof/incidents/counts.json 1795329450
# a mixed bundle: more findings than a screen of details, so one line each first
heapscope triage testdata/pprof/growth testdata/gctrace/leak.log testdata/heapdump/graph.dump.gz testdata/pprof/incidents
