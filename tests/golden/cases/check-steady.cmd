# check passes on the steady series (exit 0): totals from pprof -raw,
# main.leakyCache from counts.json, growth against heap-1 (verify_growth.py)
heapscope check --rules testdata/rules/growth.yaml --base testdata/pprof/steady/heap-1.pb.gz testdata/pprof/steady/heap-2.pb.gz testdata/pprof/steady/heap-3.pb.gz
