# check fails on the growing series (exit 1), one line per rule and file
heapscope check --rules testdata/rules/growth.yaml --base testdata/pprof/growth/heap-1.pb.gz testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-3.pb.gz testdata/pprof/growth/heap-4.pb.gz testdata/pprof/growth/heap-5.pb.gz testdata/pprof/growth/heap-6.pb.gz
