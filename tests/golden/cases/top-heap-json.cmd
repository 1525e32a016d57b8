# rows, flat, cum, total, dropped nodes and cutoff = go tool pprof -top -unit=B
heapscope top --format json testdata/pprof/heap.pb.gz
