heapscope heapdump --format xml testdata/heapdump/graph.dump.gz
