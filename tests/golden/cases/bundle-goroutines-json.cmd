# as bundle-goroutines, JSON; checked by verify_bundle.py
heapscope goroutines --format json testdata/bundle/dumps
