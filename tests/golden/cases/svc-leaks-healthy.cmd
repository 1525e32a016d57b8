# issue 13 (tests/golden/verify_services.py): leaks on the whole folder of the healthy service (testdata/gen/services), checked against its counts.json
heapscope leaks testdata/pprof/services/healthy
