# --exe names a text file
heapscope leaks --exe testdata/core/stack.txt testdata/core/core.core.zst
