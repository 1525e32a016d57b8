# a file that does not exist
heapscope top testdata/bad/no-such-file.pb
