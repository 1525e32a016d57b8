heapscope leaks --format json --exe testdata/heapdump/graph.sym testdata/heapdump/graph.dump.gz testdata/heapdump/graph-4000.dump.gz
