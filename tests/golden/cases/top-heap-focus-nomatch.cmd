# = go tool pprof -top -focus=nomatch on stdout; the warning on stderr is heapscope's (pprof: "Focus expression matched no samples")
heapscope top --focus=nomatch testdata/pprof/heap.pb.gz
