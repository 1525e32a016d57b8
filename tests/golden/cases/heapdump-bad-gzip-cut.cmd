# a gzip stream cut short: the offset counts what was inflated
heapscope heapdump testdata/heapdump/bad-gzip-cut.dump.gz
