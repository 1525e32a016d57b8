# issue 13 (tests/golden/verify_services.py): leaks on the whole folder of the rwstarve service (testdata/gen/services), checked against its counts.json
heapscope leaks testdata/pprof/services/rwstarve
