# nothing on stdout; the file = go tool pprof -top
heapscope top -o {tmp}/top.txt testdata/pprof/heap.pb.gz
