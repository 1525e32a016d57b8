# issue 12 part 5: six ?debug=1 heap profiles appended to one file (testdata/pprof/growth-log/heap.log.gz = growth-text/heap-1..6.txt); leaks reads them as six snapshots FILE#1..#6, each timed by its own LastGC, as growth does (cli_load_parts); checked by verify_growth.py like leaks over the six files, read by name
heapscope leaks testdata/pprof/growth-log/heap.log.gz
