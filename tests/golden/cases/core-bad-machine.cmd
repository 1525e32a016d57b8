# a core of a machine that is neither amd64 nor arm64 (the arm64 core's first 4 KiB, e_machine set to 243, RISC-V): one line, exit 2
heapscope goroutines --exe testdata/core/arm64/core.exe.zst testdata/core/arm64/riscv.core
