heapscope heapdump --format json --exe testdata/heapdump/graph.sym testdata/heapdump/graph.dump.gz
