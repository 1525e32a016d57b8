# issue 14: the bundle map, reached by the 240 leaked watchers and main's frame: the shared server object owns it (verify_heapdump.py, testdata/bundle/counts.json)
heapscope heapdump --format json testdata/bundle/dumps/heapdump-20261122T034300.dump.gz
