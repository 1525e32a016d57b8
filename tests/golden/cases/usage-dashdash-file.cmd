# after -- every word is a file, even one that looks like an option
heapscope leaks -- --min-medium
