# = go tool pprof -top -ignore=main.churn
heapscope top --ignore=main.churn testdata/pprof/heap.pb.gz
