# = go tool pprof -top -focus='main\.(grow|newRecord)' -ignore=main.grow -hide=main.run
heapscope top --focus 'main\.(grow|newRecord)' --ignore=main.grow --hide=main.run testdata/pprof/heap.pb.gz
