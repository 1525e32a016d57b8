# a directory stands for every file below it; files of no use are counted, not errors
heapscope leaks testdata/rules
