heapscope goroutines --format json testdata/heapdump/owner.dump.gz
