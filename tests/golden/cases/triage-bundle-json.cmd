# issue 14 (tests/golden/verify_triage.py): triage on testdata/bundle/dumps, checked against its counts.json and pprof -raw
heapscope triage --format json testdata/bundle/dumps
