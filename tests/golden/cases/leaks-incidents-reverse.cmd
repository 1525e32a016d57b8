# leaks-incidents' two dumps given newest first: snapshots go by time (the dumps have none of their own: their modification times, equal in a checkout, then their names), never by argument order: the same output as leaks-incidents
heapscope leaks testdata/pprof/incidents/goroutine-2.txt.gz testdata/pprof/incidents/goroutine-1.txt.gz
