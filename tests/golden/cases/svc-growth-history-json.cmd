@utime testdata/pprof/services/history/goroutine-1.txt.gz 1796550955
@utime testdata/pprof/services/history/goroutine-2.txt.gz 1796550955
@utime testdata/pprof/services/history/goroutine-3.txt.gz 1796550955
@utime testdata/pprof/services/history/counts.json 1796550955
# issue 13 (tests/golden/verify_services.py): growth over the three heap profiles of the history service (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth --format json testdata/pprof/services/history/heap-1.pb.gz testdata/pprof/services/history/heap-2.pb.gz testdata/pprof/services/history/heap-3.pb.gz
