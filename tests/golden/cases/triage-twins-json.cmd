@utime testdata/pprof/twins/counts.json 1796460000
# twins: each moment once (its debug=2 dump), the debug=1 file named as its twin
heapscope triage --format json testdata/pprof/twins
