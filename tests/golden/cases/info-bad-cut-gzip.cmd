# info counts without keeping samples; a cut gzip stream is named as the full load names it
heapscope info testdata/bad/cut.pb.gz
