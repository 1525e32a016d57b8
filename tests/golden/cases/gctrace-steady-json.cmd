heapscope gctrace --format json testdata/gctrace/steady.log
