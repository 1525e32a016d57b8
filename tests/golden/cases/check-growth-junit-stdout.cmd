# --format junit: the same XML as --junit FILE (check-growth-junit), on stdout
heapscope check --rules testdata/rules/growth.yaml --base testdata/pprof/growth/heap-1.pb.gz --format junit testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-6.pb.gz
