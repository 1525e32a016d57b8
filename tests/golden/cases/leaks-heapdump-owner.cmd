heapscope leaks --exe testdata/heapdump/owner.sym testdata/heapdump/owner.dump.gz
