# the "# labels: {...}" lines of a ?debug=1 goroutine profile
heapscope goroutines testdata/corelabels/goroutine-debug1.txt
