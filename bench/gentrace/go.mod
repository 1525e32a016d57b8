module heapscope/bench/gentrace

go 1.19
