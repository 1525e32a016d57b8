# the right executable without its DWARF (objcopy --strip-debug)
heapscope blocking --exe testdata/core/stripped.exe.zst testdata/core/core.core.zst
