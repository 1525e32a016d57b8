@utime testdata/heapdump/owner.dump.gz 1795329450
heapscope blocking --format json testdata/heapdump/owner.dump.gz
