@utime testdata/core/arm64/core.core.zst 1795329450
# the goroutines of an arm64 core (qemu-aarch64's, GOTRACEBACK=crash), as the program's own runtime.Stack text has them (verify_core.py)
heapscope goroutines --format json --exe testdata/core/arm64/core.exe.zst testdata/core/arm64/core.core.zst
