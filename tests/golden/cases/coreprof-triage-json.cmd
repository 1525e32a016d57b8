@utime testdata/coreprof/core.core.zst 1796500000
# triage of a core with its memory profile and types: the retention named by the retaining array's allocation site (verify_allocsite.py: heap.pb.gz, the generator's declared type, the core's own main.Large read in Python)
heapscope triage --format json --exe testdata/coreprof/core.exe.zst testdata/coreprof/core.core.zst
