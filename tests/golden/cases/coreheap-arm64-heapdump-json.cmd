# heapdump of an arm64 core (qemu-aarch64's): what testdata/gen/coreheap built, as coreheap-heapdump-json (verify_core.py)
heapscope heapdump --format json testdata/coreheap-arm64/core.core.zst --exe testdata/coreheap-arm64/core.exe.zst
