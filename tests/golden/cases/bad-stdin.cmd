# a bad profile on stdin
heapscope top - < testdata/bad/cut-len.pb
