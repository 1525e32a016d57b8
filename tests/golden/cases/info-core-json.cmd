@utime testdata/core/core.core.zst 1795329450
# as info-core, JSON (verify_core.py; inputs by verify_inputs.py)
heapscope info --format json --exe testdata/core/core.exe.zst testdata/core/core.core.zst
