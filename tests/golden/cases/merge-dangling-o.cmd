# -o last, without its file
heapscope merge testdata/pprof/series/heap-1.pb.gz -o
