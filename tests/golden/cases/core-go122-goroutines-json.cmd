@utime testdata/core/go122/core.core.zst 1795329450
# a core of Go 1.22: the first with allocation headers; goroutines as Go 1.21/1.23's (verify_core.py, as core-goroutines-json)
heapscope goroutines --format json --exe testdata/core/go122/core.exe.zst testdata/core/go122/core.core.zst
