heapscope heapdump --format dot --exe testdata/heapdump/graph.sym testdata/heapdump/graph.dump.gz
