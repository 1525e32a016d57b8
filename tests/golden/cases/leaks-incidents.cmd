# two dumps of the incident program: the wheel goroutines (1200 then 2000) first, then the blocked checkers (300)
heapscope leaks testdata/pprof/incidents/goroutine-1.txt.gz testdata/pprof/incidents/goroutine-2.txt.gz
