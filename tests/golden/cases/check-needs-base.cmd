heapscope check --rules testdata/rules/growth.yaml testdata/pprof/heap.pb.gz
