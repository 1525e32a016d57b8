@utime testdata/heapdump/graph.dump.gz 1795320000
@utime testdata/heapdump/graph-4000.dump.gz 1795320000
heapscope leaks --format json --exe testdata/heapdump/graph.sym testdata/heapdump/graph.dump.gz testdata/heapdump/graph-4000.dump.gz
