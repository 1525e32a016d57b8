# the same as JSON: the profiles are the three protobufs, the inputs list the texts as their twins
heapscope growth --format json testdata/pprof/heaptwins/heap-1.txt.gz testdata/pprof/heaptwins/heap-1.pb.gz testdata/pprof/heaptwins/heap-2.txt.gz testdata/pprof/heaptwins/heap-2.pb.gz testdata/pprof/heaptwins/heap-3.txt.gz testdata/pprof/heaptwins/heap-3.pb.gz
