@utime testdata/pprof/services/pertask/goroutine-1.txt.gz 1796550946
@utime testdata/pprof/services/pertask/goroutine-2.txt.gz 1796550948
@utime testdata/pprof/services/pertask/goroutine-3.txt.gz 1796550952
# issue 13 (tests/golden/verify_services.py): leaks on the pertask service, the three goroutine dumps alone (they name the creator, not its caller)
heapscope leaks --format json testdata/pprof/services/pertask/goroutine-1.txt.gz testdata/pprof/services/pertask/goroutine-2.txt.gz testdata/pprof/services/pertask/goroutine-3.txt.gz
