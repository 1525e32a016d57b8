@utime testdata/heapdump/graph.dump.gz 1795320000
# a heap dump: its suspects (58.5% medium, 37.3% low), no high finding, exit 0
heapscope triage --format json testdata/heapdump/graph.dump.gz
