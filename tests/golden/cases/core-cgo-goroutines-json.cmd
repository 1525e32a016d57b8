@utime testdata/core/cgo/core.core.zst 1795329450
# a gcore of the cgo build at GOMAXPROCS=8, the printing goroutine on g0 (systemstack); the goroutines as its crash.txt prints them (verify_core.py)
heapscope goroutines --format json --exe testdata/core/cgo/core.exe.zst testdata/core/cgo/core.core.zst
