# max_goroutines on a goroutine profile and on debug=1 and debug=2 dumps (171 each, counts.json)
heapscope check --rules testdata/rules/goroutines.yaml testdata/pprof/goroutine.pb.gz testdata/pprof/goroutine-debug1.txt testdata/pprof/goroutine-debug2.txt
