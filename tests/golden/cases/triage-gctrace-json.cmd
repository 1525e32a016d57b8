# gctrace logs: the leaking run is high, the steady one adds nothing
heapscope triage --format json testdata/gctrace/leak.log testdata/gctrace/steady.log
