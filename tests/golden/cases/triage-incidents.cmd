@utime testdata/pprof/incidents/goroutine-1.txt.gz 1795329448
@utime testdata/pprof/incidents/goroutine-2.txt.gz 1795329450
@utime testdata/pprof/incidents/block.pb.gz 1795329450
@utime testdata/pprof/incidents/mutex.pb.gz 1795329450
@utime testdata/pprof/incidents/counts.json 1795329450
# the incident bundle, verdict first: two high findings, exit 1
heapscope triage testdata/pprof/incidents
