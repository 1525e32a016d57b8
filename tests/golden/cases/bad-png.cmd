# a PNG header
heapscope info testdata/bad/image.png
