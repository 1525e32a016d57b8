# a folder walk skips hidden entries (an empty '.complete' marker, a '.hidden' directory holding a file that is no profile) and names an empty file once as not used; testdata/walk holds copies of two bundle dumps (moments 1 and 2); checked by verify_bundle.py against testdata/bundle/counts.json
heapscope goroutines testdata/walk
