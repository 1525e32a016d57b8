@utime testdata/pprof/growth/counts.json 1795327040
# a heap series: heap growth finding, timeline of in-use bytes, growth rows
heapscope triage --format json testdata/pprof/growth
