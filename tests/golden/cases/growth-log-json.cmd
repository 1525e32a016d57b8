# the same log as JSON (read by address, as growth-text-json): its profiles are the six parts, the inputs one file holding them
heapscope growth --addresses --format json testdata/pprof/growth-log/heap.log.gz
