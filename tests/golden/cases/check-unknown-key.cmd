heapscope check --rules testdata/rules/bad/unknown-key.yaml testdata/pprof/heap.pb.gz
