# a function name refers to string 127
heapscope top testdata/bad/string-index.pb
