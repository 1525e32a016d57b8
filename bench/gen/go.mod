module heapscope/bench/gen

go 1.19
