@utime testdata/heapdump/owner.dump.gz 1795329450
heapscope leaks --format json --exe testdata/heapdump/owner.sym testdata/heapdump/owner.dump.gz
