@utime testdata/gctrace/leak.log 1795320000
@utime testdata/gctrace/steady.log 1795320000
# gctrace logs: the leaking run is high, the steady one adds nothing
heapscope triage --format json testdata/gctrace/leak.log testdata/gctrace/steady.log
