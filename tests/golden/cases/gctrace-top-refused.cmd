heapscope top testdata/gctrace/leak.log
