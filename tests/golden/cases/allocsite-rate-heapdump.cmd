# issue 15 item 7: the same, text
heapscope heapdump --exe testdata/allocsite/allocsite.sym testdata/allocsite/rate/heap.dump.zst
