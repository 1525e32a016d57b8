@utime testdata/pprof/services/healthy/goroutine-1.txt.gz 1796550965
@utime testdata/pprof/services/healthy/goroutine-2.txt.gz 1796550967
@utime testdata/pprof/services/healthy/goroutine-3.txt.gz 1796550968
@utime testdata/pprof/services/healthy/counts.json 1796550968
# issue 13 (tests/golden/verify_services.py): leaks on the whole folder of the healthy service (testdata/gen/services), checked against its counts.json
heapscope leaks --format json testdata/pprof/services/healthy
