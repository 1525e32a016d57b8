@utime testdata/pprof/services/pertask/goroutine-1.txt.gz 1796550946
@utime testdata/pprof/services/pertask/goroutine-2.txt.gz 1796550948
@utime testdata/pprof/services/pertask/goroutine-3.txt.gz 1796550952
@utime testdata/pprof/services/pertask/counts.json 1796550952
# issue 13 (tests/golden/verify_services.py): growth over the three heap profiles of the pertask service (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth testdata/pprof/services/pertask/heap-1.pb.gz testdata/pprof/services/pertask/heap-2.pb.gz testdata/pprof/services/pertask/heap-3.pb.gz
