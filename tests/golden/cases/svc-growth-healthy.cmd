@utime testdata/pprof/services/healthy/goroutine-1.txt.gz 1796550965
@utime testdata/pprof/services/healthy/goroutine-2.txt.gz 1796550967
@utime testdata/pprof/services/healthy/goroutine-3.txt.gz 1796550968
@utime testdata/pprof/services/healthy/counts.json 1796550968
# issue 13 (tests/golden/verify_services.py): growth on the whole folder of the healthy service (its three heap profiles are the series: goroutine profiles named before them do not make it a goroutine series) (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth testdata/pprof/services/healthy
