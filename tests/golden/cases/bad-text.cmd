# plain text
heapscope top testdata/bad/notes.txt
