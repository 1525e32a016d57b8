heapscope gctrace --format json testdata/gctrace/bad/cut.log
