heapscope trace --format json testdata/trace/v2/existing-ends.trace
