@utime testdata/pprof/healthy/counts.json 1795329450
@utime testdata/pprof/healthy/goroutine-1.txt.gz 1795329450
@utime testdata/pprof/healthy/goroutine-2.txt.gz 1795329450
# the healthy control, every file of it: idle waits (the workers' select loop,
# the accept loop, the ticks that ended in the block profile) listed after
# the contention, none of them with a "never exits" hint
heapscope blocking --format json testdata/pprof/healthy
