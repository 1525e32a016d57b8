# an arm64 core with the amd64 build of the same program: refused, one line, exit 2
heapscope blocking --exe testdata/core/core.exe.zst testdata/core/arm64/core.core.zst
