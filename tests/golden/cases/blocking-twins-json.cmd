@utime testdata/pprof/twins/counts.json 1796460000
# two moments, each a ?debug=1 profile and a debug=2 dump (testdata/gen/twins, stamps in the names): the twins count once, the dumps' evidence kept (150 and 300 goroutines in main.stuck, counts.json)
heapscope blocking --format json testdata/pprof/twins
