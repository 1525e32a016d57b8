@utime testdata/coreprof122/core.core.zst 1796560561
# as info-coreprof122, JSON (verify_coreprof.py; inputs by verify_inputs.py)
heapscope info --format json --exe testdata/coreprof122/core.exe.zst testdata/coreprof122/core.core.zst
