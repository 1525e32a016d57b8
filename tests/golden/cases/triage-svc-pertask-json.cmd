@utime testdata/pprof/services/pertask/counts.json 1796550952
@utime testdata/pprof/services/pertask/goroutine-1.txt.gz 1796550946
@utime testdata/pprof/services/pertask/goroutine-2.txt.gz 1796550948
@utime testdata/pprof/services/pertask/goroutine-3.txt.gz 1796550952
@utime testdata/pprof/services/pertask/trace.out.gz 1796550951
# issue 14 (tests/golden/verify_triage.py): triage on testdata/pprof/services/pertask, checked against its counts.json and pprof -raw
heapscope triage --format json testdata/pprof/services/pertask
