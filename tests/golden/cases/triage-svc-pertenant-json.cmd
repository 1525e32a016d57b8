@utime testdata/pprof/services/pertenant/counts.json 1796550955
@utime testdata/pprof/services/pertenant/goroutine-1.txt.gz 1796550953
@utime testdata/pprof/services/pertenant/goroutine-2.txt.gz 1796550954
@utime testdata/pprof/services/pertenant/goroutine-3.txt.gz 1796550955
# issue 14 (tests/golden/verify_triage.py): triage on testdata/pprof/services/pertenant, checked against its counts.json and pprof -raw
heapscope triage --format json testdata/pprof/services/pertenant
