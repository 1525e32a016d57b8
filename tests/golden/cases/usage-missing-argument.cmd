# an option missing its argument (getopt's ':' case)
heapscope top --focus
