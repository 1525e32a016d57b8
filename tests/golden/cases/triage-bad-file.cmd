# a bundle with a broken heap dump: the rest is still reported, exit 2
heapscope triage testdata/pprof/healthy testdata/heapdump/bad-cut.dump.gz
