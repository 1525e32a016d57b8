heapscope heapdump --exe testdata/heapdump/graph.dump.gz testdata/heapdump/graph.dump.gz
