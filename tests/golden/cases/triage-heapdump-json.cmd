# a heap dump: its suspects (58.5% medium, 37.3% low), no high finding, exit 0
heapscope triage --format json testdata/heapdump/graph.dump.gz
