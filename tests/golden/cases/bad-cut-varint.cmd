# cut inside the time_nanos varint
heapscope top testdata/bad/cut-varint.pb
