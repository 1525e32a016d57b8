# the same as JSON: lock_sites with both sides' numbers (block and mutex profile delays, dump goroutines) and cpu_under_lock
heapscope blocking --format json testdata/pprof/locks
