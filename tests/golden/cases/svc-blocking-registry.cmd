@utime testdata/pprof/services/registry/counts.json 1796550942
@utime testdata/pprof/services/registry/goroutine-1.txt.gz 1796550941
@utime testdata/pprof/services/registry/goroutine-2.txt.gz 1796550942
@utime testdata/pprof/services/registry/goroutine-3.txt.gz 1796550942
# issue 13 (tests/golden/verify_services.py): blocking on the whole folder of the registry service (testdata/gen/services), checked against its counts.json
heapscope blocking testdata/pprof/services/registry
