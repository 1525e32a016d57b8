# no file argument
heapscope top
