# issue 13 (tests/golden/verify_services.py): leaks on the whole folder of the history service (testdata/gen/services), checked against its counts.json
heapscope leaks --format json testdata/pprof/services/history
