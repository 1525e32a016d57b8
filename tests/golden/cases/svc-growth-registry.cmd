@utime testdata/pprof/services/registry/goroutine-1.txt.gz 1796550941
@utime testdata/pprof/services/registry/goroutine-2.txt.gz 1796550942
@utime testdata/pprof/services/registry/goroutine-3.txt.gz 1796550942
@utime testdata/pprof/services/registry/counts.json 1796550942
# issue 13 (tests/golden/verify_services.py): growth on the whole folder of the registry service (its three heap profiles are the series: goroutine profiles named before them do not make it a goroutine series) (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth testdata/pprof/services/registry
