heapscope diff --format dot testdata/heapdump/graph.dump.gz testdata/heapdump/graph-4000.dump.gz
