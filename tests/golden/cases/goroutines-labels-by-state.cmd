# --by state merges labelled and unlabelled goroutines: {} counts the ones without labels, the text names 4 sets and "and 1 more"
heapscope goroutines --by state testdata/corelabels/goroutine.pb.gz
