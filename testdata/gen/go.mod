module heapscope/testdata/gen

go 1.19
