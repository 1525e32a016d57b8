# issue 13 (tests/golden/verify_services.py): blocking on the whole folder of the registry service (testdata/gen/services), checked against its counts.json
heapscope blocking --format json testdata/pprof/services/registry
