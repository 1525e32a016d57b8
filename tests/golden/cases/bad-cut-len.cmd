# cut inside a length-delimited field
heapscope folded testdata/bad/cut-len.pb
