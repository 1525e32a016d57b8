# as bundle-growth, JSON; checked by verify_bundle.py
heapscope growth --format json testdata/bundle/dumps
