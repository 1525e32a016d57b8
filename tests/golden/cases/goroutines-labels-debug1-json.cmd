@utime testdata/corelabels/goroutine-debug1.txt 1796580331
# the "# labels: {...}" lines of a ?debug=1 goroutine profile, json
heapscope goroutines --format json testdata/corelabels/goroutine-debug1.txt
