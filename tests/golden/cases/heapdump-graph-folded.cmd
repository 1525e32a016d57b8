heapscope heapdump --format folded --exe testdata/heapdump/graph.sym testdata/heapdump/graph.dump.gz
