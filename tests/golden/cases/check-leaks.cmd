# max_goroutines_per_group and max_leak_severity: the incident dump (2000 wheel goroutines, counts.json) fails both, the healthy one passes
heapscope check --rules testdata/rules/leaks.yaml testdata/pprof/incidents/goroutine-2.txt.gz testdata/pprof/healthy/goroutine-2.txt.gz
