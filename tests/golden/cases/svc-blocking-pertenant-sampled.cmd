@utime testdata/pprof/services/pertenant-sampled/counts.json 1796569988
@utime testdata/pprof/services/pertenant-sampled/goroutine-1.txt.gz 1796569983
@utime testdata/pprof/services/pertenant-sampled/goroutine-2.txt.gz 1796569985
@utime testdata/pprof/services/pertenant-sampled/goroutine-3.txt.gz 1796569988
# issue 13 (tests/golden/verify_services.py): blocking on the whole folder of the pertenant service at the default MemProfileRate (pertenant-sampled: generate-services.sh, -sampled) (testdata/gen/services), checked against its counts.json1796569988
heapscope blocking testdata/pprof/services/pertenant-sampled
