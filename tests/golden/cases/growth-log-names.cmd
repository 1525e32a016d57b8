# six ?debug=1 heap profiles appended to one file (testdata/pprof/growth-log/heap.log.gz = growth-text/heap-1..6.txt one after another): six snapshots named FILE#1..#6, each timed by its own LastGC; the same report as growth-text-names
heapscope growth --limit 64MiB --nodecount 5 testdata/pprof/growth-log/heap.log.gz
