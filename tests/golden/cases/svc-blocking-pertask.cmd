# issue 13 (tests/golden/verify_services.py): blocking on the whole folder of the pertask service (testdata/gen/services), checked against its counts.json
heapscope blocking testdata/pprof/services/pertask
