@utime testdata/core/go123/core.core.zst 1795329450
# a core of Go 1.23: pclntab 1.20+, internal/abi funcIDs, "created by F in goroutine N" (verify_core.py, as core-goroutines-json)
heapscope goroutines --format json --exe testdata/core/go123/core.exe.zst testdata/core/go123/core.core.zst
