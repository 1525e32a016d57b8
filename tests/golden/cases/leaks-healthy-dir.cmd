# the healthy control, every file: no leak signal, with its numbers (3 snapshots flat at 6)
heapscope leaks testdata/pprof/healthy
