# as bundle-leaks, JSON; checked by verify_bundle.py
heapscope leaks --format json testdata/bundle/dumps
