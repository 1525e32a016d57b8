# = heapdump-graph, the --exe binary compressed with zstd --ultra -22
heapscope heapdump --exe testdata/heapdump/graph.sym.zst testdata/heapdump/graph.dump.zst
