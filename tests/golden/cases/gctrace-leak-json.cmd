heapscope gctrace --format json --limit 1GiB testdata/gctrace/leak.log
