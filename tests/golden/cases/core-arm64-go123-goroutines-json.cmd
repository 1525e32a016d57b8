@utime testdata/core/arm64/go123/core.core.zst 1795329450
# the goroutines of a Go 1.23 arm64 core (qemu-aarch64's), as the program's own runtime.Stack text has them (verify_core.py)
heapscope goroutines --format json --exe testdata/core/arm64/go123/core.exe.zst testdata/core/arm64/go123/core.core.zst
