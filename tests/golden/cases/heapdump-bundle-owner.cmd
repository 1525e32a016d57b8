# issue 14: the bundle map owned by the shared server object, text (verify_heapdump.py)
heapscope heapdump testdata/bundle/dumps/heapdump-20261122T034300.dump.gz
