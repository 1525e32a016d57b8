# goroutine dumps whose only time is in their names (two stamp styles): ordered by those times, not by name
heapscope growth --cum --format json testdata/pprof/named/goroutine-2026-11-22T03:45:43Z.txt.gz testdata/pprof/named/goroutine-20261122-034443.txt.gz
