# as leaks-log, JSON: the candidate's evidence per part, the summary, and the log once in "inputs"; checked by verify_growth.py against counts.json and the parts' LastGC
heapscope leaks --format json testdata/pprof/growth-log/heap.log.gz
