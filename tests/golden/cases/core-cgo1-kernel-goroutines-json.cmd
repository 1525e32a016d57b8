@utime testdata/core/cgo1/kernel.core.zst 1795329450
# the kernel's core of the cgo build at GOMAXPROCS=1 (GOTRACEBACK=crash): every Go thread in the signal handler; the goroutines as its crash.txt prints them (verify_core.py)
heapscope goroutines --format json --exe testdata/core/cgo/core.exe.zst testdata/core/cgo1/kernel.core.zst
