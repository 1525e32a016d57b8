@utime testdata/pprof/services/pertenant/counts.json 1796550955
@utime testdata/pprof/services/pertenant/goroutine-1.txt.gz 1796550953
@utime testdata/pprof/services/pertenant/goroutine-2.txt.gz 1796550954
@utime testdata/pprof/services/pertenant/goroutine-3.txt.gz 1796550955
# issue 13 (tests/golden/verify_services.py): blocking on the whole folder of the pertenant service (testdata/gen/services), checked against its counts.json
heapscope blocking testdata/pprof/services/pertenant
