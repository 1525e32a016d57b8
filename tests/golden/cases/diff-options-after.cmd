# options after the files are read as files: say so
heapscope diff testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-5.pb.gz --normalize
