heapscope trace --format json testdata/trace/v2/two-ms.trace
