# an arm64 core holds no build id (qemu leaves the text's first page out): the same program linked with -X main.variant=other differs in its read-only data
heapscope goroutines --exe testdata/core/arm64/wrong.exe.zst testdata/core/arm64/core.core.zst
