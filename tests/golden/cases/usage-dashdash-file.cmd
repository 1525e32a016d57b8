# after -- every word is a file, even one that looks like an option
heapscope top -- --cum
