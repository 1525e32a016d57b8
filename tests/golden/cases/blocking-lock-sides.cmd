# the two sides of a lock, never summed: waiting (block profile, Lock) and holding (mutex profile, Unlock)
heapscope blocking --format json testdata/pprof/incidents/block.pb.gz testdata/pprof/incidents/mutex.pb.gz
