# issue 13 (tests/golden/verify_services.py): growth over the three heap profiles of the pertenant service (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth testdata/pprof/services/pertenant/heap-1.pb.gz testdata/pprof/services/pertenant/heap-2.pb.gz testdata/pprof/services/pertenant/heap-3.pb.gz
