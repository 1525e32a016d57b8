@utime testdata/pprof/services/history/counts.json 1796550955
@utime testdata/pprof/services/history/goroutine-1.txt.gz 1796550955
@utime testdata/pprof/services/history/goroutine-2.txt.gz 1796550955
@utime testdata/pprof/services/history/goroutine-3.txt.gz 1796550955
# issue 13 (tests/golden/verify_services.py): blocking on the whole folder of the history service (testdata/gen/services), checked against its counts.json
heapscope blocking --format json testdata/pprof/services/history
