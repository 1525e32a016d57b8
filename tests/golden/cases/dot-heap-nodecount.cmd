# = go tool pprof -dot -nodecount=4 (nodelets count towards the node count)
heapscope dot --nodecount=4 testdata/pprof/heap.pb.gz
