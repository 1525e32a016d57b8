@utime testdata/bundle/logs/goroutine-dumps.log.gz 1795318980
# issue 12 part 5 (tests/golden/verify_bundle.py): the bundle's three goroutine debug=2 dumps appended into one gzipped log (testdata/bundle/make-logs.sh): a column per dump, FILE then FILE (dump K), checked against testdata/bundle/counts.json (goroutines and leaked watchers per moment)
heapscope goroutines --format json testdata/bundle/logs/goroutine-dumps.log.gz
