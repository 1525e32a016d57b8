# issue 15 item 7: allocation sites of each suspect, every allocation sampled (verify_allocsite.py: the dump's own records, heap.pb.gz of the same moment, counts.json)
heapscope heapdump --exe testdata/allocsite/allocsite.sym testdata/allocsite/heap.dump.zst
