# where the incident program waits, from its second dump
heapscope blocking testdata/pprof/incidents/goroutine-2.txt.gz
