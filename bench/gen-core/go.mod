module heapscope/bench/gen-core

go 1.19
