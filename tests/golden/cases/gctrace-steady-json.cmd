@utime testdata/gctrace/steady.log 1795320000
heapscope gctrace --format json testdata/gctrace/steady.log
