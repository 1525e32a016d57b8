@utime testdata/pprof/locks/goroutine.txt 1795329450
@utime testdata/pprof/locks/counts.json 1795329450
# the same as JSON: lock_sites with both sides' numbers (block and mutex profile delays, dump goroutines) and cpu_under_lock
heapscope blocking --format json testdata/pprof/locks
