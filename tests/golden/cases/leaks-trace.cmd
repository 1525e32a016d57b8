# a trace: per-task goroutines of one go statement, 40 of 300 stuck in a select at
# their entry: not a worker pool (260 returned); who calls the go statement, from
# its creation stack
heapscope leaks testdata/trace/leak.trace
