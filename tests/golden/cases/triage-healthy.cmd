# the healthy control: healthy with its numbers, exit 0
heapscope triage testdata/pprof/healthy
