# --own that does not compile: usage error
heapscope triage --own "(" testdata/pprof/healthy
