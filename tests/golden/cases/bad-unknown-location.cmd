# a sample refers to location id 127
heapscope top testdata/bad/unknown-location.pb
