@utime testdata/pprof/incidents/goroutine-1.txt.gz 1795329448
@utime testdata/pprof/incidents/goroutine-2.txt.gz 1795329450
@utime testdata/pprof/incidents/block.pb.gz 1795329450
@utime testdata/pprof/incidents/mutex.pb.gz 1795329450
@utime testdata/pprof/incidents/counts.json 1795329450
# the incidents folder (mtimes set as a fresh folder has them): goroutine.pb.gz is dump 2's twin, so its evidence is left out (before: a third evidence line per goroutine hotspot); the contention hotspots are blocking-lock-sides', the goroutine ones the two dumps' groups (verify_incidents.py)
heapscope blocking --format json testdata/pprof/incidents
