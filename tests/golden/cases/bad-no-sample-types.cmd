# heap.pb without its sample_type fields: the first sample has 4 values for 0 types
heapscope top testdata/bad/no-sample-types.pb
