@utime testdata/pprof/services/registry/counts.json 1796550942
@utime testdata/pprof/services/registry/goroutine-1.txt.gz 1796550941
@utime testdata/pprof/services/registry/goroutine-2.txt.gz 1796550942
@utime testdata/pprof/services/registry/goroutine-3.txt.gz 1796550942
# issue 14 (tests/golden/verify_triage.py): triage on testdata/pprof/services/registry, checked against its counts.json and pprof -raw
heapscope triage --format json testdata/pprof/services/registry
