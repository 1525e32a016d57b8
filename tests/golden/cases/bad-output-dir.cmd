# -o into a directory that does not exist
heapscope top -o {tmp}/no/such/dir/top.txt testdata/pprof/heap.pb.gz
