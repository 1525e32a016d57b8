heapscope goroutines testdata/heapdump/owner.dump.gz
