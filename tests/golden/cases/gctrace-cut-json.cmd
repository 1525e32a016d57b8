@utime testdata/gctrace/bad/cut.log 1795320000
heapscope gctrace --format json testdata/gctrace/bad/cut.log
