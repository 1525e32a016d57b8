@utime testdata/bundle/logs/goroutine-dumps.log.gz 1795318980
# issue 12 part 5 (tests/golden/verify_bundle.py): blocking on the bundle's three debug=2 dumps appended into one log: the watchers' select grows 80 -> 160 -> 240 dump to dump inside the file, so it is no idle worker loop (counts.json)
heapscope blocking --format json testdata/bundle/logs/goroutine-dumps.log.gz
