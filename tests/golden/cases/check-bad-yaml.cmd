# malformed YAML: exit 2, file:line:column from libyaml (checked against PyYAML's marks)
heapscope check --rules testdata/rules/bad/indent.yaml testdata/pprof/heap.pb.gz
