module heapscope/bench/gen-heapdump

go 1.19
