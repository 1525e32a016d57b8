# the same program linked with another -X value: another build id
heapscope goroutines --exe testdata/core/wrong.exe.zst testdata/core/core.core.zst
