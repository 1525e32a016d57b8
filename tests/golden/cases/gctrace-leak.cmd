heapscope gctrace --limit 1GiB testdata/gctrace/leak.log
