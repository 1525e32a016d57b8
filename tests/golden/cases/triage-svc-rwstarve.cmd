@utime testdata/pprof/services/rwstarve/goroutine-1.txt.gz 1796550958
@utime testdata/pprof/services/rwstarve/goroutine-2.txt.gz 1796550960
@utime testdata/pprof/services/rwstarve/goroutine-3.txt.gz 1796550963
@utime testdata/pprof/services/rwstarve/counts.json 1796550963
# issue 14 (tests/golden/verify_triage.py): triage on testdata/pprof/services/rwstarve, its lock contention checked against its counts.json and pprof -raw / -top -cum
heapscope triage testdata/pprof/services/rwstarve
