@utime testdata/bundle/logs/goroutine-profiles.log 1795318980
# issue 12 part 5 (tests/golden/verify_bundle.py): the bundle's three goroutine ?debug=1 profiles appended into one log: a column per profile, FILE#K, checked against testdata/bundle/counts.json (goroutines and leaked watchers per moment)
heapscope goroutines testdata/bundle/logs/goroutine-profiles.log
