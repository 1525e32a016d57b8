# a mixed bundle: more findings than a screen of details, so one line each first
heapscope triage testdata/pprof/growth testdata/gctrace/leak.log testdata/heapdump/graph.dump.gz testdata/pprof/incidents
