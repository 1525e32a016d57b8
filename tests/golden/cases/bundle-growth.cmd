# the bundle folder (testdata/gen/bundle: every artifact kind at three moments, twins, seven stamp styles, gzip, zstd, one truncated pb.gz); checked by verify_bundle.py against testdata/bundle/counts.json, go tool pprof -raw and the dumps parsed in Python
heapscope growth testdata/bundle/dumps
