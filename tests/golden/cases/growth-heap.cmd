# every row recomputed by verify_growth.py from pprof -raw and the profiles' time_nanos;
# main.leakyCache first, +1000kB per step (counts.json)
heapscope growth testdata/pprof/growth/heap-1.pb.gz testdata/pprof/growth/heap-2.pb.gz testdata/pprof/growth/heap-3.pb.gz testdata/pprof/growth/heap-4.pb.gz testdata/pprof/growth/heap-5.pb.gz testdata/pprof/growth/heap-6.pb.gz
