# a gctrace log and no heap profile (issue 12, part 3): its growing live heap is the heap growth signal, medium (no profile names a site), with the log's numbers
heapscope leaks testdata/gctrace/leak.log
