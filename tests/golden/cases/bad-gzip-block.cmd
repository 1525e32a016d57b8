# reserved deflate block type in the byte after the gzip header
heapscope top testdata/bad/bad-block.pb.gz
