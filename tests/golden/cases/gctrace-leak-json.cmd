@utime testdata/gctrace/leak.log 1795320000
heapscope gctrace --format json --limit 1GiB testdata/gctrace/leak.log
