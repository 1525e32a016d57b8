heapscope check --format json --rules testdata/rules/growth.yaml --base testdata/pprof/steady/heap-1.pb.gz testdata/pprof/steady/heap-3.pb.gz
