# the healthy control as JSON
heapscope triage --format json testdata/pprof/healthy
