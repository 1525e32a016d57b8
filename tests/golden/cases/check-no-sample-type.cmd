# a rule that cannot apply to a file is an error (exit 2), not a pass
heapscope check --rules testdata/rules/growth.yaml --base testdata/pprof/heap.pb.gz testdata/pprof/goroutine.pb.gz
