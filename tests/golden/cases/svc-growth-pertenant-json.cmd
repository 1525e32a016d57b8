@utime testdata/pprof/services/pertenant/goroutine-1.txt.gz 1796550953
@utime testdata/pprof/services/pertenant/goroutine-2.txt.gz 1796550954
@utime testdata/pprof/services/pertenant/goroutine-3.txt.gz 1796550955
@utime testdata/pprof/services/pertenant/counts.json 1796550955
# issue 13 (tests/golden/verify_services.py): growth on the whole folder of the pertenant service (its three heap profiles are the series: goroutine profiles named before them do not make it a goroutine series) (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth --format json testdata/pprof/services/pertenant
