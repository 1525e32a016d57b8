@utime testdata/pprof/services/registry/goroutine-1.txt.gz 1796550941
@utime testdata/pprof/services/registry/goroutine-2.txt.gz 1796550942
@utime testdata/pprof/services/registry/goroutine-3.txt.gz 1796550942
@utime testdata/pprof/services/registry/counts.json 1796550942
# issue 13 (tests/golden/verify_services.py): growth over the three heap profiles of the registry service (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth --format json testdata/pprof/services/registry/heap-1.pb.gz testdata/pprof/services/registry/heap-2.pb.gz testdata/pprof/services/registry/heap-3.pb.gz
