# abbreviations work for every option, the command's own too: --min-gor is --min-goroutines (100, the default: the same as leaks-incidents)
heapscope leaks --min-gor 100 testdata/pprof/incidents/goroutine-1.txt.gz testdata/pprof/incidents/goroutine-2.txt.gz
