@utime testdata/coreprof/core.core.zst 1796500000
# the same, text: "main.keepLarge (main.go:65) allocated the [][]uint8 (32) that keeps" (verify_allocsite.py, against coreprof-triage-json)
heapscope triage --exe testdata/coreprof/core.exe.zst testdata/coreprof/core.core.zst
