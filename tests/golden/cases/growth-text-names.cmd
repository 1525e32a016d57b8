# the same series read by name from the # lines (heapscope's default): main.leakyCache is the candidate
heapscope growth --limit 64MiB --nodecount 5 testdata/pprof/growth-text/heap-1.txt testdata/pprof/growth-text/heap-2.txt testdata/pprof/growth-text/heap-3.txt testdata/pprof/growth-text/heap-4.txt testdata/pprof/growth-text/heap-5.txt testdata/pprof/growth-text/heap-6.txt
