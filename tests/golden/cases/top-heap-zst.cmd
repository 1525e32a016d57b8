# = top-heap: heap.pb (heap.pb.gz inflated) compressed with zstd -19
heapscope top testdata/pprof/heap.pb.zst
