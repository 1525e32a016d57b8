@utime testdata/pprof/services/rwstarve/goroutine-1.txt.gz 1796550958
@utime testdata/pprof/services/rwstarve/goroutine-2.txt.gz 1796550960
@utime testdata/pprof/services/rwstarve/goroutine-3.txt.gz 1796550963
@utime testdata/pprof/services/rwstarve/counts.json 1796550963
# issue 13 (tests/golden/verify_services.py): growth on the whole folder of the rwstarve service (its three heap profiles are the series: goroutine profiles named before them do not make it a goroutine series) (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth --format json testdata/pprof/services/rwstarve
