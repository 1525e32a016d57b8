# issue 15 item 7: allocation sites of each suspect, JSON (verify_allocsite.py)
heapscope heapdump --format json --exe testdata/allocsite/allocsite.sym testdata/allocsite/heap.dump.zst
