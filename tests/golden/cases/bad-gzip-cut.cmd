# heap.pb.gz cut in the middle
heapscope top testdata/bad/cut.pb.gz
