# --by state, json: every label set of the merged group, {} for the goroutines without
heapscope goroutines --by state --format json testdata/corelabels/goroutine.pb.gz
