@utime testdata/pprof/incidents/goroutine-1.txt.gz 1795329448
@utime testdata/pprof/incidents/goroutine-2.txt.gz 1795329450
@utime testdata/pprof/incidents/block.pb.gz 1795329450
@utime testdata/pprof/incidents/mutex.pb.gz 1795329450
@utime testdata/pprof/incidents/counts.json 1795329450
# the incidents folder as ops hand it over (issue 12, part 4): the goroutine protobuf (time_nanos 06:37:30.04) was written right after dump 2, whose mtime (set here as a fresh folder has it, 06:37:30) pairs it with it: one moment, the dump used; dump 1 (06:37:28) another; block, mutex and counts.json not used. The candidates are those of leaks-incidents-json (the same two dumps)
heapscope leaks --format json testdata/pprof/incidents
