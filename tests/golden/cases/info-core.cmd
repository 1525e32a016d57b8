# info on a core with its executable: threads and goroutines (verify_core.py: NT_PRSTATUS notes, stack.txt, counts.json)
heapscope info --exe testdata/core/core.exe.zst testdata/core/core.core.zst
