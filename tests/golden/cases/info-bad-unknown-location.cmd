# info counts without keeping samples; what only the full load judges is its error, word for word
heapscope info testdata/bad/unknown-location.pb
