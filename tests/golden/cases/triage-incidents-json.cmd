# the same as one JSON document
heapscope triage --format json testdata/pprof/incidents
