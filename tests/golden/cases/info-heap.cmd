# info text; counts checked against go tool pprof -raw, the protobuf itself and file sizes
heapscope info testdata/pprof/heap.pb.gz
