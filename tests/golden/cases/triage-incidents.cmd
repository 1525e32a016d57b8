# the incident bundle, verdict first: two high findings, exit 1
heapscope triage testdata/pprof/incidents
