# 3 values for 4 sample types
heapscope top testdata/bad/sample-values.pb
