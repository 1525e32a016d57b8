@utime testdata/gctrace/leak.log 1795320000
# the same as JSON: "gctrace" holds the log's last run in bytes, the inputs list it as used
heapscope growth --format json --limit 64MiB testdata/pprof/growth/heap-1.pb.gz testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-3.pb.gz testdata/pprof/growth/heap-4.pb.gz testdata/pprof/growth/heap-5.pb.gz testdata/pprof/growth/heap-6.pb.gz testdata/gctrace/leak.log
