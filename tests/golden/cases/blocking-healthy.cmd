# the healthy control in text: contention first, then the idle waits apart
heapscope blocking testdata/pprof/healthy
