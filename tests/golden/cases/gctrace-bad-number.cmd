heapscope gctrace testdata/gctrace/bad/bad-number.log
