# differential folded stacks (stack base new), union of both sides
heapscope diff --format folded --sample-index=inuse_objects testdata/pprof/series/heap-1.pb.gz testdata/pprof/series/heap-5.pb.gz
