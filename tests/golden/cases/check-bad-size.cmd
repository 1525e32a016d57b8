heapscope check --rules testdata/rules/bad/size.yaml testdata/pprof/heap.pb.gz
