# as bundle-blocking, JSON; checked by verify_bundle.py
heapscope blocking --format json testdata/bundle/dumps
