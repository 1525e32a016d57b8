@utime testdata/pprof/services/healthy/counts.json 1796550968
@utime testdata/pprof/services/healthy/goroutine-1.txt.gz 1796550965
@utime testdata/pprof/services/healthy/goroutine-2.txt.gz 1796550967
@utime testdata/pprof/services/healthy/goroutine-3.txt.gz 1796550968
# issue 14 (tests/golden/verify_triage.py): triage on testdata/pprof/services/healthy, checked against its counts.json and pprof -raw
heapscope triage --format json testdata/pprof/services/healthy
