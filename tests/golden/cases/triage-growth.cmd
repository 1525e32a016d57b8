# the heap series as text
heapscope triage testdata/pprof/growth
