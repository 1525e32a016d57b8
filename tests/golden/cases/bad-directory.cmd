# a directory
heapscope top testdata/bad
