# the gctrace logs as text
heapscope triage testdata/gctrace/leak.log testdata/gctrace/steady.log
