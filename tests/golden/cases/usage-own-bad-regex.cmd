# a bad --own regex: one line, the command named once
heapscope leaks --own ( testdata/pprof/incidents/goroutine-2.txt.gz
