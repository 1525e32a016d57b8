heapscope heapdump --format json --exe testdata/heapdump/owner.sym testdata/heapdump/owner.dump.gz
