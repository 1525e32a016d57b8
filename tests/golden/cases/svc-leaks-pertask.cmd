@utime testdata/pprof/services/pertask/goroutine-1.txt.gz 1796550946
@utime testdata/pprof/services/pertask/goroutine-2.txt.gz 1796550948
@utime testdata/pprof/services/pertask/goroutine-3.txt.gz 1796550952
@utime testdata/pprof/services/pertask/counts.json 1796550952
@utime testdata/pprof/services/pertask/trace.out.gz 1796550951
# issue 13 (tests/golden/verify_services.py): leaks on the whole folder of the pertask service (testdata/gen/services), checked against its counts.json
heapscope leaks testdata/pprof/services/pertask
