# the example rules file of the README: files globs split heap and goroutine rules
heapscope check --rules testdata/rules/example.yaml --base testdata/pprof/steady/heap-1.pb.gz testdata/pprof/steady/heap-3.pb.gz testdata/pprof/goroutine.pb.gz
