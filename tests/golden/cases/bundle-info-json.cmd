# as bundle-info, JSON; checked by verify_bundle.py
heapscope info --format json testdata/bundle/dumps
