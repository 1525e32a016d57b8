# a length varint claiming 4 GiB
heapscope info testdata/bad/len-4g.pb
