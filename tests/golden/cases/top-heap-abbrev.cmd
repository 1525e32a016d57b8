# every long option takes any unambiguous prefix: --nodec is --nodecount
heapscope top --nodec=3 testdata/pprof/heap.pb.gz
