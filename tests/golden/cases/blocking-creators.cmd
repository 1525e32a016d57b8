# both dumps of the per-request leak: the expiry loops grew, so they are no idle
# worker loop; the fixed pool and the accept loop stay idle
heapscope blocking testdata/pprof/creators/goroutine-1.txt.gz testdata/pprof/creators/goroutine-2.txt.gz
