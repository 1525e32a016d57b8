# a per-request expiry loop: the dumps say "created by main.startExpiry", the heap
# profile holds who calls it (up to net/http's server): one per request
heapscope leaks testdata/pprof/creators
