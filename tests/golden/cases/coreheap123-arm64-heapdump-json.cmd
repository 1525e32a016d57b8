# heapdump of a Go 1.23 arm64 core (allocation headers; qemu-aarch64's): what testdata/gen/coreheap built, as coreheap-heapdump-json (verify_core.py)
heapscope heapdump --format json testdata/coreheap123-arm64/core.core.zst --exe testdata/coreheap123-arm64/core.exe.zst
