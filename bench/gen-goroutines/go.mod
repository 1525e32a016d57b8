module heapscope/bench/gen-goroutines

go 1.19
