# info on a core without --exe: described, saying what it needs; exit 0 (verify_core.py)
heapscope info testdata/core/core.core.zst
