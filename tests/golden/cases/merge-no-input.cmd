heapscope merge -o {tmp}/merged.pb.gz
