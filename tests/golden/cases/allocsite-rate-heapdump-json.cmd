# issue 15 item 7: one allocation sampled per 4 KiB: the share of the bytes with a site (verify_allocsite.py)
heapscope heapdump --format json --exe testdata/allocsite/allocsite.sym testdata/allocsite/rate/heap.dump.zst
