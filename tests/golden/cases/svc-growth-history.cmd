@utime testdata/pprof/services/history/goroutine-1.txt.gz 1796550955
@utime testdata/pprof/services/history/goroutine-2.txt.gz 1796550955
@utime testdata/pprof/services/history/goroutine-3.txt.gz 1796550955
@utime testdata/pprof/services/history/counts.json 1796550955
# issue 13 (tests/golden/verify_services.py): growth on the whole folder of the history service (its three heap profiles are the series: goroutine profiles named before them do not make it a goroutine series) (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth testdata/pprof/services/history
