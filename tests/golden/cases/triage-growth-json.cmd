# a heap series: heap growth finding, timeline of in-use bytes, growth rows
heapscope triage --format json testdata/pprof/growth
