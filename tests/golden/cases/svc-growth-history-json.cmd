# issue 13 (tests/golden/verify_services.py): growth over the three heap profiles of the history service (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth --format json testdata/pprof/services/history/heap-1.pb.gz testdata/pprof/services/history/heap-2.pb.gz testdata/pprof/services/history/heap-3.pb.gz
