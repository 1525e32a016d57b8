# the sample labels of a goroutine profile (debug=0), json
heapscope goroutines --format json testdata/corelabels/goroutine.pb.gz
