heapscope heapdump --exe testdata/heapdump/graph.sym testdata/heapdump/graph.dump.zst
