# hostile dump: the error names the byte offset
heapscope heapdump testdata/heapdump/bad-tag.dump.gz
