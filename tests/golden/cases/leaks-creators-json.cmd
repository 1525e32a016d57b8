# the same as JSON: the callers as frames, per_request, the mechanism
heapscope leaks --format json testdata/pprof/creators
