# = check-goroutines, the debug=2 dump compressed with zstd -19
heapscope check --rules testdata/rules/goroutines.yaml testdata/pprof/goroutine.pb.gz testdata/pprof/goroutine-debug1.txt testdata/pprof/goroutine-debug2.txt.zst
