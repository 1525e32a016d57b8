heapscope blocking --format json testdata/heapdump/owner.dump.gz
