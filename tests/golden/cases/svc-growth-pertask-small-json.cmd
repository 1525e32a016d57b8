@utime testdata/pprof/services/pertask/goroutine-1.txt.gz 1796550946
@utime testdata/pprof/services/pertask/goroutine-2.txt.gz 1796550948
@utime testdata/pprof/services/pertask/goroutine-3.txt.gz 1796550952
@utime testdata/pprof/services/pertask/counts.json 1796550952
@utime testdata/pprof/services/pertask/trace.out.gz 1796550951
# issue 13 (tests/golden/verify_services.py): growth on the pertask folder with --min-growth 100kB, so that library functions (time.NewTicker) are candidates: each names the own-code frame above it whose stacks grew most, checked against pprof -raw of the first and last heap profiles
heapscope growth --min-growth 100kB --format json testdata/pprof/services/pertask
