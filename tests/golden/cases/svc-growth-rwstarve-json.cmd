# issue 13 (tests/golden/verify_services.py): growth over the three heap profiles of the rwstarve service (testdata/gen/services), checked against pprof -raw and its counts.json
heapscope growth --format json testdata/pprof/services/rwstarve/heap-1.pb.gz testdata/pprof/services/rwstarve/heap-2.pb.gz testdata/pprof/services/rwstarve/heap-3.pb.gz
