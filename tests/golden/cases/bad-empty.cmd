# empty file
heapscope top testdata/bad/empty.pb
